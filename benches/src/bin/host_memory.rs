//! Memory a long-running host keeps (issue 20): the resident size of an
//! engine of a million facts after it is evaluated, and again after a
//! million questions of it (point queries, some naming constants the
//! program lacks, explanations and why-nots). The two should be equal:
//! asking leaves nothing behind.
//!
//! Run: `cargo run --release -p entente-bench --bin host_memory`
//! (Linux: reads `/proc/self/status`).

use entente::Engine;

/// `VmRSS` and `VmHWM` of this process, in MB.
fn resident() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn main() {
    const FACTS: usize = 1_000_000;
    const QUESTIONS: usize = 1_000_000;
    let mut engine = Engine::new();
    engine
        .load_source("chain.rules", &entente_bench::chain_facts(FACTS))
        .expect("the chain loads");
    engine.run().expect("the chain evaluates");
    // The indexes the questions need, built once: the first question of
    // a kind scans, the second builds its index.
    for _ in 0..2 {
        engine.query("e(7, Y)").expect("answers");
        engine.query("e(X, \"new\")").expect("answers");
        engine.explain("e(7, 8)").expect("explained");
        engine.explain("e(7, 9)").expect("explained");
    }
    let (before, _) = resident();
    let started = std::time::Instant::now();
    for i in 0..QUESTIONS {
        let n = i * 7919 % FACTS;
        match i % 4 {
            0 => drop(engine.query(&format!("e({n}, Y)")).expect("answers")),
            1 => drop(engine.query(&format!("e(X, \"new{i}\")")).expect("answers")),
            2 => drop(
                engine
                    .explain(&format!("e({n}, {})", n + 1))
                    .expect("explained"),
            ),
            _ => drop(
                engine
                    .explain(&format!("e({n}, {})", n + 2))
                    .expect("explained"),
            ),
        }
    }
    let elapsed = started.elapsed();
    let (after, peak) = resident();
    println!(
        "facts: {FACTS}, questions: {QUESTIONS} in {:.2} s",
        elapsed.as_secs_f64()
    );
    println!("resident before the questions: {before:.1} MB");
    println!("resident after the questions:  {after:.1} MB (peak {peak:.1} MB)");
}
