//! Entente and Ascent (compiled Rust Datalog) side by side on the same
//! workloads, in one process, single-threaded: evaluation time only (the
//! input is built before the clock starts), median of `RUNS`.
//! `cargo run --release -p entente-bench --features ascent --bin compare`

use std::time::{Duration, Instant};

use ascent::ascent;
use entente::{Config, Engine};
use entente_bench::Workload;

const RUNS: usize = 3;

ascent! {
    struct Tc;
    relation edge(u32, u32);
    relation path(u32, u32);
    path(x, y) <-- edge(x, y);
    path(x, z) <-- path(x, y), edge(y, z);
}

ascent! {
    struct Sg;
    relation parent(u32, u32);
    relation sg(u32, u32);
    sg(x, y) <-- parent(p, x), parent(p, y), if x != y;
    sg(x, y) <-- parent(a, x), sg(a, b), parent(b, y);
}

ascent! {
    struct Andersen;
    relation address_of(u32, u32);
    relation assign(u32, u32);
    relation load(u32, u32);
    relation store(u32, u32);
    relation points_to(u32, u32);
    points_to(y, x) <-- address_of(y, x);
    points_to(y, x) <-- assign(y, z), points_to(z, x);
    points_to(y, w) <-- load(y, x), points_to(x, z), points_to(z, w);
    points_to(z, w) <-- store(y, x), points_to(y, z), points_to(x, w);
}

ascent! {
    struct Negation;
    relation node(u32);
    relation edge(u32, u32);
    relation reach(u32);
    relation unreachable(u32);
    reach(0);
    reach(y) <-- reach(x), edge(x, y);
    unreachable(x) <-- node(x), !reach(x);
}

/// Runs Ascent on a workload; returns the derived facts.
fn ascent_run(w: &Workload) -> usize {
    match w.name {
        "tc_chain" | "tc_random" => {
            let mut p = Tc::default();
            p.edge = w.pairs("edge");
            p.run();
            p.path.len()
        }
        "same_generation" => {
            let mut p = Sg::default();
            p.parent = w.pairs("parent");
            p.run();
            p.sg.len()
        }
        "andersen" => {
            let mut p = Andersen::default();
            p.address_of = w.pairs("address_of");
            p.assign = w.pairs("assign");
            p.load = w.pairs("load");
            p.store = w.pairs("store");
            p.run();
            p.points_to.len()
        }
        _ => {
            let mut p = Negation::default();
            p.node = w
                .facts
                .iter()
                .filter(|(p, _)| *p == "node")
                .map(|(_, a)| (a[0],))
                .collect();
            p.edge = w.pairs("edge");
            p.run();
            p.reach.len() + p.unreachable.len()
        }
    }
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    println!("| workload | derived (Entente) | derived (Ascent) | Entente s | Ascent s | ratio |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for w in entente_bench::all() {
        let mut loaded = Engine::new();
        loaded
            .load_source(w.name, &w.source())
            .expect("valid workload");
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        let (mut ours_n, mut theirs_n) = (0, 0);
        for _ in 0..RUNS {
            let mut engine = loaded.clone();
            let start = Instant::now();
            let db = engine.run(Config::default()).expect("evaluation succeeds");
            ours.push(start.elapsed());
            ours_n = db.stats.iter().map(|s| s.derived).sum::<u64>();
            let start = Instant::now();
            theirs_n = ascent_run(&w);
            theirs.push(start.elapsed());
        }
        let (a, b) = (median(ours), median(theirs));
        println!(
            "| {} | {ours_n} | {theirs_n} | {:.3} | {:.3} | {:.2} |",
            w.name,
            a.as_secs_f64(),
            b.as_secs_f64(),
            a.as_secs_f64() / b.as_secs_f64()
        );
    }
}
