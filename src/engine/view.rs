//! Reading the program and the model without reaching into them: facts in
//! canonical order, rules as written, the program in canonical form, the
//! statements of a text, symbols for completion, statistics. What the CLI
//! and the REPL print comes from here.

use std::ops::Range;

use super::Engine;
use crate::ast::{Statement, When};
use crate::eval::{Model, StratumStats};
use crate::explain::source_at;
use crate::fact::Fact;
use crate::intern::Interner;
use crate::parse::parse_module;
use crate::plan::{self, Plan};
use crate::time::Validity;
use crate::value::{is_symbol, Value};

/// A statement of a text: where it stands, and whether it is a query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    /// Its bytes in the text.
    pub range: Range<usize>,
    /// True for a query (`? goal.`).
    pub query: bool,
}

/// The statements of `text`, in order; `None` when it does not parse (the
/// diagnostics come when the text is added).
pub fn statements_of(text: &str) -> Option<Vec<Piece>> {
    let (module, errors) = parse_module(text, 0);
    if !errors.is_empty() {
        return None;
    }
    Some(
        module
            .statements
            .iter()
            .map(|s| Piece {
                range: s.span().start..s.span().end,
                query: matches!(s, Statement::Query(_)),
            })
            .collect(),
    )
}

impl Engine {
    /// Calls `f` with every fact of the current model (none when it is
    /// stale), predicate by predicate in name order, each predicate's facts
    /// in canonical order (SPEC §6): all facts, or only the derived ones.
    /// Stops at the first error `f` returns. One predicate's order is all
    /// that is held besides the model, so output can stream.
    pub fn for_each_fact<E>(
        &self,
        derived_only: bool,
        mut f: impl FnMut(&str, &[Value]) -> Result<(), E>,
    ) -> Result<(), E> {
        self.for_each_timed_fact(derived_only, |name, row, _| f(name, row))
    }

    /// [`Engine::for_each_fact`] with when each fact holds: of a
    /// timeline, every fact that holds at some time (after a run over
    /// every time of a program that says when facts hold); else every fact
    /// of the model, holding always (or at the time of the model).
    pub fn for_each_timed_fact<E>(
        &self,
        derived_only: bool,
        mut f: impl FnMut(&str, &[Value], &Validity) -> Result<(), E>,
    ) -> Result<(), E> {
        if let Some(timeline) = self.timeline.read().as_ref() {
            return timeline.for_each_fact(derived_only, f);
        }
        let model = self.model.read();
        let Some(db) = model.as_deref().map(Model::facts) else {
            return Ok(());
        };
        let always = Validity::always();
        let mut row = Vec::new();
        for (pred, name) in db.predicates_by_name() {
            for r in db.sorted_rows(pred, derived_only) {
                row.clear();
                row.extend(db.row(pred, r).iter().map(|&id| db.names().value(id)));
                f(name, &row, &always)?;
            }
        }
        Ok(())
    }

    /// The rules (not facts) of the program as written, one line each, of
    /// `predicate` or of all.
    pub fn rules_text(&self, predicate: Option<&str>) -> Vec<String> {
        self.program
            .rules
            .iter()
            .filter(|r| !r.is_fact() && predicate.is_none_or(|p| *r.head.predicate.text == *p))
            .map(|r| source_at(&self.sources, r.span).text)
            .collect()
    }

    /// The program's evaluation plan, as text (`entente check --plan`,
    /// docs/cli.md): each stratum's rules, each variant's join steps in
    /// the order they run and the index each lookup uses, as planned
    /// before a run (between rounds a recursive rule's delta variants may
    /// be planned again with the sizes then known).
    ///
    /// ```
    /// use entente::Engine;
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("tc.rules", "e(1, 2). path(X, Y) if e(X, Y). path(X, Z) if path(X, Y), e(Y, Z).")?;
    /// let plan = engine.plan_text();
    /// assert!(plan.contains("  rule path(X, Z)\n    first round:\n      scan path(X, Y) (full)\n      lookup e(Y, Z) on 0 (full)\n"), "{plan}");
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn plan_text(&self) -> String {
        let mut interner = Interner::default();
        let plan = plan::plan(&self.program, &self.strata, &mut interner, &Plan::default());
        plan.show(&interner).to_string()
    }

    /// The program in canonical form: the sources declared, every fact
    /// (by predicate, in the order read, grouped under `from` lines by
    /// source), every rule as written (on one line), the imports with
    /// their files' paths resolved, then the constraints, so that loading
    /// it gives the same model, sources and constraints.
    pub fn program_text(&self) -> String {
        let mut text = String::new();
        let mut declared: Vec<&str> = Vec::new();
        for source in &self.program.sources {
            if !declared.contains(&&*source.name.text) {
                declared.push(&source.name.text);
                text.push_str(&format!("{}\n", Statement::Source(source.clone())));
            }
        }
        // Facts without a source first, then each source's under its
        // `from` line (a `from` line has no end but the next one).
        let facts = &self.program.facts;
        let mut stated: Vec<(Option<&str>, String)> = (facts.iter())
            .map(|fact| {
                let stated = Fact {
                    predicate: fact.name().to_string(),
                    args: facts.values(fact),
                };
                let line = match self.program.when(fact.span()) {
                    Some(w) => format!("{stated} {}.\n", When::words(w.from, w.to)),
                    None => format!("{stated}.\n"),
                };
                let source = self.program.source_of(fact.span(), &self.sources);
                (source.map(|name| &*name.text), line)
            })
            .collect();
        stated.sort_by_key(|(source, _)| *source);
        let mut section = None;
        for (source, line) in stated {
            if source != section {
                if let Some(name) = source {
                    text.push_str(&format!("from {name}.\n"));
                }
                section = source;
            }
            text.push_str(&line);
        }
        // Rules as the user wrote them (`if`/`and` or `:-`/`,`, as
        // `:rules` shows them), each on one line without its comments.
        for rule in &self.program.rules {
            text.push_str(&source_at(&self.sources, rule.span).text);
            text.push('\n');
        }
        for import in &self.program.imports {
            let mut statement = import.import.clone();
            statement.path = import.path.display().to_string();
            text.push_str(&format!("{}\n", Statement::Import(statement)));
        }
        for constraint in &self.program.constraints {
            text.push_str(&source_at(&self.sources, constraint.span).text);
            text.push('\n');
        }
        text
    }

    /// True when the model is computed and current.
    pub fn is_current(&self) -> bool {
        self.model.is_some() || self.timeline.is_some()
    }

    /// True when the loaded files have constraints (`never ...`).
    pub fn has_constraints(&self) -> bool {
        !self.program.constraints.is_empty()
    }

    /// True when the loaded files have queries.
    pub fn has_queries(&self) -> bool {
        !self.program.queries.is_empty()
    }

    /// The number of strata of the program.
    pub fn stratum_count(&self) -> usize {
        self.strata.strata.len()
    }

    /// What each stratum did in the last evaluation, when the model is
    /// current.
    pub fn stats(&self) -> Option<Vec<StratumStats>> {
        self.model
            .read()
            .as_deref()
            .map(|m| m.facts().stats().to_vec())
    }

    /// The symbols of the current model, or of the timeline's (for
    /// completion): every symbol of the program's facts, those that hold
    /// at no time asked about included.
    pub fn symbols(&self) -> Vec<String> {
        self.strings_where(is_symbol)
    }

    /// The strings of the current model (or the timeline's) that are not
    /// symbols, such as `"Nagorno-Karabakh"` (for completion inside
    /// quotes), without their quotes.
    pub fn quoted_strings(&self) -> Vec<String> {
        self.strings_where(|s| !is_symbol(s))
    }

    /// The model's strings that `keep` takes, sorted.
    fn strings_where(&self, keep: impl Fn(&str) -> bool) -> Vec<String> {
        let model = self.model.read();
        let timeline = self.timeline.read();
        let db = (model.as_deref().map(Model::facts)).or(timeline.as_ref().map(|t| &t.db));
        let Some(db) = db else {
            return Vec::new();
        };
        let mut strings: Vec<String> = (db.names().strings())
            .filter(|s| keep(s))
            .map(str::to_string)
            .collect();
        strings.sort_unstable();
        strings
    }
}
