//! The model (or the timeline), shared by the questions asked of it at
//! once.
//!
//! Questions take `&Engine` and read the model under a read lock, so
//! several threads ask together. A question may need what the model lacks
//! (an index, a predicate only a goal names: see [`Missing`]); it then
//! takes the write lock for as long as adding that takes and asks again.
//! Changes and evaluation hold `&mut Engine` and reach the model without
//! locking at all.

use std::sync::{PoisonError, RwLock, RwLockReadGuard};

use crate::eval::Timeline;
use crate::eval::{Database, Missing, Model};

/// What holds a model that questions read: the model itself, or a
/// timeline (whose model is that of the last elementary interval).
pub(super) trait Holds {
    /// The model, to add what a question found missing.
    fn model_mut(&mut self) -> &mut Database;
}

impl Holds for Box<dyn Model> {
    fn model_mut(&mut self) -> &mut Database {
        self.facts_mut()
    }
}

impl Holds for Timeline {
    fn model_mut(&mut self) -> &mut Database {
        &mut self.db
    }
}

/// The engine's model (or timeline), when it has one.
#[derive(Debug)]
pub(super) struct Shared<T>(RwLock<Option<T>>);

impl<T> Default for Shared<T> {
    fn default() -> Shared<T> {
        Shared(RwLock::new(None))
    }
}

impl<T: Clone> Clone for Shared<T> {
    fn clone(&self) -> Shared<T> {
        let held = self.0.read().unwrap_or_else(PoisonError::into_inner);
        Shared(RwLock::new(held.clone()))
    }
}

impl<T: Holds> Shared<T> {
    /// The model, to change (no lock: `&mut` is proof that nobody reads).
    pub(super) fn get_mut(&mut self) -> &mut Option<T> {
        // A reader that panicked left the model whole: readers never
        // change it, and `prepare` only adds indexes.
        self.0.get_mut().unwrap_or_else(PoisonError::into_inner)
    }

    /// The model, to read.
    pub(super) fn read(&self) -> RwLockReadGuard<'_, Option<T>> {
        self.0.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// True when there is a model.
    pub(super) fn is_some(&self) -> bool {
        self.read().is_some()
    }

    /// Runs `f` on the model under the write lock (`None` without one):
    /// for a question that changes the model and takes the change back
    /// before it returns (a proof at another time point), which readers
    /// then never see.
    pub(super) fn travel<A>(&self, f: impl FnOnce(&mut T) -> A) -> Option<A> {
        let mut model = self.0.write().unwrap_or_else(PoisonError::into_inner);
        model.as_mut().map(f)
    }

    /// Asks `question` of the model (`None` without one), adding what it
    /// finds missing under the write lock and asking again.
    pub(super) fn ask<A>(&self, mut question: impl FnMut(&T) -> Result<A, Missing>) -> Option<A> {
        loop {
            let missing = match self.read().as_ref().map(&mut question)? {
                Ok(answer) => return Some(answer),
                Err(missing) => missing,
            };
            let mut model = self.0.write().unwrap_or_else(PoisonError::into_inner);
            if let Some(held) = model.as_mut() {
                held.model_mut().prepare(&missing);
            }
        }
    }
}
