//! The cost of incremental updates next to evaluation from scratch, on
//! the same machine in one run (the table in BENCHMARKS.md):
//! `cargo run --release -p entente-bench --bin update_cost [WORKLOAD]`;
//! with `--features dd` and `--dd WORKERS`, on the `dd` engine's live
//! dataflow with that many workers.
//!
//! Each change is applied to one engine holding the evaluated model, then
//! undone by its inverse, five times over: the time of one call of
//! `Engine::add_source` or `Engine::retract_source` (parse, check,
//! maintain, change set). The first application also builds the indexes
//! that maintenance needs and evaluation does not; it is reported apart.

use std::time::{Duration, Instant};

use entente::Engine;
use entente_bench::update_cases;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// The engine's settings: the default engine's, or with `--dd N` the
/// `dd` engine's on N workers.
fn settings(args: &[String]) -> entente::Config {
    let dd = args.iter().position(|a| a == "--dd");
    let workers = dd
        .and_then(|i| args.get(i + 1))
        .map(|n| n.parse::<usize>().expect("--dd takes a number of workers"));
    #[cfg(feature = "dd")]
    if let Some(workers) = workers {
        return entente::Config {
            dataflow: Some(entente::Cluster {
                workers,
                ..entente::Cluster::default()
            }),
            ..entente::Config::default()
        };
    }
    assert!(
        workers.is_none(),
        "--dd needs the bench package built with --features dd"
    );
    entente::Config::default()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = settings(&args);
    let only = args.first().filter(|a| !a.starts_with("--")).cloned();
    println!("| workload | change | facts changed | first time | time (median of 5) | vs. full evaluation |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for (workload, cases) in update_cases() {
        if only.as_deref().is_some_and(|o| o != workload.name) {
            continue;
        }
        let mut loaded = Engine::with_config(config.clone());
        loaded
            .load_source(workload.name, &workload.source())
            .expect("workloads are valid programs");
        let mut full = Vec::new();
        let mut engine = loaded.clone();
        for _ in 0..3 {
            engine = loaded.clone();
            let start = Instant::now();
            engine.run().expect("evaluation succeeds");
            full.push(start.elapsed());
        }
        let full = median(full);
        let derived: usize = engine.predicates().iter().filter_map(|p| p.derived).sum();
        println!(
            "| `{}` ({derived} derived facts) | full evaluation | | | {} | 1 |",
            workload.name,
            ms(full)
        );
        for case in cases {
            let mut times = [Vec::new(), Vec::new()];
            let mut changed = [(0, 0), (0, 0)];
            for _ in 0..6 {
                for (k, edit) in [case.edit.clone(), case.edit.inverse()].iter().enumerate() {
                    let start = Instant::now();
                    let update = edit.apply(&mut engine);
                    times[k].push(start.elapsed());
                    changed[k] = (
                        update.changes.appeared().count(),
                        update.changes.disappeared().count(),
                    );
                }
            }
            for (k, label) in [case.name.to_string(), format!("… and back ({})", case.name)]
                .into_iter()
                .enumerate()
            {
                let first = times[k][0];
                let time = median(times[k][1..].to_vec());
                let (plus, minus) = changed[k];
                let share = (plus + minus) as f64 / derived as f64 * 100.0;
                let edit = if k == 0 {
                    case.edit.clone()
                } else {
                    case.edit.inverse()
                };
                let verb = match edit {
                    entente_bench::Edit::Add(_) => "add",
                    entente_bench::Edit::Retract(_) => "retract",
                };
                println!(
                    "| | {label}: {verb} `{}` | +{plus} -{minus} ({share:.3} %) | {} | {} | {:.2} % |",
                    edit.text().trim(),
                    ms(first),
                    ms(time),
                    time.as_secs_f64() / full.as_secs_f64() * 100.0
                );
            }
        }
    }
}
