//! Evaluation: a checked program -> its perfect model, by semi-naive
//! forward chaining, stratum by stratum.
//!
//! In: the [`Plan`](crate::plan::Plan) (built by [`crate::plan`] with the
//! interner) and the [`Given`] facts (the program's facts as rows, when
//! each holds, and the imported rows): no syntax tree. Out: a [`Database`]:
//! every relation, the interner, where each given fact came from, and
//! per-stratum statistics. [`maintain`] keeps a database current when
//! facts and rules are added and retracted.
//!
//! Each stratum runs in rounds. Round one runs every rule once on full
//! relations; each later round runs only the delta variants of the
//! recursive rules, reading the facts the round before produced. A round's
//! new facts are gathered aside (deduplicated against the relation and each
//! other, and counted against the fact limit as they come) and appended
//! when the round ends, so scans never see a relation change under them
//! (split joins may append theirs sooner, past the rows the round reads:
//! see `Sink::Round`).
//! A global round counter stamps every appended batch: a derived fact is
//! always younger than the facts it was derived from.

pub mod arith;
mod ask;
mod config;
mod database;
#[cfg(feature = "dd")]
mod dataflow;
mod derivation;
mod given;
mod heads;
mod join;
mod maintain;
mod model;
#[cfg(any(test, feature = "internal"))]
pub mod naive;
mod order;
pub(crate) mod parallel;
#[cfg(any(test, feature = "internal"))]
pub use parallel::split_joins_from;
mod queries;
mod relation;
mod rounds;
mod rowset;
mod threads;
mod timeline;

pub use crate::answers::Answers;
pub use crate::import::ImportedRows;
pub use crate::plan::HeadPlan;
pub use ask::{Missing, Reader};
pub(crate) use config::Budget;
pub use config::{CancelToken, Clock, Config, Progress, ProgressReport};
#[cfg(feature = "dd")]
pub use config::Cluster;
pub use database::{Database, StratumStats};
pub use given::{Given, Origin};
pub use maintain::{Delta, Edit};
pub use model::Model;
pub use relation::RowId;
pub use threads::Threads;
pub use timeline::{sweep, Timeline, Track};
pub use order::unpack_key;
pub use rounds::{evaluate, model};
