//! Criterion benchmarks of incremental maintenance: for each case of
//! `entente_bench::update_cases()`, one engine holds the evaluated model,
//! and an iteration applies the change and then its inverse (which
//! restores the model), so every iteration starts from the same state.
//! Evaluation from scratch of the same workload is measured beside it.
//! Run: `cargo bench -p entente-bench --bench update` (see BENCHMARKS.md).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use entente::Engine;

fn updates(c: &mut Criterion) {
    let mut group = c.benchmark_group("update");
    group.sample_size(10);
    for (workload, cases) in entente_bench::update_cases() {
        let mut loaded = Engine::new();
        loaded
            .load_source(workload.name, &workload.source())
            .expect("workloads are valid programs");
        group.bench_function(format!("{}/evaluate", workload.name), |b| {
            b.iter_batched(
                || loaded.clone(),
                |mut engine| {
                    engine.run().expect("evaluation succeeds");
                    engine
                },
                BatchSize::PerIteration,
            )
        });
        let mut engine = loaded.clone();
        engine.run().expect("evaluation succeeds");
        for case in cases {
            let (edit, undo) = (case.edit.clone(), case.edit.inverse());
            // Once untimed: the first change builds the indexes it needs.
            edit.apply(&mut engine);
            undo.apply(&mut engine);
            group.bench_function(format!("{}/{} and back", workload.name, case.name), |b| {
                b.iter(|| {
                    edit.apply(&mut engine);
                    undo.apply(&mut engine);
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, updates);
criterion_main!(benches);
