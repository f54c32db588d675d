//! What the Python package's DataFrame paths are measured against (issue
//! 22): a million facts of four columns (integer, symbol, integer,
//! decimal) added through `Engine::add_facts`, built from column vectors
//! as a DataFrame holds them, and the million answers of a query read
//! into one vector per variable. `python/benches/frames.py` does the same
//! work from pandas; BENCHMARKS.md §9 puts the two side by side.
//! Run: `cargo bench -p entente-bench --bench frames`;
//! `ENTENTE_BENCH_ROWS` sets the number of rows (a million).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use entente::{Engine, Fact, Value};

/// The columns of row `i` of `n`, as `python/benches/frames.py` makes
/// them.
struct Columns {
    atopid: Vec<i64>,
    member: Vec<String>,
    year: Vec<i64>,
    share: Vec<f64>,
}

fn columns(n: usize) -> Columns {
    Columns {
        atopid: (0..n).map(|i| 1000 + i as i64 / 3).collect(),
        member: (0..n).map(|i| format!("state_{}", i % 200)).collect(),
        year: (0..n).map(|i| 1900 + (i % 120) as i64).collect(),
        share: (0..n).map(|i| (i % 1000) as f64 / 8.0).collect(),
    }
}

fn rows() -> usize {
    std::env::var("ENTENTE_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

/// An engine with no statements, evaluated: adding facts maintains it.
fn empty() -> Engine {
    let mut engine = Engine::new();
    engine.run().expect("an empty program evaluates");
    engine
}

fn add(engine: &mut Engine, c: &Columns) {
    let facts: Vec<Fact> = (0..c.atopid.len())
        .map(|i| {
            Fact::new(
                "pact",
                (c.atopid[i], c.member[i].as_str(), c.year[i], c.share[i]),
            )
            .expect("a fact")
        })
        .collect();
    engine.add_facts(&facts).expect("the facts are added");
}

fn frames(c: &mut Criterion) {
    let n = rows();
    let data = columns(n);
    let mut group = c.benchmark_group("frames");
    group.sample_size(10);
    group.bench_function(format!("add_facts {n} rows"), |b| {
        b.iter_batched(
            empty,
            |mut engine| add(&mut engine, &data),
            BatchSize::PerIteration,
        )
    });
    let mut engine = empty();
    add(&mut engine, &data);
    group.bench_function(format!("read {n} answers into columns"), |b| {
        b.iter(|| {
            let (answers, _) = engine.query("pact(A, M, Y, S)").expect("answers");
            let mut out: Vec<Vec<Value>> = (0..4)
                .map(|_| Vec::with_capacity(answers.rows.len()))
                .collect();
            for row in &answers.rows {
                for (column, value) in out.iter_mut().zip(row) {
                    column.push(value.clone());
                }
            }
            out
        })
    });
    group.finish();
}

criterion_group!(benches, frames);
criterion_main!(benches);
