//! The settings of a run: budgets that stop it (facts, time, a token
//! another thread cancels), the threads it may use, and a [`Progress`]
//! another thread can watch.

use std::fmt;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use super::threads::Threads;
use crate::error::EvalError;
use crate::source::Span;
use crate::time::Time;

/// Settings of one evaluation or update: the budgets that stop a run
/// that would go on too long.
#[derive(Clone, Debug)]
pub struct Config {
    /// Most derived facts before evaluation stops with
    /// `entente::fact_limit`.
    pub max_facts: u64,
    /// Longest wall-clock time of one evaluation or update before it stops
    /// with `entente::time_limit`.
    pub timeout: Option<Duration>,
    /// When set, evaluation stops with `entente::interrupted` soon after
    /// the token is cancelled (from another thread, or a signal handler).
    pub cancel: Option<CancelToken>,
    /// Threads a large join may be split across (1: never split). The
    /// model, its row order and every proof are the same for any number.
    pub jobs: usize,
    /// The time point the model is of (SPEC §10): only the given facts
    /// that hold then count. `None`: every time, as one model for a
    /// program that says nothing of time, as a timeline for one that does.
    pub at: Option<Time>,
    /// When set, the run reports where it stands there, for another
    /// thread to show.
    pub progress: Option<Progress>,
    /// Where the time limit and the statistics read the time.
    pub clock: Clock,
    /// When set, the program is evaluated on differential dataflow by
    /// these workers (SPEC §15) instead of by the semi-naive evaluator.
    #[cfg(feature = "dd")]
    pub dataflow: Option<Cluster>,
}

/// The workers of a `dd` run (SPEC §15): threads in this process, and
/// the processes of a cluster, each started with the same program and
/// its own number. One process with one worker by default.
#[cfg(feature = "dd")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cluster {
    /// Worker threads in each process.
    pub workers: usize,
    /// This process's number, from 0; process 0 prints.
    pub process: usize,
    /// Each process's `host:port`, in process order (timely's hosts
    /// file); empty for a run in this process alone.
    pub hosts: Vec<String>,
}

#[cfg(feature = "dd")]
impl Default for Cluster {
    fn default() -> Cluster {
        Cluster {
            workers: 1,
            process: 0,
            hosts: Vec::new(),
        }
    }
}

impl Default for Config {
    /// A fact limit of ten million, no time limit, no token, a thread per
    /// core, no progress reports.
    fn default() -> Config {
        Config {
            max_facts: 10_000_000,
            timeout: None,
            cancel: None,
            jobs: cores(),
            at: None,
            progress: None,
            clock: Clock::default(),
            #[cfg(feature = "dd")]
            dataflow: None,
        }
    }
}

/// The cores this process may use, asked once: the answer reads the
/// cgroup's files each time.
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

impl Config {
    /// The default settings with another fact limit.
    pub fn with_max_facts(max_facts: u64) -> Config {
        Config {
            max_facts,
            ..Config::default()
        }
    }
}

/// Stops evaluations and questions from another thread: clone it, keep
/// one copy in [`Config::cancel`], and call [`CancelToken::cancel`] on
/// another from any thread (or a signal handler). A cancellation stops
/// the runs under way when it is made, and only those: the token needs no
/// resetting, and the next run goes on as if nothing happened.
#[derive(Clone, Debug, Default)]
pub struct CancelToken(Arc<AtomicU64>);

impl CancelToken {
    /// A token.
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    /// Stops every run under way that uses this token.
    pub fn cancel(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    /// Stops every run under way that uses this token, and every run that
    /// starts with it later: for a token made for one job, which may be
    /// cancelled before the job's run has begun.
    pub fn cancel_for_good(&self) {
        self.0.fetch_or(FOR_GOOD, Ordering::Relaxed);
    }

    /// How many times the token was cancelled: a run compares it with the
    /// count when it started.
    fn cancellations(&self) -> u64 {
        self.0.load(Ordering::Relaxed) & !FOR_GOOD
    }

    fn is_cancelled_for_good(&self) -> bool {
        self.0.load(Ordering::Relaxed) & FOR_GOOD != 0
    }
}

/// The bit of a [`CancelToken`]'s count that [`CancelToken::cancel_for_good`]
/// sets (the count of plain cancellations never reaches it).
const FOR_GOOD: u64 = 1 << 63;

/// Where a run reads the time: the system's monotonic clock, one the host
/// supplies, or none.
///
/// A WebAssembly build for the browser has no clock of its own
/// (`std::time::Instant` panics there), so there the default is none and
/// the host hands in its own (`performance.now()`); without a clock a time
/// limit is never reached and the statistics show no time.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use std::sync::Arc;
/// use std::time::Duration;
/// use entente::{Clock, Config, Engine, ErrorKind, Limit};
///
/// // A clock that moves a second each time it is read.
/// let ticks = Arc::new(AtomicU64::new(0));
/// let clock = Clock::new(move || Duration::from_secs(ticks.fetch_add(1, Ordering::Relaxed)));
/// let config = Config { timeout: Some(Duration::from_millis(1500)), clock, ..Config::default() };
/// let mut engine = Engine::with_config(config);
/// engine.load_source("n.rules", "n(0). n(Y) if n(X), X < 1000000, Y = X + 1.")?;
/// assert_eq!(engine.run().unwrap_err().kind(), ErrorKind::Limit(Limit::Time));
/// # Ok::<(), entente::Error>(())
/// ```
#[derive(Clone)]
pub struct Clock(Option<Arc<dyn Fn() -> Duration + Send + Sync>>);

impl Clock {
    /// A clock that reads `now`: the time since any fixed moment, never
    /// going back.
    pub fn new(now: impl Fn() -> Duration + Send + Sync + 'static) -> Clock {
        Clock(Some(Arc::new(now)))
    }

    /// The system's monotonic clock (`std::time::Instant`).
    pub fn system() -> Clock {
        static ORIGIN: OnceLock<std::time::Instant> = OnceLock::new();
        let origin = *ORIGIN.get_or_init(std::time::Instant::now);
        Clock::new(move || origin.elapsed())
    }

    /// No clock: time limits are never reached, and nothing is timed.
    pub fn none() -> Clock {
        Clock(None)
    }

    /// The time now, if there is a clock.
    #[inline]
    pub fn now(&self) -> Option<Duration> {
        self.0.as_ref().map(|now| now())
    }

    /// The time since `start` (a reading of this clock), zero without one.
    pub(crate) fn since(&self, start: Option<Duration>) -> Duration {
        match (self.now(), start) {
            (Some(now), Some(start)) => now.saturating_sub(start),
            _ => Duration::ZERO,
        }
    }
}

impl Default for Clock {
    /// The system's clock, except on WebAssembly without a system
    /// (`wasm32-unknown-unknown`), which has none.
    fn default() -> Clock {
        if cfg!(all(target_arch = "wasm32", target_os = "unknown")) {
            Clock::none()
        } else {
            Clock::system()
        }
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Clock"
        } else {
            "Clock(none)"
        })
    }
}

/// Where a run stands, for another thread to show while it goes on (the
/// CLI's live progress line): clone it, keep one copy in
/// [`Config::progress`], and read [`Progress::report`] from the other.
/// The run only stores a few counters, once a round and every few
/// thousand matches. Where no other thread can look (a browser's worker,
/// which runs one thing at a time), [`Progress::with_observer`] has the
/// run itself hand on each report.
#[derive(Clone, Debug, Default)]
pub struct Progress(Arc<Counters>);

#[derive(Debug, Default)]
struct Counters {
    stratum: AtomicU32,
    strata: AtomicU32,
    round: AtomicU32,
    derived: AtomicU64,
    /// Called by the run with each report it stores.
    observer: Option<fn(ProgressReport)>,
}

/// What a [`Progress`] says at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProgressReport {
    /// The stratum being evaluated, from 1 (0 before the first).
    pub stratum: u32,
    /// The number of strata.
    pub strata: u32,
    /// The round within the stratum, from 1.
    pub round: u32,
    /// Derived facts so far, over every stratum.
    pub derived: u64,
}

impl Progress {
    /// A progress nothing has reported to yet.
    pub fn new() -> Progress {
        Progress::default()
    }

    /// A progress that calls `observer` with where the run stands each
    /// time it reports (once a round, and every few thousand matches), on
    /// the run's own thread: it should be quick, and decide itself how
    /// often to show anything.
    pub fn with_observer(observer: fn(ProgressReport)) -> Progress {
        Progress(Arc::new(Counters {
            observer: Some(observer),
            ..Counters::default()
        }))
    }

    /// Where the run stands now.
    pub fn report(&self) -> ProgressReport {
        let c = &self.0;
        ProgressReport {
            stratum: c.stratum.load(Ordering::Relaxed),
            strata: c.strata.load(Ordering::Relaxed),
            round: c.round.load(Ordering::Relaxed),
            derived: c.derived.load(Ordering::Relaxed),
        }
    }
}

/// A [`Config`] as one run spends it: the deadline fixed when it starts.
#[derive(Clone, Debug)]
pub(crate) struct Budget {
    pub(crate) max_facts: u64,
    pub(crate) jobs: usize,
    progress: Option<Progress>,
    /// The threads of a split join, made when first needed.
    threads: Arc<OnceLock<Threads>>,
    timeout: Option<Duration>,
    pub(crate) clock: Clock,
    /// The clock's reading by which the run must end.
    deadline: Option<Duration>,
    /// The token, and its cancellations when the run started.
    cancel: Option<(CancelToken, u64)>,
}

impl Budget {
    /// The budget of a run starting now.
    pub(crate) fn start(config: &Config) -> Budget {
        Budget {
            max_facts: config.max_facts,
            jobs: config.jobs.max(1),
            progress: config.progress.clone(),
            threads: Arc::default(),
            timeout: config.timeout,
            clock: config.clock.clone(),
            deadline: (config.timeout).and_then(|t| Some(config.clock.now()? + t)),
            cancel: (config.cancel.as_ref()).map(|t| (t.clone(), t.cancellations())),
        }
    }

    /// The threads that split joins run on.
    pub(crate) fn threads(&self) -> &Threads {
        self.threads.get_or_init(|| Threads::new(self.jobs))
    }

    /// Reports a round starting: round `round` of stratum `stratum` (from
    /// 0) of `strata`, with `derived` facts so far.
    pub(crate) fn note_round(&self, stratum: usize, strata: usize, round: u32, derived: u64) {
        if let Some(progress @ Progress(c)) = &self.progress {
            c.stratum.store(stratum as u32 + 1, Ordering::Relaxed);
            c.strata.store(strata as u32, Ordering::Relaxed);
            c.round.store(round, Ordering::Relaxed);
            c.derived.store(derived, Ordering::Relaxed);
            if let Some(observe) = c.observer {
                observe(progress.report());
            }
        }
    }

    /// Counts one match of a join in `since`; every [`CANCEL_EVERY`]
    /// matches looks at the clock and the token (the error that stops the
    /// run, `span` the rule's) and reports `derived`, when known.
    #[inline]
    pub(crate) fn tick(
        &self,
        since: &mut u32,
        span: Span,
        derived: Option<u64>,
    ) -> Result<(), Box<EvalError>> {
        *since += 1;
        if *since < CANCEL_EVERY {
            return Ok(());
        }
        *since = 0;
        if let Some(stop) = self.exhausted(span) {
            return Err(Box::new(stop));
        }
        if let Some(derived) = derived {
            self.note_derived(derived);
        }
        Ok(())
    }

    /// Reports the facts derived so far.
    pub(crate) fn note_derived(&self, derived: u64) {
        if let Some(progress @ Progress(c)) = &self.progress {
            c.derived.store(derived, Ordering::Relaxed);
            if let Some(observe) = c.observer {
                observe(progress.report());
            }
        }
    }

    /// The error that stops the run, if it must stop now (`span`: the rule
    /// being evaluated).
    pub(crate) fn exhausted(&self, span: Span) -> Option<EvalError> {
        let cancelled = |(token, at): &(CancelToken, u64)| {
            token.cancellations() != *at || token.is_cancelled_for_good()
        };
        if (self.cancel.as_ref()).is_some_and(cancelled) {
            return Some(EvalError::Interrupted { span });
        }
        match (self.deadline, self.timeout) {
            (Some(deadline), Some(limit)) if self.clock.now() >= Some(deadline) => {
                Some(EvalError::TimeLimit {
                    seconds: limit.as_secs_f64(),
                    span,
                })
            }
            _ => None,
        }
    }
}

/// Matches between two looks at the clock and the cancellation token.
const CANCEL_EVERY: u32 = 1 << 12;
