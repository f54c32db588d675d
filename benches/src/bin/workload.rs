//! Writes a benchmark workload as an Entente program on stdout, so that the
//! CLI (and other engines) can be measured on exactly the same input:
//! `cargo run --release -p entente-bench --bin workload -- tc_random > tc.rules`

fn main() {
    let name = std::env::args().nth(1).unwrap_or_default();
    match entente_bench::by_name(&name) {
        Some(w) => print!("{}", w.source()),
        None => {
            eprintln!(
                "usage: workload NAME, one of: {}, tc_random_10k",
                entente_bench::NAMES.join(", ")
            );
            std::process::exit(2);
        }
    }
}
