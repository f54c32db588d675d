//! The model's facts as canonical text (SPEC §6), written fast enough that
//! printing is not the larger part of a run: each string value is
//! formatted once, integers without the formatting machinery, and large
//! predicates are sorted and formatted in blocks on several threads, the
//! blocks written in order.

use std::io::{self, Write};

use super::Engine;
use crate::eval::RowId;
use crate::eval::Threads;
use crate::eval::{unpack_key, Database};
use crate::fact::Fact;
use crate::intern::{Id, Texts};
use crate::plan::PredId;

/// Facts formatted by one task.
const BLOCK_ROWS: usize = 1 << 14;

/// Blocks formatted before they are written: bounds the memory held.
const BLOCKS_AHEAD: usize = 16;

impl Engine {
    /// Writes every fact of the current model (none when it is stale) as
    /// `entente run` prints it: one `fact.` a line, predicates in name
    /// order, each predicate's facts in canonical order; all facts, or only
    /// the derived ones. The text is what [`Engine::for_each_fact`] gives,
    /// printed with [`crate::Value`]'s `Display`. Uses the
    /// engine's [`crate::Config::jobs`].
    pub fn write_facts(&self, out: &mut dyn Write, derived_only: bool) -> io::Result<()> {
        if self.timeline.is_some() {
            return self.write_timed_facts(out, derived_only);
        }
        let model = self.model.read();
        let Some(db) = model.as_ref().map(|m| m.facts()) else {
            return Ok(());
        };
        let threads = Threads::new(self.settings.jobs);
        let keys = |pred| threads.install(|| db.sorted_keys(pred, derived_only));
        write(db, &threads, out, derived_only, keys)
    }

    /// [`Engine::write_facts`] for a caller done with the model (as
    /// `entente run` is once it has printed): the model's hash sets and
    /// indexes are freed, and rows turn into sort keys as they are read,
    /// so that printing a large model needs no memory beyond its rows.
    /// The engine is left without a model, as if it had not run.
    ///
    /// ```
    /// use entente::Engine;
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("kb.rules", "p(2). p(1). q(X) if p(X).")?;
    /// engine.run()?;
    /// let mut out = Vec::new();
    /// engine.write_facts_and_drop(&mut out, true).unwrap();
    /// assert_eq!(String::from_utf8(out).unwrap(), "q(1).\nq(2).\n");
    /// assert!(!engine.is_current());
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn write_facts_and_drop(
        &mut self,
        out: &mut dyn Write,
        derived_only: bool,
    ) -> io::Result<()> {
        if self.timeline.is_some() {
            return self.write_timed_facts(out, derived_only);
        }
        let Some(mut model) = self.model.get_mut().take() else {
            return Ok(());
        };
        let db = model.facts_mut();
        db.drop_tables();
        let threads = Threads::new(self.settings.jobs);
        let mut taken: Vec<Option<Vec<u64>>> = (0..db.relation_count())
            .map(|pred| threads.install(|| db.take_sorted_keys(pred, derived_only)))
            .collect();
        let keys = |pred: PredId| taken[pred].take();
        write(db, &threads, out, derived_only, keys)
    }
}

impl Engine {
    /// The facts of a timeline (SPEC §10): one line per maximal interval
    /// of each, `p(a) from 1994 to 2020.`; a fact that always holds as it
    /// is.
    fn write_timed_facts(&self, out: &mut dyn Write, derived_only: bool) -> io::Result<()> {
        self.for_each_timed_fact(derived_only, |name, row, validity| {
            let fact = Fact {
                predicate: name.to_string(),
                args: row.to_vec(),
            };
            for line in fact.timed_lines(validity) {
                writeln!(out, "{line}")?;
            }
            Ok(())
        })
    }
}

/// The facts of `db`, sorted and formatted on `threads`. Rows of small
/// integers print from their sorted keys, which `keys` gives (`None` when
/// a predicate has other values).
fn write(
    db: &Database,
    threads: &Threads,
    out: &mut dyn Write,
    derived_only: bool,
    mut keys: impl FnMut(PredId) -> Option<Vec<u64>>,
) -> io::Result<()> {
    let texts = Texts::new(db.names());
    for (pred, name) in db.predicates_by_name() {
        let arity = db.plan().predicates[pred];
        let rows = match keys(pred) {
            Some(keys) => Rows::Keys(keys),
            None => Rows::Ids(threads.install(|| db.sorted_rows(pred, derived_only))),
        };
        let print = |block: std::ops::Range<usize>| {
            let mut text = Vec::with_capacity(block.len() * (name.len() + 16));
            let mut row = Vec::with_capacity(arity);
            for i in block {
                let values = match &rows {
                    Rows::Keys(keys) => {
                        unpack_key(keys[i], arity, &mut row);
                        &row[..]
                    }
                    Rows::Ids(ids) => db.row(pred, ids[i]),
                };
                line(&mut text, name, values, &texts);
            }
            text
        };
        let total = rows.len();
        for ahead in (0..total).step_by(BLOCK_ROWS * BLOCKS_AHEAD) {
            let starts = (ahead..total.min(ahead + BLOCK_ROWS * BLOCKS_AHEAD)).step_by(BLOCK_ROWS);
            let blocks = threads.map(starts.collect(), |start| {
                print(start..total.min(start + BLOCK_ROWS))
            });
            for text in blocks {
                out.write_all(&text)?;
            }
        }
    }
    Ok(())
}

/// One predicate's rows in canonical order.
enum Rows {
    /// As packed keys (rows of small integers).
    Keys(Vec<u64>),
    /// As row ids.
    Ids(Vec<RowId>),
}

impl Rows {
    fn len(&self) -> usize {
        match self {
            Rows::Keys(keys) => keys.len(),
            Rows::Ids(ids) => ids.len(),
        }
    }
}

/// `name(a, b).` and a newline; `name.` for a fact without arguments.
fn line(text: &mut Vec<u8>, name: &str, row: &[Id], texts: &Texts) {
    text.extend_from_slice(name.as_bytes());
    if let Some((first, rest)) = row.split_first() {
        text.push(b'(');
        texts.push(*first, text);
        for &id in rest {
            text.extend_from_slice(b", ");
            texts.push(id, text);
        }
        text.push(b')');
    }
    text.extend_from_slice(b".\n");
}
