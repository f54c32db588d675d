//! Shared by the property tests: a generator of random stratified
//! programs (recursion, negation, comparisons, bounded arithmetic, every
//! aggregate), deterministic for a seed.
#![allow(dead_code)]

pub mod verify;

use std::fmt::Write as _;

/// A small deterministic generator (xorshift), seeded by proptest.
pub struct Rng(pub u64);

impl Rng {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// A predicate and its place in the stratification by construction:
/// level-`i` rules use levels `<= i` positively and `< i` under `not` or
/// in aggregates.
struct Pred {
    name: String,
    arity: usize,
    level: usize,
}

const VARS: [&str; 4] = ["X", "Y", "Z", "W"];

pub fn program(seed: u64) -> String {
    let mut rng = Rng(seed | 1);
    let mut text = String::new();
    let mut preds = Vec::new();
    for (i, arity) in [2, 1, 2].into_iter().enumerate() {
        preds.push(Pred {
            name: format!("e{i}"),
            arity,
            level: 0,
        });
    }
    for i in 0..5 {
        preds.push(Pred {
            name: format!("p{i}"),
            arity: rng.below(3),
            level: i + 1,
        });
    }
    for p in preds.iter().filter(|p| p.level == 0) {
        for _ in 0..rng.below(8) + 1 {
            let args: Vec<String> = (0..p.arity).map(|_| rng.below(5).to_string()).collect();
            let _ = writeln!(text, "{}({}).", p.name, args.join(", "));
        }
    }
    for p in preds.iter().filter(|p| p.level > 0) {
        for _ in 0..rng.below(3) + 1 {
            text.push_str(&rule(&mut rng, p, &preds));
        }
    }
    text
}

fn rule(rng: &mut Rng, head: &Pred, preds: &[Pred]) -> String {
    let mut body = Vec::new();
    let mut bound: Vec<String> = Vec::new();
    let usable: Vec<&Pred> = preds.iter().filter(|p| p.level <= head.level).collect();
    let lower: Vec<&Pred> = preds.iter().filter(|p| p.level < head.level).collect();
    for _ in 0..rng.below(3) + 1 {
        let p = usable[rng.below(usable.len())];
        let args: Vec<String> = (0..p.arity)
            .map(|_| match rng.below(10) {
                0 => "_".to_string(),
                1 => rng.below(5).to_string(),
                _ => VARS[rng.below(VARS.len())].to_string(),
            })
            .collect();
        for a in &args {
            if a.starts_with(char::is_uppercase) && !bound.contains(a) {
                bound.push(a.clone());
            }
        }
        body.push(atom(&p.name, &args));
    }
    let pick = |rng: &mut Rng, bound: &[String]| -> String {
        if bound.is_empty() || rng.chance(30) {
            rng.below(5).to_string()
        } else {
            bound[rng.below(bound.len())].clone()
        }
    };
    if rng.chance(40) {
        let p = lower[rng.below(lower.len())];
        let args: Vec<String> = (0..p.arity)
            .map(|_| {
                if rng.chance(25) {
                    "_".to_string()
                } else {
                    pick(rng, &bound)
                }
            })
            .collect();
        body.push(format!("not {}", atom(&p.name, &args)));
    }
    if rng.chance(40) {
        let ops = ["=", "!=", "<", "<=", ">", ">="];
        body.push(format!(
            "{} {} {}",
            pick(rng, &bound),
            ops[rng.below(6)],
            pick(rng, &bound)
        ));
    }
    if rng.chance(30) && !bound.is_empty() {
        let v = format!("A{}", body.len());
        let ops = ["+", "-", "*"];
        body.push(format!(
            "{v} = ({} {} {}) % 5",
            pick(rng, &bound),
            ops[rng.below(3)],
            rng.below(4) + 1
        ));
        bound.push(v);
    }
    if rng.chance(30) {
        let p = lower
            .iter()
            .filter(|p| p.arity > 0)
            .nth(rng.below(3))
            .unwrap_or(&lower[0]);
        if p.arity > 0 {
            let local = "L";
            let mut args: Vec<String> = vec![local.to_string()];
            while args.len() < p.arity {
                args.push(if bound.is_empty() || rng.chance(50) {
                    "_".into()
                } else {
                    pick(rng, &bound)
                });
            }
            if rng.chance(50) {
                args.reverse();
            }
            let v = format!("G{}", body.len());
            let f = ["count", "sum L", "min L", "max L"][rng.below(4)];
            body.push(format!("{v} = {f} : {{ {} }}", atom(&p.name, &args)));
            bound.push(v);
        }
    }
    let head_args: Vec<String> = (0..head.arity).map(|_| pick(rng, &bound)).collect();
    format!("{} if {}.\n", atom(&head.name, &head_args), body.join(", "))
}

fn atom(name: &str, args: &[String]) -> String {
    if args.is_empty() {
        name.to_string()
    } else {
        format!("{name}({})", args.join(", "))
    }
}

/// The settings the property tests run with: `jobs` threads, and with
/// more than one every join split into parts however small, so that the
/// small random programs go through the parallel joins as well.
pub fn config(jobs: usize) -> entente::Config {
    if jobs > 1 {
        entente::eval::split_joins_from(1);
    }
    entente::Config {
        jobs,
        ..entente::Config::default()
    }
}

/// The engine's model (run first with `config`) by predicate name, empty
/// predicates left out, to compare with the oracle's.
pub fn engine_model(
    engine: &mut entente::Engine,
    config: entente::Config,
) -> std::collections::BTreeMap<String, std::collections::BTreeSet<Vec<entente::Value>>> {
    engine.run_with(&config).expect("evaluation succeeds");
    let db = engine.model().expect("just evaluated");
    let mut model = std::collections::BTreeMap::new();
    for (p, name) in db.plan.predicates.keys().enumerate() {
        let facts: std::collections::BTreeSet<Vec<entente::Value>> =
            db.facts(p, false).into_iter().collect();
        if !facts.is_empty() {
            model.insert(name.clone(), facts);
        }
    }
    model
}

/// The facts the program states (fact statements), by predicate name.
pub fn given_facts(
    engine: &entente::Engine,
) -> std::collections::BTreeSet<(String, Vec<entente::Value>)> {
    let facts = &engine.program().facts;
    facts
        .iter()
        .map(|f| (f.name().to_string(), facts.values(f)))
        .collect()
}
