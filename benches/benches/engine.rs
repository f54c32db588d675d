//! Criterion benchmarks: each workload of `entente_bench::all()`, loaded
//! once and evaluated from scratch per iteration.
//! Run: `cargo bench -p entente-bench` (see BENCHMARKS.md).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use entente::{Config, Engine};

fn evaluation(c: &mut Criterion) {
    let mut group = c.benchmark_group("evaluate");
    group.sample_size(10);
    for workload in entente_bench::all() {
        let mut loaded = Engine::new();
        loaded
            .load_source(workload.name, &workload.source())
            .expect("workloads are valid programs");
        group.bench_function(workload.name, |b| {
            b.iter_batched(
                || loaded.clone(),
                |mut engine| {
                    engine.run(Config::default()).expect("evaluation succeeds");
                    engine
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, evaluation);
criterion_main!(benches);
