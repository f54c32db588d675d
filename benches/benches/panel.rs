//! Panels (SPEC §14): `Engine::panel` and writing it as CSV, on the
//! dyad-year example (`rules/examples/atop_dyads.rules`) and on a panel of
//! ten million rows.
//! Run: `cargo bench -p entente-bench --bench panel` (see BENCHMARKS.md).
//! With `ENTENTE_DATA=path/to/folder` holding `atop5_1m.csv`,
//! `states2016.csv` and `dyadic_mid_4.03.csv` it runs on the real files;
//! otherwise on generated ones of their shape (`dyad_year_files`).

use std::io::Write;

use criterion::{criterion_group, criterion_main, Criterion};
use entente::output::{self, Format};
use entente::{Config, Engine};
use entente_bench::dyad_year_files;

/// The example loaded over the real files or generated ones.
fn dyad_years() -> Engine {
    let dir = std::env::temp_dir().join(format!("entente-panel-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let rules = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../rules/examples/atop_dyads.rules"
    );
    std::fs::copy(rules, dir.join("atop_dyads.rules")).expect("the rules copy");
    match std::env::var("ENTENTE_DATA") {
        Ok(data) => {
            for name in ["atop5_1m.csv", "states2016.csv", "dyadic_mid_4.03.csv"] {
                std::fs::copy(std::path::Path::new(&data).join(name), dir.join(name))
                    .expect("a data file copies");
            }
        }
        Err(_) => {
            for (name, text) in dyad_year_files(11) {
                std::fs::write(dir.join(name), text).expect("a file writes");
            }
        }
    }
    let mut engine = Engine::with_config(Config {
        jobs: 1,
        ..Config::default()
    });
    engine
        .load_files(&[dir.join("atop_dyads.rules")])
        .expect("the example loads");
    engine
}

/// Counts the bytes written, keeps none.
struct Count(u64);

impl Write for Count {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += bytes.len() as u64;
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn panels(c: &mut Criterion) {
    let mut group = c.benchmark_group("panel");
    group.sample_size(10);
    let engine = dyad_years();
    group.bench_function(
        "ATOP directed dyad-years 1815-2018, made and written",
        |b| {
            b.iter(|| {
                let goal =
                    "atop_dyad(A, B, Defense, Offense, Neutrality, Nonaggression, Consultation)";
                let (panel, _) = engine.panel(goal, 1815, 2018).expect("a panel");
                let mut out = Count(0);
                output::panel(&mut out, Format::Csv, &panel, "year").expect("written");
                out.0
            })
        },
    );
    group.bench_function("COW dyad-years 1816-2016 with ATOP and MID, made and written", |b| {
        b.iter(|| {
            let goal = "cow_dyad(A, B), obligations(A, B, Defense, Offense, Neutrality, Nonaggression, Consultation), dispute(A, B, Mid)";
            let (panel, _) = engine.panel(goal, 1816, 2016).expect("a panel");
            let mut out = Count(0);
            output::panel(&mut out, Format::Csv, &panel, "year").expect("written");
            out.0
        })
    });
    // Ten million rows: 50,000 answers at each of 200 time points.
    let mut big = Engine::new();
    let facts: String = (0..50_000)
        .map(|i| format!("unit(u{i}, {}).\n", i % 7))
        .collect();
    big.load_source("units.rules", &facts).expect("loads");
    big.run().expect("evaluates");
    let (panel, _) = big.panel("unit(U, K)", 1816, 2015).expect("a panel");
    assert_eq!(panel.len(), 10_000_000);
    group.bench_function("10 million rows written as CSV", |b| {
        b.iter(|| {
            let mut out = Count(0);
            output::panel(&mut out, Format::Csv, &panel, "t").expect("written");
            out.0
        })
    });
    group.finish();
}

criterion_group!(benches, panels);
criterion_main!(benches);
