//! Transitive closure written by hand on differential dataflow, after
//! differential dataflow's own `examples/bfs.rs`: the yardstick for the
//! `dd` engine (issue 26, BENCHMARKS.md). The same rules as the
//! workloads' (`path(X, Y) if edge(X, Y). path(X, Z) if path(X, Y),
//! edge(Y, Z).`), on the same edges, as typed pairs of `u32`:
//!
//! ```text
//! dd_tc WORKLOAD [--workers N] [--processes P --process I --hosts FILE] [--width 4|8|16]
//! ```
//!
//! Each worker feeds every `peers`-th edge; process 0 prints the number
//! of paths and the time from the first edge fed to the fixpoint.
//! `--width` holds each node in 8 or 16 bytes instead of 4 (the node
//! and zeros), to measure what the width of the rows alone costs: the
//! `dd` engine's rows are 16 bytes.

use std::time::Instant;

use differential_dataflow::input::Input;
use differential_dataflow::operators::iterate::Iterate;
use timely::dataflow::ProbeHandle;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let option = |name: &str| {
        let at = args.iter().position(|a| a == name)?;
        args.get(at + 1).cloned()
    };
    let number =
        |name: &str, default: usize| option(name).map_or(default, |v| v.parse().expect(name));
    let Some(workload) = args.first().and_then(|n| entente_bench::by_name(n)) else {
        eprintln!("usage: dd_tc WORKLOAD [--workers N] [--processes P --process I --hosts FILE] [--width 4|8|16]");
        std::process::exit(2);
    };
    let threads = number("--workers", 1);
    let config = match option("--hosts") {
        Some(file) => timely::CommunicationConfig::Cluster {
            threads,
            process: number("--process", 0),
            addresses: std::fs::read_to_string(file)
                .expect("the hosts file")
                .lines()
                .map(str::to_string)
                .filter(|l| !l.is_empty())
                .collect(),
            report: false,
            zerocopy: false,
        },
        None => timely::CommunicationConfig::Process(threads),
    };
    let edges = std::sync::Arc::new(workload.pairs("edge"));
    let config = timely::Config {
        communication: config,
        worker: timely::WorkerConfig::default(),
    };
    match number("--width", 4) {
        4 => closure(config, edges, |n| n),
        8 => closure(config, edges, u64::from),
        16 => closure(config, edges, |n| [n, 0, 0, 0]),
        _ => {
            eprintln!("--width is 4, 8 or 16");
            std::process::exit(2);
        }
    }
}

/// The transitive closure of `edges`, each node held as `node` makes it.
fn closure<N>(config: timely::Config, edges: std::sync::Arc<Vec<(u32, u32)>>, node: fn(u32) -> N)
where
    N: differential_dataflow::ExchangeData + std::hash::Hash + Copy,
{
    timely::execute(config, move |worker| {
        let (index, peers) = (worker.index(), worker.peers());
        let probe = ProbeHandle::new();
        let mut input = worker.dataflow::<(), _, _>(|scope| {
            let (input, edges) = scope.new_collection::<(N, N), isize>();
            let paths = edges.clone().iterate(|inner, paths| {
                let edges = edges.enter(inner);
                paths
                    .map(|(x, y)| (y, x))
                    .join_map(edges.clone(), |_, &x, &z| (x, z))
                    .concat(edges)
                    .distinct()
            });
            paths
                .map(|_| ())
                .count()
                .inspect(|(((), n), _, d)| {
                    if *d > 0 {
                        println!("paths: {n}")
                    }
                })
                .probe_with(&probe);
            input
        });
        let start = Instant::now();
        for (i, edge) in edges.iter().enumerate() {
            if i % peers == index {
                input.insert((node(edge.0), node(edge.1)));
            }
        }
        drop(input);
        while !probe.done() {
            worker.step();
        }
        if index == 0 {
            println!("fixpoint: {:.2} s", start.elapsed().as_secs_f64());
        }
    })
    .expect("timely");
}
