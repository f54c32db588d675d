//! The engine's work done with the GIL released, so that other Python
//! threads run, on a thread of its own, while the calling thread watches
//! for Ctrl-C: Python handles a signal only in the main thread and only
//! when it runs Python code, which it does not while the engine works.
//! On a signal the watcher cancels the engine's token; the engine stops
//! soon after, leaving itself as it was before the call.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use entente::CancelToken;
use pyo3::prelude::*;

/// How often the watcher asks Python for signals.
const WATCH: Duration = Duration::from_millis(25);

/// Runs `work` off the GIL; returns what it returned, and the signal's
/// exception (`KeyboardInterrupt`) if one came while it ran, after
/// cancelling `token`.
pub fn guarded<T: Send>(
    py: Python<'_>,
    token: &CancelToken,
    work: impl FnOnce() -> T + Send,
) -> (T, Option<PyErr>) {
    py.detach(|| {
        std::thread::scope(|scope| {
            let (sender, receiver) = mpsc::channel();
            let worker = scope.spawn(move || {
                // The receiver is gone only if the watcher is: nobody to tell.
                let _ = sender.send(work());
            });
            let mut signal = None;
            loop {
                match receiver.recv_timeout(WATCH) {
                    Ok(done) => return (done, signal),
                    Err(RecvTimeoutError::Timeout) if signal.is_none() => {
                        if let Err(e) = Python::attach(|py| py.check_signals()) {
                            token.cancel();
                            signal = Some(e);
                        }
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                    // The worker panicked: pass its panic on (PyO3 raises
                    // it as a Python exception).
                    Err(RecvTimeoutError::Disconnected) => match worker.join() {
                        Err(panic) => std::panic::resume_unwind(panic),
                        Ok(()) => unreachable!("a worker that returned sent its result"),
                    },
                }
            }
        })
    })
}
