//! Criterion benchmarks: each workload of `entente_bench::all()`, loaded
//! once and evaluated from scratch per iteration, on one job and on every
//! core.
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
        let cores = Config::default().jobs;
        for jobs in [1, cores] {
            let config = Config {
                jobs,
                ..Config::default()
            };
            let name = format!("{}/{jobs} jobs", workload.name);
            group.bench_function(name, |b| {
                b.iter_batched(
                    || loaded.clone(),
                    |mut engine| {
                        engine.run_with(&config).expect("evaluation succeeds");
                        engine
                    },
                    BatchSize::PerIteration,
                )
            });
        }
    }
    group.finish();
}

criterion_group!(benches, evaluation);
criterion_main!(benches);
