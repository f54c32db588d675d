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
pub use eval::{Answers, Config, Database};
pub use explain::Fact;
pub use source::{Sources, Span};
pub use value::Value;
