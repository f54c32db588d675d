//! The model, shared by the questions asked of it at once.
//!
//! Questions take `&Engine` and read the model under a read lock, so
//! several threads ask together. A question may need what the model lacks
//! (an index, a predicate only a goal names: see [`Missing`]); it then
//! takes the write lock for as long as adding that takes and asks again.
//! Changes and evaluation hold `&mut Engine` and reach the model without
//! locking at all.

use std::sync::{PoisonError, RwLock, RwLockReadGuard};

use crate::eval::{Database, Missing};

/// The engine's model, when it has one.
#[derive(Debug, Default)]
pub(super) struct Shared(RwLock<Option<Database>>);

impl Clone for Shared {
    fn clone(&self) -> Shared {
        Shared(RwLock::new(self.read().clone()))
    }
}

impl Shared {
    /// The model, to change (no lock: `&mut` is proof that nobody reads).
    pub(super) fn get_mut(&mut self) -> &mut Option<Database> {
        // A reader that panicked left the model whole: readers never
        // change it, and `prepare` only adds indexes.
        self.0.get_mut().unwrap_or_else(PoisonError::into_inner)
    }

    /// The model, to read.
    pub(super) fn read(&self) -> RwLockReadGuard<'_, Option<Database>> {
        self.0.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// True when there is a model.
    pub(super) fn is_some(&self) -> bool {
        self.read().is_some()
    }

    /// Asks `question` of the model (`None` without one), adding what it
    /// finds missing under the write lock and asking again.
    pub(super) fn ask<T>(
        &self,
        mut question: impl FnMut(&Database) -> Result<T, Missing>,
    ) -> Option<T> {
        loop {
            let missing = match self.read().as_ref().map(&mut question)? {
                Ok(answer) => return Some(answer),
                Err(missing) => missing,
            };
            let mut model = self.0.write().unwrap_or_else(PoisonError::into_inner);
            if let Some(db) = model.as_mut() {
                db.prepare(&missing);
            }
        }
    }
}
