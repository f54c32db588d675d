//! Writes a benchmark workload as an Entente program on stdout, so that the
//! CLI (and other engines) can be measured on exactly the same input:
//! `cargo run --release -p entente-bench --bin workload -- tc_random > tc.rules`;
//! `chain_1m` is the rule file of a million facts `e(i, i+1).` (a host's
//! big knowledge base, BENCHMARKS.md).

fn main() {
    let name = std::env::args().nth(1).unwrap_or_default();
    if name == "chain_1m" {
        print!("{}", entente_bench::chain_facts(1_000_000));
        return;
    }
    match entente_bench::by_name(&name) {
        Some(w) => print!("{}", w.source()),
        None => {
            eprintln!(
                "usage: workload NAME, one of: {}, tc_random_10k, chain_1m",
                entente_bench::NAMES.join(", ")
            );
            std::process::exit(2);
        }
    }
}
