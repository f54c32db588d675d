//! Shared by the property tests: a generator of random stratified
//! programs (recursion, negation, comparisons, bounded arithmetic, every
//! aggregate), deterministic for a seed. Values are mostly small integers,
//! so that joins meet, but also strings, decimals and integers beyond the
//! interner's inline range, compared with each other; bodies have up to
//! five atoms, and one program in five has a relation `big` of thousands
//! of rows (past the sizes where sets and indexes change their layout),
//! which rules read only by lookup from a bound first column, so that
//! joins stay small enough for the naive oracle.
#![allow(dead_code)]

#[cfg(feature = "cli")]
pub mod cases;
pub mod maintain;
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
/// in aggregates. Only `numeric` predicates' columns hold numbers alone,
/// and arithmetic and `sum` read only variables bound there, so that no
/// program fails on arithmetic over a string.
struct Pred {
    name: String,
    arity: usize,
    level: usize,
    numeric: bool,
}

/// Numbers beyond the small ones: integers past the interner's inline
/// range (2^30) on both sides, and decimals.
const WIDE_NUMBERS: [&str; 5] = ["3000000000", "-2000000000", "0.5", "2.0", "-1.25"];
/// Strings, as symbols and quoted.
const STRINGS: [&str; 4] = ["armenia", "\"two words\"", "\"Ünï\"", "b"];

/// A constant: mostly a small integer; else a wide number, or (unless
/// `numeric`) a string.
fn constant(rng: &mut Rng, numeric: bool) -> String {
    match rng.below(10) {
        0 => WIDE_NUMBERS[rng.below(WIDE_NUMBERS.len())].to_string(),
        1 if !numeric => STRINGS[rng.below(STRINGS.len())].to_string(),
        _ => rng.below(5).to_string(),
    }
}

const VARS: [&str; 4] = ["X", "Y", "Z", "W"];
/// Variables that only numeric columns bind: arithmetic reads these
/// alone. (Arithmetic runs after the atoms that do not need its result,
/// so an `=` that gives such a variable a string elsewhere is refused by
/// those atoms before any arithmetic: docs/language.md.)
const NUMBER_VARS: [&str; 2] = ["N", "M"];

pub fn program(seed: u64) -> String {
    let mut rng = Rng(seed | 1);
    let mut text = String::new();
    let mut preds = Vec::new();
    for (i, (arity, numeric)) in [(2, true), (1, false), (2, true)].into_iter().enumerate() {
        preds.push(Pred {
            name: format!("e{i}"),
            arity,
            level: 0,
            numeric,
        });
    }
    for i in 0..5 {
        preds.push(Pred {
            name: format!("p{i}"),
            arity: rng.below(4),
            level: i + 1,
            numeric: false,
        });
    }
    for p in preds.iter().filter(|p| p.level == 0) {
        for _ in 0..rng.below(8) + 1 {
            let args: Vec<String> = (0..p.arity)
                .map(|_| constant(&mut rng, p.numeric))
                .collect();
            let _ = writeln!(text, "{}({}).", p.name, args.join(", "));
        }
    }
    // Thousands of rows: a few dozen for each small key, whose values
    // spread over a wide range.
    let big = rng.chance(20);
    if big {
        for _ in 0..rng.below(2000) + 1000 {
            let _ = writeln!(text, "big({}, {}).", rng.below(60), rng.below(5000));
        }
    }
    for p in preds.iter().filter(|p| p.level > 0) {
        for _ in 0..rng.below(3) + 1 {
            text.push_str(&rule(&mut rng, p, &preds, big));
        }
    }
    text
}

fn rule(rng: &mut Rng, head: &Pred, preds: &[Pred], big: bool) -> String {
    let mut body = Vec::new();
    let mut bound: Vec<String> = Vec::new();
    // Variables bound in a numeric column: numbers whatever else binds
    // them.
    let mut numbers: Vec<String> = Vec::new();
    let vars: Vec<&str> = VARS.iter().chain(&NUMBER_VARS).copied().collect();
    let usable: Vec<&Pred> = preds.iter().filter(|p| p.level <= head.level).collect();
    let lower: Vec<&Pred> = preds.iter().filter(|p| p.level < head.level).collect();
    let atoms = if rng.chance(25) {
        rng.below(2) + 4
    } else {
        rng.below(3) + 1
    };
    for _ in 0..atoms {
        let p = usable[rng.below(usable.len())];
        let args: Vec<String> = (0..p.arity)
            .map(|_| match rng.below(10) {
                0 => "_".to_string(),
                1 => constant(rng, p.numeric),
                _ if p.numeric => vars[rng.below(vars.len())].to_string(),
                _ => VARS[rng.below(VARS.len())].to_string(),
            })
            .collect();
        for a in &args {
            if a.starts_with(char::is_uppercase) && !bound.contains(a) {
                bound.push(a.clone());
            }
            if NUMBER_VARS.contains(&a.as_str()) && !numbers.contains(a) {
                numbers.push(a.clone());
            }
        }
        body.push(atom(&p.name, &args));
    }
    if big && !bound.is_empty() && rng.chance(40) {
        let key = bound[rng.below(bound.len())].clone();
        let value = NUMBER_VARS[rng.below(NUMBER_VARS.len())];
        if !bound.iter().any(|b| b == value) {
            bound.push(value.to_string());
            numbers.push(value.to_string());
        }
        body.push(format!("big({key}, {value})"));
    }
    let pick = |rng: &mut Rng, bound: &[String]| -> String {
        if bound.is_empty() || rng.chance(30) {
            constant(rng, false)
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
        let (left, op, right) = (pick(rng, &bound), ops[rng.below(6)], pick(rng, &bound));
        body.push(format!("{left} {op} {right}"));
    }
    if rng.chance(30) && !numbers.is_empty() {
        let v = format!("A{}", body.len());
        let ops = ["+", "-", "*"];
        body.push(format!(
            "{v} = ({} {} {}) % 5",
            numbers[rng.below(numbers.len())],
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
            // `sum` adds numbers only.
            let functions = if p.numeric { 4 } else { 3 };
            let f = ["count", "min L", "max L", "sum L"][rng.below(functions)];
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
    for (p, name) in db.plan().predicates.keys().enumerate() {
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

/// A syntax tree's debug form with every span blanked: spans differ
/// between a text and its reprint or reformatting, the trees must not.
pub fn without_spans(module: &entente::ast::Module) -> String {
    let debug = format!("{module:?}");
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug.as_str();
    while let Some(at) = rest.find("Span {") {
        out.push_str(&rest[..at]);
        let end = rest[at..].find('}').map_or(rest.len(), |i| at + i + 1);
        out.push_str("Span");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}
