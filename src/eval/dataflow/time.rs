//! Time on differential dataflow's own timestamps (SPEC §10, §15).
//!
//! The dataflow's time is the time line of the program: a given fact
//! valid from 1994 to 2020 enters its collection at 1994 and leaves at
//! 2021, so differential dataflow computes the model at every time point
//! at once, and each derived fact comes out with the time points where
//! it comes to hold or stops holding. A timeline is that output,
//! consolidated: the validity of each fact, and the model of the last
//! elementary interval filled as [`super::evaluate`] fills a model.

use std::sync::Arc;

use hashbrown::HashMap;

use super::super::config::Budget;
use super::super::timeline::{given_changes, timed_facts, Timeline, Track};
use super::super::{Config, Database, Given};
use super::{compute, Change, Cluster, Derived, Row};
use crate::error::EvalError;
use crate::intern::Interner;
use crate::plan::{Plan, PredId};
use crate::time::{Interval, Time, Validity, NEVER_AFTER, NEVER_BEFORE};

/// The timeline of a program whose facts say when they hold, computed
/// by one dataflow over every time point (the semi-naive sweep's
/// result: the same elementary intervals, validities and last model).
pub fn sweep(
    plan: Plan,
    interner: Interner,
    given: Given,
    config: &Config,
    cluster: &Cluster,
    track: Track,
) -> Result<Timeline, EvalError> {
    let budget = Budget::start(config);
    let mut first = Database::empty(plan, interner);
    first.load_given(given, Some(NEVER_BEFORE));
    let timed = timed_facts(&mut first, given);
    // The given facts of the first interval from the start of time,
    // then each change where it happens.
    let mut inputs: Vec<Vec<Change>> = (0..first.relations.len())
        .map(|p| {
            let rows = first.live_rows(p);
            rows.map(|r| (Row::of_ids(first.row(p, r), &first.interner), NEVER_BEFORE, 1)).collect()
        })
        .collect();
    let mut starts = vec![NEVER_BEFORE];
    for (t, edit) in given_changes(&timed) {
        starts.push(t);
        for (p, row) in &edit.retract {
            inputs[*p].push((Row::of_ids(row, &first.interner), t, -1));
        }
        for (p, row, _) in &edit.add {
            inputs[*p].push((Row::of_ids(row, &first.interner), t, 1));
        }
    }
    // Shared: the dataflow's workers feed from the copy the validities
    // read after.
    let inputs: Arc<Vec<(PredId, Vec<Change>)>> = Arc::new(inputs.into_iter().enumerate().collect());
    let derived = compute(&first, Arc::clone(&inputs), config, cluster)?;
    let validities = validities(&inputs, &derived);
    // The model of the last elementary interval, in the interner the
    // timed facts' ids are of.
    let last = *starts.last().unwrap_or(&NEVER_BEFORE);
    let mut db = Database::empty(first.plan.clone(), first.interner.clone());
    db.load_given(given, Some(last));
    db.fill(vec![derived], &budget)?;
    let tracked = |p: PredId| match &track {
        Track::Facts => true,
        Track::Only(flagged) => flagged.get(p) == Some(&true),
    };
    let mut changed = vec![HashMap::default(); db.relations.len()];
    for (p, row, validity) in validities {
        if validity.is_always() || !tracked(p) {
            continue;
        }
        let ids = row.ids(&mut db.interner);
        changed[p].insert(ids, validity);
    }
    Ok(Timeline::of_parts(db, changed, starts, timed, &track))
}

/// When each fact holds: the given facts' changes and the derived
/// facts' (at any depth), summed per fact and time point, hold where the
/// sum is positive (a fact both given and derived counts twice).
fn validities(inputs: &[(PredId, Vec<Change>)], derived: &[Derived]) -> Vec<(PredId, Row, Validity)> {
    let given = (inputs.iter()).flat_map(|(p, changes)| changes.iter().map(move |(row, t, d)| ((*p, row), *t, *d)));
    let derived = derived.iter().map(|(p, row, _, t, d)| ((*p, row), *t, *d));
    let mut changes: Vec<((PredId, &Row), Time, isize)> = given.chain(derived).collect();
    differential_dataflow::consolidation::consolidate_updates(&mut changes);
    let mut out = Vec::new();
    let mut i = 0;
    while i < changes.len() {
        let key = changes[i].0;
        let (mut count, mut since, mut validity) = (0, None, Validity::never());
        while i < changes.len() && changes[i].0 == key {
            let (_, t, d) = changes[i];
            count += d;
            match (since, count > 0) {
                (None, true) => since = Some(t),
                (Some(from), false) => {
                    validity.add(Interval { from, to: t - 1 });
                    since = None;
                }
                _ => {}
            }
            i += 1;
        }
        if let Some(from) = since {
            validity.add(Interval {
                from,
                to: NEVER_AFTER,
            });
        }
        if !validity.is_never() {
            out.push((key.0, key.1.clone(), validity));
        }
    }
    out
}
