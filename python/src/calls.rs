//! The calls in progress on one engine, so that `interrupt()` from
//! another thread stops them all. The library's cancel token stops the
//! runs under way when it is cancelled, and only those; a call that is
//! still waiting for the engine's lock when `interrupt()` comes has not
//! begun its run, so each call also keeps a flag it reads once it holds
//! the lock.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use entente::{CancelToken, Error};

/// Why a call's work did not finish.
pub enum Failure {
    /// The engine's error (an interrupted run among them).
    Engine(Error),
    /// Interrupted before its run began.
    Stopped,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Engine(e)
    }
}

/// One call in progress.
#[derive(Clone)]
pub struct Call {
    number: u64,
    /// The token its runs use.
    pub token: CancelToken,
    stopped: Arc<AtomicBool>,
}

impl Call {
    /// `Stopped` once `interrupt()` came for this call.
    pub fn check(&self) -> Result<(), Failure> {
        match self.stopped.load(Ordering::SeqCst) {
            true => Err(Failure::Stopped),
            false => Ok(()),
        }
    }

    fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
        self.token.cancel();
    }
}

/// The calls in progress, by number.
#[derive(Default)]
pub struct Calls {
    running: Mutex<Vec<Call>>,
    next: AtomicU64,
}

impl Calls {
    /// A new call, in progress until [`Calls::end`].
    pub fn begin(&self) -> Call {
        let call = Call {
            number: self.next.fetch_add(1, Ordering::Relaxed),
            token: CancelToken::new(),
            stopped: Arc::default(),
        };
        self.lock().push(call.clone());
        call
    }

    /// The call is over.
    pub fn end(&self, call: &Call) {
        self.lock().retain(|c| c.number != call.number);
    }

    /// Stops every call in progress.
    pub fn interrupt(&self) {
        for call in self.lock().iter() {
            call.stop();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Call>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
