//! What an editor waits for from `entente lsp` (issue 23, SPEC §12): the
//! diagnostics after an edit of `rules/caucasus.rules` and of a generated
//! file of 100,000 facts, and the answers to hover and go to definition.
//! The server runs as a process, as an editor runs it, and each figure
//! is from the client's sending to its receiving (JSON-RPC over pipes
//! included).
//!
//! Run: `cargo build --release && cargo bench -p entente-bench --bench lsp`
//! (it drives `target/release/entente`; see BENCHMARKS.md).

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::json;

#[path = "../../tests/lsp_client/mod.rs"]
mod lsp_client;

use lsp_client::{uri, Client};

/// A server of the release build.
fn start() -> Client {
    let binary = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/entente");
    assert!(
        binary.exists(),
        "{} is missing: run `cargo build --release` first",
        binary.display()
    );
    Client::start(&binary, json!({}))
}

/// A file of `n` given facts (treaties between 500 states over 50 years)
/// and the rules of a small alliance theory over them.
fn generated(n: usize) -> String {
    let mut text = String::from(
        "ally(X, Y) if treaty(X, Y, defence, _).\n\
         ally(X, Y) if ally(Y, X).\n\
         bloc(X, Z) if ally(X, Y), ally(Y, Z), X != Z.\n\
         ? ally(s1, Who).\n",
    );
    let kinds = ["defence", "neutrality", "consultation", "entente"];
    for i in 0..n {
        let (a, b) = (i % 500, (i * 7 + 1) % 500);
        text.push_str(&format!(
            "treaty(s{a}, s{b}, {}, {}).\n",
            kinds[i % kinds.len()],
            1950 + i % 50
        ));
    }
    text
}

/// Two texts that differ by one edit: what a keystroke sends.
fn with_edit(text: &str) -> (String, String) {
    (text.to_string(), format!("{text}# an edit\n"))
}

fn diagnostics_after_an_edit(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let caucasus: PathBuf = root.join("rules/caucasus.rules").canonicalize().unwrap();
    let large = std::env::temp_dir().join("entente-lsp-bench-100k.rules");
    std::fs::write(&large, generated(100_000)).unwrap();
    let mut group = c.benchmark_group("lsp");
    for (name, path, samples) in [
        ("diagnostics after an edit, caucasus.rules", &caucasus, 50),
        ("diagnostics after an edit, 100k facts", &large, 10),
    ] {
        let text = std::fs::read_to_string(path).unwrap();
        let address = uri(path);
        let mut client = start();
        client.open(&address, &text);
        let (a, b) = with_edit(&text);
        let mut flip = false;
        group.sample_size(samples);
        group.measurement_time(Duration::from_secs(10));
        group.bench_function(name, |bench| {
            bench.iter(|| {
                flip = !flip;
                client.edit(&address, if flip { &b } else { &a }).len()
            })
        });
        client.stop();
    }
    // Hover and definition of `supports` in a query of the knowledge
    // base, after an edit has been checked (the model evaluated by the
    // first hover after it, untimed).
    let text = std::fs::read_to_string(&caucasus).unwrap();
    let address = uri(&caucasus);
    let line = text
        .lines()
        .position(|l| l.starts_with("? supports("))
        .expect("a query of supports");
    let at = json!({"textDocument": {"uri": address}, "position": {"line": line, "character": 4}});
    let mut client = start();
    client.open(&address, &text);
    let first = client.request("textDocument/hover", at.clone());
    assert!(first["result"]["contents"]["value"]
        .as_str()
        .unwrap()
        .starts_with("**supports/2**"));
    group.sample_size(100);
    group.bench_function("hover, caucasus.rules", |bench| {
        bench.iter(|| client.request("textDocument/hover", at.clone()))
    });
    group.bench_function("definition, caucasus.rules", |bench| {
        bench.iter(|| client.request("textDocument/definition", at.clone()))
    });
    // The first hover after an edit evaluates the program.
    let (a, b) = with_edit(&text);
    let mut flip = false;
    group.bench_function("edit, then first hover, caucasus.rules", |bench| {
        bench.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                flip = !flip;
                client.edit(&address, if flip { &b } else { &a });
                let start = std::time::Instant::now();
                client.request("textDocument/hover", at.clone());
                total += start.elapsed();
            }
            total
        })
    });
    client.stop();
    // Hover and definition in the large file, on `treaty` in a rule.
    let text = std::fs::read_to_string(&large).unwrap();
    let address = uri(&large);
    let at = json!({"textDocument": {"uri": address}, "position": {"line": 0, "character": 16}});
    let mut client = start();
    client.open(&address, &text);
    client.request("textDocument/hover", at.clone());
    group.sample_size(20);
    group.bench_function("hover, 100k facts", |bench| {
        bench.iter(|| client.request("textDocument/hover", at.clone()))
    });
    group.bench_function("definition, 100k facts", |bench| {
        bench.iter(|| client.request("textDocument/definition", at.clone()))
    });
    client.stop();
    group.finish();
    std::fs::remove_file(&large).unwrap();
}

criterion_group!(benches, diagnostics_after_an_edit);
criterion_main!(benches);
