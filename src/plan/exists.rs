//! Existence tests: runs of steps whose bindings nothing later reads,
//! wrapped so that their first match is enough.

use std::collections::HashSet;

use super::types::{Access, Step};
use crate::ast::Literal;
use crate::binding::binds;

/// Wraps in [`Step::Exists`] each shortest run of steps, starting at a
/// scan, whose newly bound variables neither `needed` nor any later step
/// reads: only whether such a run has a match matters, not how many.
/// `literals[k]` is the literal of `steps[k]`; `bound` the variables bound
/// before the first.
pub(super) fn existence_tests(
    steps: Vec<Step>,
    literals: &[&Literal],
    bound: &HashSet<String>,
    needed: &HashSet<String>,
) -> Vec<Step> {
    let n = steps.len();
    let mut bound = bound.clone();
    let mut firsts: Vec<HashSet<String>> = Vec::with_capacity(n);
    let mut uses: Vec<HashSet<String>> = Vec::with_capacity(n);
    for literal in literals {
        let before = bound.clone();
        binds(literal, &mut bound);
        firsts.push(bound.difference(&before).cloned().collect());
        let mut used = HashSet::new();
        literal.for_each_var(&mut |v| {
            used.insert(v.name.clone());
        });
        uses.push(used);
    }
    // after[m]: what the steps from m on, and what comes after the body,
    // read.
    let mut after = vec![needed.clone(); n + 1];
    for m in (0..n).rev() {
        let mut set = after[m + 1].clone();
        set.extend(uses[m].iter().cloned());
        after[m] = set;
    }
    let candidate: Vec<bool> = steps
        .iter()
        .map(|s| {
            matches!(
                s,
                Step::Scan { access, .. } if *access != Access::Member
            )
        })
        .collect();
    let mut steps: Vec<Option<Step>> = steps.into_iter().map(Some).collect();
    let segments = Segments {
        firsts: &firsts,
        after: &after,
        candidate: &candidate,
    };
    segments.build(&mut steps, 0, n)
}

/// What [`existence_tests`] knows of each step.
struct Segments<'a> {
    firsts: &'a [HashSet<String>],
    after: &'a [HashSet<String>],
    candidate: &'a [bool],
}

impl Segments<'_> {
    /// The steps `lo..hi`, runs wrapped. Within a run that ends at `hi`,
    /// every inner run ends by `hi` too (what the outer run binds, the
    /// steps after `hi` do not read).
    fn build(&self, steps: &mut [Option<Step>], lo: usize, hi: usize) -> Vec<Step> {
        let mut out = Vec::with_capacity(hi - lo);
        let mut k = lo;
        while k < hi {
            let take = |steps: &mut [Option<Step>], i: usize| {
                steps[i].take().expect("each step is taken once")
            };
            if self.candidate[k] {
                let mut binds: HashSet<&String> = HashSet::new();
                let end = (k + 1..=hi).find(|&m| {
                    binds.extend(&self.firsts[m - 1]);
                    binds.iter().all(|v| !self.after[m].contains(*v))
                });
                if let Some(m) = end {
                    let mut inner = vec![take(steps, k)];
                    inner.extend(self.build(steps, k + 1, m));
                    out.push(Step::Exists(inner));
                    k = m;
                    continue;
                }
            }
            out.push(take(steps, k));
            k += 1;
        }
        out
    }
}
