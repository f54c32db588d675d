//! One benchmark workload through Ascent (Datalog compiled into Rust), as
//! a whole process, the way `entente run` is measured: read the facts of a
//! workload's `.rules` file, evaluate, write every derived fact as text.
//! `ascent_run WORKLOAD FILE [--par]`; `--par` is Ascent's parallel build
//! (`ascent_par!`, rayon, `RAYON_NUM_THREADS` threads, default all cores).
//! Built and run by the `compare` binary.

use std::collections::HashMap;
use std::io::{self, BufWriter, Write};

use ascent::{ascent, ascent_par};

/// Each program twice: as Ascent's sequential and its parallel build.
macro_rules! both {
    ($seq:ident, $par:ident, { $($program:tt)* }) => {
        ascent! {
            struct $seq;
            $($program)*
        }
        ascent_par! {
            struct $par;
            $($program)*
        }
    };
}

both!(Tc, TcPar, {
    relation edge(u32, u32);
    relation path(u32, u32);
    path(x, y) <-- edge(x, y);
    path(x, z) <-- path(x, y), edge(y, z);
});

both!(Sg, SgPar, {
    relation parent(u32, u32);
    relation sg(u32, u32);
    sg(x, y) <-- parent(p, x), parent(p, y), if x != y;
    sg(x, y) <-- parent(a, x), sg(a, b), parent(b, y);
});

both!(Andersen, AndersenPar, {
    relation address_of(u32, u32);
    relation assign(u32, u32);
    relation load(u32, u32);
    relation store(u32, u32);
    relation points_to(u32, u32);
    points_to(y, x) <-- address_of(y, x);
    points_to(y, x) <-- assign(y, z), points_to(z, x);
    points_to(y, w) <-- load(y, x), points_to(x, z), points_to(z, w);
    points_to(z, w) <-- store(y, x), points_to(y, z), points_to(x, w);
});

both!(Negation, NegationPar, {
    relation node(u32);
    relation edge(u32, u32);
    relation reach(u32);
    relation unreachable(u32);
    reach(0);
    reach(y) <-- reach(x), edge(x, y);
    unreachable(x) <-- node(x), !reach(x);
});

/// The integer facts of a `.rules` file (`name(1, 2).` lines), by name.
fn read_facts(path: &str) -> io::Result<HashMap<String, Vec<Vec<u32>>>> {
    let text = std::fs::read_to_string(path)?;
    let mut facts: HashMap<String, Vec<Vec<u32>>> = HashMap::new();
    for line in text.lines() {
        let Some((name, rest)) = line.split_once('(') else {
            continue;
        };
        let Some(args) = rest.strip_suffix(").") else {
            continue;
        };
        let values: Option<Vec<u32>> = args.split(", ").map(|a| a.parse().ok()).collect();
        if let Some(values) = values {
            facts.entry(name.to_string()).or_default().push(values);
        }
    }
    Ok(facts)
}

fn pairs<C: FromIterator<(u32, u32)>>(facts: &HashMap<String, Vec<Vec<u32>>>, name: &str) -> C {
    facts
        .get(name)
        .into_iter()
        .flatten()
        .map(|a| (a[0], a[1]))
        .collect()
}

fn singles<C: FromIterator<(u32,)>>(facts: &HashMap<String, Vec<Vec<u32>>>, name: &str) -> C {
    facts
        .get(name)
        .into_iter()
        .flatten()
        .map(|a| (a[0],))
        .collect()
}

/// Writes `name(a, b).` lines.
fn write_pairs<'a>(
    out: &mut impl Write,
    name: &str,
    rows: impl Iterator<Item = &'a (u32, u32)>,
) -> io::Result<u64> {
    let mut n = 0;
    for (a, b) in rows {
        writeln!(out, "{name}({a}, {b}).")?;
        n += 1;
    }
    Ok(n)
}

fn write_singles<'a>(
    out: &mut impl Write,
    name: &str,
    rows: impl Iterator<Item = &'a (u32,)>,
) -> io::Result<u64> {
    let mut n = 0;
    for (a,) in rows {
        writeln!(out, "{name}({a}).")?;
        n += 1;
    }
    Ok(n)
}

/// Runs a workload with Ascent, sequential or parallel, writing every
/// derived fact; returns how many.
macro_rules! run {
    ($ty:ident, $facts:expr, $out:expr, inputs: [$($pairs:ident),*], singles: [$($single:ident),*], outputs: [$($o:ident),*], unary_outputs: [$($u:ident),*]) => {{
        let mut p = $ty::default();
        $(p.$pairs = pairs($facts, stringify!($pairs));)*
        $(p.$single = singles($facts, stringify!($single));)*
        p.run();
        let mut n = 0;
        $(n += write_pairs($out, stringify!($o), p.$o.iter())?;)*
        $(n += write_singles($out, stringify!($u), p.$u.iter())?;)*
        n
    }};
}

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(workload), Some(file)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: ascent_run WORKLOAD FILE [--par]");
        std::process::exit(2);
    };
    let par = args.iter().any(|a| a == "--par");
    let facts = read_facts(file)?;
    let f = &facts;
    let mut out = BufWriter::new(io::stdout().lock());
    let o = &mut out;
    let derived = match (workload.as_str(), par) {
        ("tc_chain" | "tc_random" | "tc_random_10k", false) => {
            run!(Tc, f, o, inputs: [edge], singles: [], outputs: [path], unary_outputs: [])
        }
        ("tc_chain" | "tc_random" | "tc_random_10k", true) => {
            run!(TcPar, f, o, inputs: [edge], singles: [], outputs: [path], unary_outputs: [])
        }
        ("same_generation", false) => {
            run!(Sg, f, o, inputs: [parent], singles: [], outputs: [sg], unary_outputs: [])
        }
        ("same_generation", true) => {
            run!(SgPar, f, o, inputs: [parent], singles: [], outputs: [sg], unary_outputs: [])
        }
        ("andersen", false) => {
            run!(Andersen, f, o, inputs: [address_of, assign, load, store], singles: [], outputs: [points_to], unary_outputs: [])
        }
        ("andersen", true) => {
            run!(AndersenPar, f, o, inputs: [address_of, assign, load, store], singles: [], outputs: [points_to], unary_outputs: [])
        }
        ("negation", false) => {
            run!(Negation, f, o, inputs: [edge], singles: [node], outputs: [], unary_outputs: [reach, unreachable])
        }
        ("negation", true) => {
            run!(NegationPar, f, o, inputs: [edge], singles: [node], outputs: [], unary_outputs: [reach, unreachable])
        }
        (other, _) => {
            eprintln!("ascent_run: no Ascent program for `{other}`");
            std::process::exit(2);
        }
    };
    out.flush()?;
    eprintln!("{derived}");
    Ok(())
}
