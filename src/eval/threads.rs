//! Where parallel work runs: the calling thread or a rayon pool. Below
//! everything that runs work on threads (joins split across them,
//! maintenance, canonical order, printing), and above nothing of eval.

use rayon::prelude::*;

/// Where parallel work runs. With one job, on the calling thread: no
/// thread is started and no work handed over, which would cost a small
/// run more than its work (a wake-up each time). With more, on a rayon
/// pool of `jobs` threads; should the system refuse threads, on the
/// calling thread too.
#[derive(Debug)]
pub enum Threads {
    /// The calling thread, in turn.
    Caller,
    /// A pool; work given to it runs inside it, so that rayon's parallel
    /// iterators there use its threads.
    Pool(rayon::ThreadPool),
}

impl Threads {
    /// The threads of `jobs` jobs.
    pub fn new(jobs: usize) -> Threads {
        if jobs <= 1 {
            return Threads::Caller;
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build()
            .map_or(Threads::Caller, Threads::Pool)
    }

    /// Runs `f`, inside the pool if there is one.
    pub fn install<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        match self {
            Threads::Caller => f(),
            Threads::Pool(pool) => pool.install(f),
        }
    }

    /// `f` of each item, in the items' order, on the threads.
    pub fn map<T: Send, R: Send>(&self, items: Vec<T>, f: impl Fn(T) -> R + Sync + Send) -> Vec<R> {
        match self {
            Threads::Caller => items.into_iter().map(f).collect(),
            // `collect` keeps the order, whichever thread ran each.
            Threads::Pool(pool) => pool.install(|| items.into_par_iter().map(f).collect()),
        }
    }
}
