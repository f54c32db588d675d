//! Time (SPEC §10) on ATOP-shaped data: the timeline of every year of
//! 1815–2018 by one sweep, against evaluating each of those 204 years from
//! scratch, and against one plain evaluation.
//! Run: `cargo bench -p entente-bench --bench time` (see BENCHMARKS.md).
//! With `ENTENTE_ATOP=path/to/atop5_1m.csv` it runs on the real file
//! (which has the columns the rules import); otherwise on a generated one
//! of its shape and size.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use entente::{Config, Engine};
use entente_bench::{atop_like_csv, ATOP_RULES, ATOP_YEARS};

/// An engine with the ATOP rules loaded over the real file or a
/// generated one, written to a temporary folder.
fn loaded() -> Engine {
    let dir = std::env::temp_dir().join(format!("entente-time-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let csv = match std::env::var("ENTENTE_ATOP") {
        Ok(path) => std::fs::read_to_string(path).expect("the ATOP file reads"),
        Err(_) => atop_like_csv(1_000, 7),
    };
    std::fs::write(dir.join("atop.csv"), csv).expect("the file writes");
    std::fs::write(dir.join("atop.rules"), ATOP_RULES).expect("the rules write");
    let mut engine = Engine::new();
    engine
        .load_files(&[dir.join("atop.rules")])
        .expect("the rules load");
    engine
}

fn timeline(c: &mut Criterion) {
    let engine = loaded();
    let config = Config {
        jobs: 1,
        ..Config::default()
    };
    let mut group = c.benchmark_group("time");
    group.sample_size(10);
    group.bench_function("timeline of pacts(N), one sweep", |b| {
        b.iter_batched(
            || engine.clone(),
            |engine| engine.timeline_with("pacts(N)", &config).expect("answers"),
            BatchSize::PerIteration,
        )
    });
    group.bench_function("pacts(N) at each of the 204 years, from scratch", |b| {
        b.iter_batched(
            || engine.clone(),
            |engine| {
                for year in ATOP_YEARS {
                    let at = Config {
                        at: Some(year),
                        ..config.clone()
                    };
                    let mut fresh = engine.clone();
                    fresh.run_with(&at).expect("evaluates");
                    fresh.query_with("pacts(N)", &at).expect("answers");
                }
                engine
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("one evaluation, at 2018", |b| {
        b.iter_batched(
            || engine.clone(),
            |mut engine| {
                let at = Config {
                    at: Some(2018),
                    ..config.clone()
                };
                engine.run_with(&at).expect("evaluates");
                engine
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("whole timeline of every fact, one sweep", |b| {
        b.iter_batched(
            || engine.clone(),
            |mut engine| {
                engine.run_with(&config).expect("evaluates");
                engine
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, timeline);
criterion_main!(benches);
