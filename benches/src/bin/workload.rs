//! Writes a benchmark workload as an Entente program on stdout, so that the
//! CLI (and other engines) can be measured on exactly the same input:
//! `cargo run --release -p entente-bench --bin workload -- tc_random > tc.rules`

fn main() {
    let name = std::env::args().nth(1).unwrap_or_default();
    match entente_bench::all().into_iter().find(|w| w.name == name) {
        Some(w) => print!("{}", w.source()),
        None => {
            let names: Vec<&str> = entente_bench::all().iter().map(|w| w.name).collect();
            eprintln!("usage: workload NAME, one of: {}", names.join(", "));
            std::process::exit(2);
        }
    }
}
