//! Embedding Entente: load the South Caucasus knowledge base, add a fact
//! built from Rust values, ask questions, read the answers by variable
//! name, and explain one, all under a time limit.
//!
//! Run: `cargo run --example embed`

use std::io::Write;
use std::time::Duration;

use entente::{Arg, Config, Engine, Explanation, Fact, Pattern};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut out = std::io::stdout().lock();
    // The budgets are set once, for every call.
    let mut engine = Engine::with_config(Config {
        timeout: Some(Duration::from_secs(5)),
        ..Config::default()
    });
    engine.load_files(&["rules/caucasus.rules"])?;
    engine.run()?;

    // What if Azerbaijan joined the CSTO? Add the fact, see what changed.
    let update = engine.add_facts(&[Fact::new("membership", ["azerbaijan", "csto"])?])?;
    writeln!(
        out,
        "{} derived facts appeared, {} disappeared",
        update.changes.appeared().count(),
        update.changes.disappeared().count()
    )?;

    // Who would defend Azerbaijan now?
    let who = Pattern::new("defends", [Arg::var("Who"), Arg::value("azerbaijan")])?;
    let (answers, _warnings) = engine.query_pattern(&who)?;
    for answer in answers.iter() {
        let state: &str = answer.get("Who")?;
        writeln!(out, "defends azerbaijan: {state}")?;
    }

    // Why would Russia?
    let (explanation, _) = engine.explain("defends(russia, azerbaijan)")?;
    if let Explanation::Holds(_) = &explanation {
        write!(out, "{explanation}")?;
    }
    Ok(())
}
