//! Pictures (SPEC §7): drawing the knowledge base's network and a proof
//! as SVG (layout included), and a network of a few thousand lines (the
//! transitive closure of a chain), so that drawing stays cheap beside
//! evaluating. Run: `cargo bench -p entente-bench --bench pictures` (see
//! BENCHMARKS.md).

use criterion::{criterion_group, criterion_main, Criterion};
use entente::{Config, Engine};

fn pictures(c: &mut Criterion) {
    let config = Config {
        jobs: 1,
        ..Config::default()
    };
    let mut engine = Engine::with_config(config.clone());
    engine
        .load_files(&[concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../rules/caucasus.rules"
        )])
        .expect("the knowledge base loads");
    engine.run().expect("the knowledge base evaluates");
    let network = engine
        .graph(&["supports", "rivals", "leverage"])
        .expect("drawn");
    let (proof, _) = engine
        .explain("would_intervene(russia, armenia, azerbaijan)")
        .expect("explained");
    let proof = proof.to_graph();
    let mut chain = String::new();
    for i in 0..100 {
        chain.push_str(&format!("edge({i}, {}).\n", i + 1));
    }
    chain.push_str("path(X, Y) if edge(X, Y).\npath(X, Z) if path(X, Y), edge(Y, Z).\n");
    let mut closure = Engine::with_config(config);
    closure.load_source("chain.rules", &chain).expect("loads");
    closure.run().expect("evaluates");
    let closure = closure.graph(&["path"]).expect("drawn");

    let mut group = c.benchmark_group("pictures");
    group.bench_function("caucasus network to SVG", |b| b.iter(|| network.to_svg()));
    group.bench_function("a proof of eleven boxes to SVG", |b| {
        b.iter(|| proof.to_svg())
    });
    group.sample_size(10);
    group.bench_function(
        format!(
            "closure of a chain of 100 ({} lines) to SVG",
            closure.edges.len()
        ),
        |b| b.iter(|| closure.to_svg()),
    );
    group.finish();
}

criterion_group!(benches, pictures);
criterion_main!(benches);
