//! Entente: a rules engine for reasoning about alliances between states.
//!
//! Programs are written in the Entente language (facts, rules with `if` or
//! `:-`, stratified negation, arithmetic, aggregates, queries). The pipeline
//! runs one way: [`load`] (read and parse, includes resolved; [`import`]
//! reads data files) → [`check`] (arity, safety, stratification,
//! warnings) → [`plan`] (strata, join orders, indexes, semi-naive
//! variants) → [`eval`] (semi-naive evaluation to the perfect model, and
//! query answering). [`Engine`] is the API over all of it. Every user error
//! is an [`Error`] made of [`Problem`]s, each a `miette::Diagnostic` with a
//! stable code and spans into the [`Sources`].
//!
//! Embedding, with facts and goals built from Rust values, answers read by
//! variable name, an explanation, and a time limit:
//!
//! ```
//! use std::time::Duration;
//! use entente::{Arg, Config, Engine, Fact, Pattern};
//!
//! let config = Config { timeout: Some(Duration::from_secs(5)), ..Config::default() };
//! let mut engine = Engine::new();
//! engine.load_source("inline.rules", "ally(armenia, russia). ally(Y, X) if ally(X, Y).")?;
//! engine.add_facts(&[Fact::new("ally", ["azerbaijan", "turkey"])], config.clone())?;
//! let (answers, _warnings) = engine.query_pattern(
//!     &Pattern::new("ally", [Arg::value("turkey"), Arg::var("Who")]),
//!     config.clone(),
//! )?;
//! let who: Vec<&str> = answers.iter().filter_map(|a| a.get("Who")?.as_str()).collect();
//! assert_eq!(who, ["azerbaijan"]);
//! let (explanation, _) = engine.explain("ally(turkey, azerbaijan)", config)?;
//! assert!(explanation.to_string().starts_with("ally(turkey, azerbaijan)\n  by rule"));
//! # Ok::<(), entente::Error>(())
//! ```
//!
//! Facts and rules can be added and retracted after a run; the model is
//! maintained incrementally ([`eval::maintain`]) and each change returns
//! what it did:
//!
//! ```
//! use entente::{Config, Engine, Fact};
//!
//! let mut engine = Engine::new();
//! engine.load_source("kb.rules", "treaty(armenia, russia). supports(X, Y) if treaty(X, Y).")?;
//! engine.run(Config::default())?;
//! let update = engine.add_facts(&[Fact::new("treaty", ["azerbaijan", "turkey"])], Config::default())?;
//! assert_eq!(update.changes.to_string(), "+ supports(azerbaijan, turkey).\n");
//! let update = engine.retract_source("<retract>", "treaty(armenia, russia).", Config::default())?;
//! assert_eq!(update.changes.disappeared().count(), 1);
//! # Ok::<(), entente::Error>(())
//! ```
//!
//! Facts may say when they hold (`treaty(armenia, russia) since 1997.`,
//! SPEC §10): [`Config::at`] asks about one time point, and without it a
//! query answers with when each answer holds ([`Answers::validities`],
//! [`Engine::timeline`]):
//!
//! ```
//! use entente::{Config, Engine};
//!
//! let mut engine = Engine::new();
//! engine.load_source("kb.rules", "treaty(georgia, turkey) from 1996 to 2009. ally(X, Y) if treaty(X, Y).")?;
//! let (answers, _) = engine.query("ally(georgia, Who)", Config::default())?;
//! assert_eq!(answers.validity(0).to_string(), "from 1996 to 2009");
//! let at_2012 = Config { at: Some(2012), ..Config::default() };
//! assert!(!engine.query("ally(georgia, Who)", at_2012)?.0.holds());
//! # Ok::<(), entente::Error>(())
//! ```
//!
//! Threads: [`Engine`] and what it returns ([`Answers`], [`Explanation`],
//! [`ChangeSet`], [`Error`]) are `Send` and `Sync`. Asking a question
//! takes `&mut Engine` (the model may be computed, and explanations plan
//! and index as they go), so several threads share one engine behind a
//! lock, or each keeps a clone; answers and proofs, once returned, are
//! plain data any thread can read. A [`CancelToken`] stops a run from
//! another thread.
#![forbid(missing_docs)]

// The stages of the pipeline. They are public only so that the tests can
// reach the naive oracle and the proof checker's inputs; they are internal
// (hidden from the docs, free to change). The API is what the crate root
// re-exports below, and the `json` helpers.
#[doc(hidden)]
pub mod ast;
#[doc(hidden)]
pub mod check;
#[cfg(feature = "serde")]
mod de;
mod engine;
#[doc(hidden)]
pub mod error;
#[doc(hidden)]
pub mod eval;
#[doc(hidden)]
pub mod explain;
pub mod graph;
#[doc(hidden)]
pub mod hash;
#[doc(hidden)]
pub mod import;
#[doc(hidden)]
pub mod intern;
pub mod json;
#[doc(hidden)]
pub mod load;
#[doc(hidden)]
pub mod parse;
#[doc(hidden)]
pub mod plan;
#[doc(hidden)]
pub mod source;
#[doc(hidden)]
pub mod suggest;
#[cfg(test)]
mod testing;
pub mod time;
#[doc(hidden)]
pub mod value;

pub use engine::{
    statements_of, Arg, Boundaries, Cause, Change, ChangeSet, Engine, ExplainedTimeline,
    Explanation, Pattern, Piece, PredicateChanges, PredicateInfo, Update, WhatIf,
};
pub use error::{render, Error, GraphError, Problem};
pub use eval::{Answer, Answers, CancelToken, Config, Progress, ProgressReport, StratumStats};
pub use explain::{
    AggregateNote, Attempt, Derivation, Fact, Failure, Indented, Justification, Proof, Source,
    WhyNot,
};
pub use source::{Sources, Span};
pub use value::Value;
