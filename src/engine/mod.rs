//! The embedding API: an [`Engine`] holds the sources read, the program
//! loaded so far, the rows its imports read, and the model once run.
//!
//! Every change is all or nothing: new statements are parsed, their
//! imports read, and everything is checked together with what was already
//! loaded; on any error the engine is left exactly as it was (the texts stay
//! in [`Sources`], which only grows, so earlier diagnostics keep their
//! spans). Once the model has been computed, every change maintains it
//! incrementally (see [`update`] and [`crate::eval::Database::maintain`]).

// The engine's methods read, in the documentation, in the order a host
// uses them: rustdoc lists them by module, in the order the modules are
// declared here.
mod ask;
mod boundaries;
mod changes;
mod cite;
mod constraints;
mod coverage;
mod graph;
mod panel;
mod pattern;
mod places;
mod print;
mod refresh;
mod retract;
mod setup;
mod shared;
mod time;
mod undo;
mod update;
mod view;
mod what_if;

use crate::check::{Stratification, Vocabulary};
use crate::eval::Timeline;
use crate::eval::{Config, ImportedRows, Model};
use crate::explain::{Proof, WhyNot};
use crate::files::SharedFiles;
use crate::load::Program;
use crate::source::Sources;
use crate::time::Time;

pub use boundaries::{Boundaries, Cause, ExplainedTimeline};
pub use changes::{ChangeSet, PredicateChanges};
pub use cite::{Citation, Citations};
pub use constraints::Violation;
pub use panel::{Panel, Points};
pub use pattern::{Arg, Pattern, PredicateInfo};
pub use places::{predicate_at, variable_at, VariableAt};
use shared::Shared;
pub use update::{Change, Update};
pub use view::{statements_of, Piece};
pub use what_if::WhatIf;

/// The answer to "why?" about one fact.
#[derive(Clone, Debug, PartialEq)]
pub enum Explanation {
    /// The fact holds; here is how.
    Holds(Proof),
    /// The fact does not hold; here is what stops it.
    DoesNotHold(WhyNot),
}

impl std::fmt::Display for Explanation {
    /// As `entente explain` prints it: the proof, or the why-not.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Explanation::Holds(proof) => write!(f, "{proof}"),
            Explanation::DoesNotHold(why_not) => write!(f, "{why_not}"),
        }
    }
}

impl Explanation {
    /// As `entente explain --format json` prints it (docs/explain.md).
    pub fn to_json(&self) -> String {
        match self {
            Explanation::Holds(proof) => proof.to_json(),
            Explanation::DoesNotHold(why_not) => why_not.to_json(),
        }
    }
}

/// A program being built up, checked at every step, and its model.
///
/// Its methods read in the order a host uses them:
///
/// 1. **Create** it: [`Engine::new`], or [`Engine::with_config`] to set
///    the budgets (fact limit, time limit, cancellation, threads, time
///    point) once for every call.
/// 2. **Load** programs: [`Engine::load_source`], [`Engine::load_files`].
/// 3. **Run**: [`Engine::run`] evaluates the model. Nothing else
///    evaluates a program from scratch: a question needs a run first.
/// 4. **Change** it: [`Engine::add_source`], [`Engine::add_facts`],
///    [`Engine::retract_source`], [`Engine::retract_facts`]. Once the
///    model is evaluated, every change (loads too) maintains it within the
///    budgets, or fails with the budget's error and changes nothing.
/// 5. **Ask**: [`Engine::query`], [`Engine::query_pattern`],
///    [`Engine::explain`], [`Engine::timeline`], [`Engine::graph`],
///    [`Engine::what_if`]. Questions take `&self`: one engine serves many
///    threads at once (share it as `Arc<Engine>`, or `Arc<RwLock<Engine>>`
///    when it also changes), and a question leaves nothing behind.
///
/// Every call that spends a budget has a `_with` form taking a
/// [`Config`] for that call alone.
#[derive(Clone, Debug, Default)]
pub struct Engine {
    sources: Sources,
    program: Program,
    strata: Stratification,
    /// The program summed up for checking goals at their own cost.
    vocabulary: Vocabulary,
    imported: Vec<ImportedRows>,
    /// The model: of every time for a program that says nothing of time,
    /// else the snapshot at `model_at`.
    model: Shared<Box<dyn Model>>,
    /// When each fact holds, for a program that says when facts hold, run
    /// over every time (no time point).
    timeline: Shared<Timeline>,
    /// Does the program say when some facts hold? Kept with the program,
    /// so that a program of many facts is not scanned for it at every
    /// question.
    temporal: bool,
    /// The time point the model is of, for a program that says when facts
    /// hold and was run at one.
    model_at: Option<Time>,
    /// The engine's budgets, for every call without a `Config` of its own.
    settings: Config,
    /// Where includes and imports are read from.
    files: SharedFiles,
    /// How to take the last change back, until it is kept (a what-if
    /// takes its change back; a change that fails too).
    restore: Option<undo::Restore>,
}
