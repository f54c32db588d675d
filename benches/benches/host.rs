//! What a long-running host pays for a question (issue 20, SPEC §9): a
//! point query, an explanation and a why-not on an evaluated model of
//! `e(i, i+1).` facts, from 10 thousand to 10 million (the figures should
//! be flat), and reader throughput on one and two threads.
//! Run: `cargo bench -p entente-bench --bench host` (see BENCHMARKS.md);
//! `ENTENTE_BENCH_LARGEST=1000000` stops before ten million facts.

use std::sync::Arc;

use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, Throughput,
};
use entente::Engine;

/// An evaluated engine of the chain `e(0, 1). ... e(n-1, n).`.
pub fn chain(n: usize) -> Engine {
    let mut engine = Engine::new();
    engine
        .load_source("chain.rules", &entente_bench::chain_facts(n))
        .expect("the chain loads");
    engine.run().expect("the chain evaluates");
    engine
}

fn sizes() -> Vec<usize> {
    let largest: usize = std::env::var("ENTENTE_BENCH_LARGEST")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000);
    [10_000, 100_000, 1_000_000, 10_000_000]
        .into_iter()
        .filter(|&n| n <= largest)
        .collect()
}

fn questions(c: &mut Criterion) {
    let mut group = c.benchmark_group("host");
    for n in sizes() {
        bench_questions(&mut group, n, &chain(n));
    }
    group.finish();
}

/// The point query, explanation and why-not of `engine` (a chain of `n`),
/// each asked twice untimed first: the first question of a kind scans,
/// the second builds the index it needs.
fn bench_questions(group: &mut BenchmarkGroup<'_, WallTime>, n: usize, engine: &Engine) {
    let questions = [
        ("point query", "e(7, Y)"),
        ("explain", "e(7, 8)"),
        ("why-not", "e(7, 9)"),
    ];
    for _ in 0..2 {
        for (name, goal) in questions {
            ask(engine, name, goal);
        }
    }
    for (name, goal) in questions {
        group.bench_with_input(BenchmarkId::new(name, n), engine, |b, e| {
            b.iter(|| ask(e, name, goal))
        });
    }
}

/// Asks `goal` as a query or (an explanation or why-not) to explain.
fn ask(engine: &Engine, name: &str, goal: &str) {
    if name == "point query" {
        drop(engine.query(goal).expect("answers"));
    } else {
        drop(engine.explain(goal).expect("explained"));
    }
}

/// The same questions over time (no `at`): the chain, one fact that
/// holds since 2000 (`t(0) since 2000.`) and one that held from 1990 to
/// 1995 (`old(1)`), so that the program says when facts hold and its
/// model is a timeline. The chain's facts hold at every time: queries
/// answer from the timeline's facts, explanations in its last interval's
/// model; `old(1)` is explained at 1990, in that model taken back there.
fn questions_over_time(c: &mut Criterion) {
    let mut group = c.benchmark_group("host over time");
    for n in sizes() {
        let mut engine = Engine::new();
        let text = format!(
            "{}t(0) since 2000.\nold(1) from 1990 to 1995.\n",
            entente_bench::chain_facts(n)
        );
        engine
            .load_source("chain.rules", &text)
            .expect("the chain loads");
        engine.run().expect("the chain evaluates");
        assert!(engine.is_temporal());
        bench_questions(&mut group, n, &engine);
        group.bench_with_input(BenchmarkId::new("explain in 1990", n), &engine, |b, e| {
            b.iter(|| e.explain("old(1)").expect("explained"))
        });
    }
    group.finish();
}

/// Point queries on one evaluated engine of a million facts, shared by
/// one or two reader threads: each iteration asks 10,000 questions in
/// all, split between the threads.
fn readers(c: &mut Criterion) {
    const QUESTIONS: usize = 10_000;
    let engine = Arc::new(chain(1_000_000));
    engine.query("e(7, Y)").expect("answers");
    let mut group = c.benchmark_group("host readers");
    group.throughput(Throughput::Elements(QUESTIONS as u64));
    for threads in [1, 2] {
        group.bench_function(BenchmarkId::new("point queries", threads), |b| {
            b.iter(|| {
                std::thread::scope(|s| {
                    for t in 0..threads {
                        let engine = Arc::clone(&engine);
                        s.spawn(move || {
                            for i in (t..QUESTIONS).step_by(threads) {
                                let goal = format!("e({}, Y)", i * 97 % 1_000_000);
                                engine.query(&goal).expect("answers");
                            }
                        });
                    }
                });
            })
        });
    }
    group.finish();
}

criterion_group!(benches, questions, questions_over_time, readers);
criterion_main!(benches);
