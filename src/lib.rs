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
#![forbid(missing_docs)]

pub mod ast;
pub mod check;
mod engine;
pub mod error;
pub mod eval;
pub mod explain;
pub mod hash;
pub mod import;
pub mod intern;
pub mod load;
pub mod parse;
pub mod plan;
pub mod source;
pub mod suggest;
pub mod value;

pub use engine::{Change, ChangeSet, Engine, Explanation, PredicateChanges, Update, WhatIf};
pub use error::{render, Error, Problem};
pub use eval::{Answers, CancelToken, Config, Database};
pub use explain::Fact;
pub use source::{Sources, Span};
pub use value::Value;
