//! The live progress line: while an evaluation that has run for more than
//! a second goes on, stderr (when it is a terminal, and without `--quiet`)
//! shows its stratum, round and the facts derived so far, redrawn ten
//! times a second and cleared when the evaluation ends, before anything is
//! printed. The evaluator only stores counters (see `entente::Progress`);
//! this thread reads them, so the run is not slowed.

use std::io::{self, Write};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use entente::{Config, Progress, ProgressReport};

/// How long a run goes before the line appears.
const QUIET_FOR: Duration = Duration::from_secs(1);

/// How often the line is redrawn.
const EVERY: Duration = Duration::from_millis(100);

/// The painter of a progress line; [`Line::finish`] (or dropping it)
/// clears the line and stops it.
pub struct Line {
    done: Option<mpsc::Sender<()>>,
    painter: Option<JoinHandle<()>>,
}

impl Line {
    /// Starts watching the run of `config`, when it reports progress.
    pub fn watch(config: &Config) -> Line {
        let Some(progress) = config.progress.clone() else {
            return Line {
                done: None,
                painter: None,
            };
        };
        let (done, stop) = mpsc::channel();
        let painter = std::thread::spawn(move || paint(&progress, &stop));
        Line {
            done: Some(done),
            painter: Some(painter),
        }
    }

    /// Clears the line (if it was shown) and stops watching.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        drop(self.done.take());
        if let Some(painter) = self.painter.take() {
            let _ = painter.join();
        }
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Draws the line until `stop` says the run is over (its sender dropped).
fn paint(progress: &Progress, stop: &mpsc::Receiver<()>) {
    if stop.recv_timeout(QUIET_FOR) != Err(RecvTimeoutError::Timeout) {
        return;
    }
    let mut err = io::stderr();
    loop {
        let _ = write!(err, "\r\x1b[2K{}", describe(progress.report()));
        let _ = err.flush();
        if stop.recv_timeout(EVERY) != Err(RecvTimeoutError::Timeout) {
            break;
        }
    }
    let _ = write!(err, "\r\x1b[2K");
    let _ = err.flush();
}

/// `stratum 2/3, round 14: 1,234,567 facts derived`.
fn describe(r: ProgressReport) -> String {
    format!(
        "stratum {}/{}, round {}: {} facts derived",
        r.stratum,
        r.strata,
        r.round,
        thousands(r.derived)
    )
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// Whether runs of this command show the line: stderr is a terminal and
/// `--quiet` was not given.
pub fn wanted(quiet: bool) -> Option<Progress> {
    use std::io::IsTerminal;
    (!quiet && io::stderr().is_terminal()).then(Progress::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_with_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(2_511_171), "2,511,171");
        let r = ProgressReport {
            stratum: 2,
            strata: 3,
            round: 14,
            derived: 1_234_567,
        };
        assert_eq!(
            describe(r),
            "stratum 2/3, round 14: 1,234,567 facts derived"
        );
    }
}
