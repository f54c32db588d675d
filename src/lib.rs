//! Entente: a rules engine for reasoning about alliances between states.
//!
//! Programs are written in the Entente language (facts, rules with `if` or
//! `:-`, stratified negation, arithmetic, aggregates, queries). The pipeline
//! runs one way: load (read and parse, includes resolved, data files
//! imported) → check (arity, safety, stratification, warnings) → plan
//! (strata, join orders, indexes, semi-naive variants) → evaluate
//! (semi-naive evaluation to the perfect model) → answer and explain.
//! [`Engine`] is the API over all of it. Every user error is an [`Error`]
//! made of [`Problem`]s, each a `miette::Diagnostic` with a stable code, a
//! kind ([`ErrorKind`]) and a place ([`Location`]).
//!
//! Embedding: set the budgets once, load, run, then ask; facts and goals
//! are built from Rust values and answers read back as Rust types:
//!
//! ```
//! use std::time::Duration;
//! use entente::{Arg, Config, Engine, Fact, Pattern};
//!
//! let config = Config { timeout: Some(Duration::from_secs(5)), ..Config::default() };
//! let mut engine = Engine::with_config(config);
//! engine.load_source("inline.rules", "ally(armenia, russia). ally(Y, X) if ally(X, Y).")?;
//! engine.run()?;
//! engine.add_facts(&[Fact::new("ally", ["azerbaijan", "turkey"])?])?;
//! let goal = Pattern::new("ally", [Arg::value("turkey"), Arg::var("Who")])?;
//! let (answers, _warnings) = engine.query_pattern(&goal)?;
//! let who: Vec<&str> = answers.iter().map(|a| a.get("Who")).collect::<Result<_, _>>()?;
//! assert_eq!(who, ["azerbaijan"]);
//! let (explanation, _) = engine.explain("ally(turkey, azerbaijan)")?;
//! assert!(explanation.to_string().starts_with("ally(turkey, azerbaijan)\n  by rule"));
//! # Ok::<(), entente::Error>(())
//! ```
//!
//! Facts and rules can be added and retracted after a run; the model is
//! maintained incrementally and each change returns what it did:
//!
//! ```
//! use entente::{Engine, Fact};
//!
//! let mut engine = Engine::new();
//! engine.load_source("kb.rules", "treaty(armenia, russia). supports(X, Y) if treaty(X, Y).")?;
//! engine.run()?;
//! let update = engine.add_facts(&[Fact::new("treaty", ["azerbaijan", "turkey"])?])?;
//! assert_eq!(update.changes.to_string(), "+ supports(azerbaijan, turkey).\n");
//! let update = engine.retract_source("<retract>", "treaty(armenia, russia).")?;
//! assert_eq!(update.changes.disappeared().count(), 1);
//! # Ok::<(), entente::Error>(())
//! ```
//!
//! Facts may say when they hold (`treaty(armenia, russia) since 1997.`,
//! SPEC §10): [`Config::at`] asks about one time point, and without it a
//! query answers with when each answer holds ([`Answers::validity`],
//! [`Engine::timeline`]):
//!
//! ```
//! use entente::{Config, Engine};
//!
//! let mut engine = Engine::new();
//! engine.load_source("kb.rules", "treaty(georgia, turkey) from 1996 to 2009. ally(X, Y) if treaty(X, Y).")?;
//! engine.run()?;
//! let (answers, _) = engine.query("ally(georgia, Who)")?;
//! assert_eq!(answers.validity(0).unwrap().to_string(), "from 1996 to 2009");
//! let at_2012 = Config { at: Some(2012), ..Config::default() };
//! assert!(!engine.query_with("ally(georgia, Who)", &at_2012)?.0.holds());
//! # Ok::<(), entente::Error>(())
//! ```
//!
//! Every error can be matched in code ([`Error::kind`]) and says where it
//! is ([`Problem::location`]), counted in the text the caller gave:
//!
//! ```
//! use entente::{Engine, ErrorKind};
//!
//! let mut engine = Engine::new();
//! engine.load_source("kb.rules", "ally(armenia, russia).")?;
//! engine.run()?;
//! let error = engine.query("   ally(X)").unwrap_err();
//! assert_eq!(error.kind(), ErrorKind::Arity);
//! let at = error.location().unwrap();
//! assert_eq!((at.file.as_str(), at.line, at.column), ("<goal>", 1, 4));
//! # Ok::<(), entente::Error>(())
//! ```
//!
//! Threads: questions ([`Engine::query`], [`Engine::explain`],
//! [`Engine::timeline`], [`Engine::graph`]) take `&Engine`, so one
//! evaluated engine serves many threads at once, as an `Arc<Engine>`, or
//! an `Arc<RwLock<Engine>>` when it also changes. [`Engine`] and what it
//! returns ([`Answers`], [`Explanation`], [`ChangeSet`], [`Error`]) are
//! `Send` and `Sync`. A [`CancelToken`] stops a run or a query from
//! another thread.
#![forbid(missing_docs)]

// The stages of the pipeline are private to the crate. The `internal`
// feature, which only the tests and benchmarks turn on (Cargo.toml's
// dev-dependency on this package), makes them public and hidden from the
// docs, so that the tests reach the naive oracle, plans and the proof
// checker's inputs. The API is what the crate root re-exports below, the
// `graph`, `json` and `time` modules.
mod answers;
/// Declares the pipeline's stage modules: private to the crate, or, with
/// the `internal` feature (the tests' and benchmarks'), public and hidden
/// from the docs.
macro_rules! stages {
    ($($(#[$attr:meta])* $name:ident),* $(,)?) => {
        $(
            $(#[$attr])*
            #[cfg(feature = "internal")]
            #[doc(hidden)]
            pub mod $name;
            $(#[$attr])*
            #[cfg(not(feature = "internal"))]
            mod $name;
        )*
    };
}
stages!(
    ast, binding, check, compact, error, eval, explain, facts, hash, import, intern, load, parse,
    plan, source, suggest, value
);
mod convert;
#[cfg(feature = "serde")]
mod de;
mod engine;
mod fact;
mod files;
mod format;
pub mod graph;
pub mod json;
pub mod output;
#[cfg(test)]
mod testing;
pub mod time;

pub use answers::{Answer, Answers, Unknown};
pub use convert::{is_predicate, is_variable, FromValue, IntoArgs, IntoValue};
pub use engine::{
    predicate_at, statements_of, variable_at, Arg, Boundaries, Cause, Change, ChangeSet, Citation,
    Citations, Engine, ExplainedTimeline, Explanation, Panel, Pattern, Piece, Points,
    PredicateChanges, PredicateInfo, Update, VariableAt, Violation, WhatIf,
};
pub use error::{render, Error, ErrorKind, GraphError, Limit, Location, Problem, Worded};
#[cfg(feature = "dd")]
pub use eval::Cluster;
pub use eval::{CancelToken, Clock, Config, Progress, ProgressReport, StratumStats};
pub use explain::{
    AggregateNote, Attempt, Cited, Derivation, Failure, Indented, Justification, Proof, Source,
    WhyNot,
};
pub use fact::Fact;
pub use files::{Disk, Files, MemoryFiles};
pub use format::{canonical_source, format_source};
pub use parse::{token_at, tokens_of, Token, TokenKind};
pub use source::{Sources, Span};
pub use value::Value;
