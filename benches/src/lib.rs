//! Benchmark workloads: deterministic, seeded generators of the programs
//! that BENCHMARKS.md measures. Each returns Entente source text; the same
//! facts drive the Ascent comparison.

/// A small deterministic generator (SplitMix64), so that every run of a
/// workload is the same program.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % n
    }
}

/// One benchmark program: its name, facts and rules.
pub struct Workload {
    /// Short name, as in BENCHMARKS.md.
    pub name: &'static str,
    /// Input facts: predicate and integer arguments.
    pub facts: Vec<(&'static str, Vec<u32>)>,
    /// The rules, in Entente syntax.
    pub rules: &'static str,
}

impl Workload {
    /// The whole program as Entente source text.
    pub fn source(&self) -> String {
        let mut text = String::with_capacity(self.facts.len() * 16 + self.rules.len());
        for (pred, args) in &self.facts {
            let args: Vec<String> = args.iter().map(u32::to_string).collect();
            text.push_str(&format!("{pred}({}).\n", args.join(", ")));
        }
        text.push_str(self.rules);
        text
    }

    /// The facts of one predicate, as pairs.
    pub fn pairs(&self, pred: &str) -> Vec<(u32, u32)> {
        self.facts
            .iter()
            .filter(|(p, _)| *p == pred)
            .map(|(_, a)| (a[0], a[1]))
            .collect()
    }
}

const TC: &str = "path(X, Y) if edge(X, Y).\npath(X, Z) if path(X, Y), edge(Y, Z).\n";

/// Transitive closure of a chain of `n` nodes: n(n-1)/2 paths.
pub fn tc_chain(n: u32) -> Workload {
    Workload {
        name: "tc_chain",
        facts: (0..n - 1).map(|i| ("edge", vec![i, i + 1])).collect(),
        rules: TC,
    }
}

/// Transitive closure of a random graph with `nodes` nodes and `edges`
/// distinct edges.
pub fn tc_random(nodes: u32, edges: usize, seed: u64) -> Workload {
    let mut rng = Rng::new(seed);
    let mut seen = std::collections::HashSet::new();
    let mut facts = Vec::with_capacity(edges);
    while facts.len() < edges {
        let (a, b) = (
            rng.below(nodes.into()) as u32,
            rng.below(nodes.into()) as u32,
        );
        if seen.insert((a, b)) {
            facts.push(("edge", vec![a, b]));
        }
    }
    Workload {
        name: "tc_random",
        facts,
        rules: TC,
    }
}

/// Ancestry on a random tree of `n` nodes (each node's parent is an
/// earlier node): the transitive closure of `parent`, about `n ln n`
/// facts, and a change at a leaf touches only that leaf's ancestors.
pub fn ancestors(n: u32, seed: u64) -> Workload {
    let mut rng = Rng::new(seed);
    let facts = (1..n)
        .map(|i| ("parent", vec![rng.below(i.into()) as u32, i]))
        .collect();
    Workload {
        name: "ancestors",
        facts,
        rules: "ancestor(X, Y) if parent(X, Y).
                ancestor(X, Z) if ancestor(X, Y), parent(Y, Z).
",
    }
}

/// Same generation on a random tree of `n` nodes (each node's parent is
/// an earlier node).
pub fn same_generation(n: u32, seed: u64) -> Workload {
    let mut rng = Rng::new(seed);
    let facts = (1..n)
        .map(|i| ("parent", vec![rng.below(i.into()) as u32, i]))
        .collect();
    Workload {
        name: "same_generation",
        facts,
        rules: "sg(X, Y) if parent(P, X), parent(P, Y), X != Y.\n\
                sg(X, Y) if parent(A, X), sg(A, B), parent(B, Y).\n",
    }
}

/// Andersen-style points-to analysis over `facts` random input facts on
/// `vars` variables (addressOf, assign, load, store in ratio 3:4:1.5:1.5).
pub fn andersen(facts: usize, vars: u32, seed: u64) -> Workload {
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(facts);
    for i in 0..facts {
        let pred = match i % 20 {
            0..=5 => "address_of",
            6..=13 => "assign",
            14..=16 => "load",
            _ => "store",
        };
        out.push((
            pred,
            vec![rng.below(vars.into()) as u32, rng.below(vars.into()) as u32],
        ));
    }
    Workload {
        name: "andersen",
        facts: out,
        rules: "points_to(Y, X) if address_of(Y, X).\n\
                points_to(Y, X) if assign(Y, Z), points_to(Z, X).\n\
                points_to(Y, W) if load(Y, X), points_to(X, Z), points_to(Z, W).\n\
                points_to(Z, W) if store(Y, X), points_to(Y, Z), points_to(X, W).\n",
    }
}

/// Reachability from node 0 and its complement by negation, on `n` nodes:
/// a chain through the first half plus as many random edges within it, so
/// that the first half is reachable (in rounds shortened by the shortcuts)
/// and the second half is not.
pub fn negation(n: u32, seed: u64) -> Workload {
    let mut rng = Rng::new(seed);
    let half = n / 2;
    let mut facts: Vec<(&'static str, Vec<u32>)> = (0..n).map(|i| ("node", vec![i])).collect();
    for i in 0..half {
        facts.push(("edge", vec![i, (i + 1) % half]));
        let (a, b) = (rng.below(half.into()), rng.below(half.into()));
        facts.push(("edge", vec![a as u32, b as u32]));
    }
    Workload {
        name: "negation",
        facts,
        rules: "reach(0).\n\
                reach(Y) if reach(X), edge(X, Y).\n\
                unreachable(X) if node(X), not reach(X).\n",
    }
}

/// Every workload at the size BENCHMARKS.md reports.
pub fn all() -> Vec<Workload> {
    NAMES.iter().filter_map(|name| by_name(name)).collect()
}

/// The names of [`all`] the workloads, in order.
pub const NAMES: [&str; 5] = [
    "tc_chain",
    "tc_random",
    "same_generation",
    "andersen",
    "negation",
];

/// A workload by name: one of [`NAMES`], or `tc_random_10k`, the closure
/// of a random graph of 10,000 nodes and 20,000 edges (about 64 million
/// paths; measured once in BENCHMARKS.md, not by criterion).
pub fn by_name(name: &str) -> Option<Workload> {
    Some(match name {
        "tc_chain" => tc_chain(1000),
        "tc_random" => tc_random(2000, 4000, 1),
        "tc_random_10k" => Workload {
            name: "tc_random_10k",
            ..tc_random(10_000, 20_000, 1)
        },
        "same_generation" => same_generation(5000, 2),
        "andersen" => andersen(10_000, 10_000, 3),
        "negation" => negation(10_000, 4),
        _ => return None,
    })
}

/// A change to a loaded workload, as source text.
#[derive(Clone, Debug)]
pub enum Edit {
    /// Statements to add.
    Add(String),
    /// Given facts or rules to retract.
    Retract(String),
}

impl Edit {
    /// The statements.
    pub fn text(&self) -> &str {
        match self {
            Edit::Add(t) | Edit::Retract(t) => t,
        }
    }

    /// The edit that undoes this one.
    pub fn inverse(&self) -> Edit {
        match self {
            Edit::Add(t) => Edit::Retract(t.clone()),
            Edit::Retract(t) => Edit::Add(t.clone()),
        }
    }

    /// Applies the edit to an engine whose model is current.
    pub fn apply(&self, engine: &mut entente::Engine) -> entente::Update {
        match self {
            Edit::Add(t) => engine.add_source("<edit>", t),
            Edit::Retract(t) => engine.retract_source("<retract>", t),
        }
        .expect("benchmark edits apply")
    }
}

/// One measured update (measured with its inverse, which restores the
/// model).
pub struct UpdateCase {
    /// What kind of change it is.
    pub name: &'static str,
    /// The change.
    pub edit: Edit,
}

/// The workloads and changes BENCHMARKS.md reports for incremental
/// maintenance: small and large effects, on closures of at least a
/// million facts, and one edge of a dense random graph (where one
/// retraction reaches, through the cycles, most of the closure).
pub fn update_cases() -> Vec<(Workload, Vec<UpdateCase>)> {
    let case = |name, edit| UpdateCase { name, edit };
    let tree = ancestors(100_000, 5);
    let last = tree.facts.last().expect("a tree has edges").1.clone();
    let tree_cases = vec![
        case(
            "add a leaf",
            Edit::Add(format!("parent({}, 100000).", last[1])),
        ),
        case(
            "retract a leaf",
            Edit::Retract(format!("parent({}, {}).", last[0], last[1])),
        ),
        case(
            "retract the root's first edge",
            Edit::Retract("parent(0, 1).".into()),
        ),
    ];
    let chain = tc_chain(1500);
    let chain_cases = vec![
        case(
            "add an edge at the end",
            Edit::Add("edge(1499, 1500).".into()),
        ),
        case(
            "retract the last edge",
            Edit::Retract("edge(1498, 1499).".into()),
        ),
        case(
            "retract the middle edge",
            Edit::Retract("edge(749, 750).".into()),
        ),
    ];
    let random = tc_random(2000, 4000, 1);
    let edge = random.facts[0].1.clone();
    let random_cases = vec![
        case("add an edge", Edit::Add("edge(1999, 0).".into())),
        case(
            "retract an edge",
            Edit::Retract(format!("edge({}, {}).", edge[0], edge[1])),
        ),
    ];
    vec![
        (tree, tree_cases),
        (chain, chain_cases),
        (random, random_cases),
    ]
}

/// The first and last years of the ATOP data.
pub const ATOP_YEARS: std::ops::RangeInclusive<i64> = 1815..=2018;

/// A file shaped like the ATOP 5.1 member-level file (`atopid, member,
/// yrent, yrexit, defense, nonagg`, `yrexit` 0 for a pact still in force),
/// of about its size: `pacts` pacts of 2 to 12 members over 1815–2018,
/// their members joining in the pact's first years and leaving at its end
/// or earlier. Seeded, so every run is the same file.
pub fn atop_like_csv(pacts: u64, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut csv = String::from("atopid,member,yrent,yrexit,defense,nonagg\n");
    for id in 1..=pacts {
        let start = 1815 + rng.below(204) as i64;
        // A third of the pacts are still in force; the others last up to
        // forty years.
        let end = if rng.below(3) == 0 {
            0
        } else {
            (start + rng.below(40) as i64).min(2018)
        };
        let (defense, nonagg) = (rng.below(2), rng.below(3) / 2);
        for _ in 0..2 + rng.below(11) {
            let member = 2 + rng.below(200) * 5;
            let joined = (start + rng.below(3) as i64).min(2018);
            let left = match end {
                0 if rng.below(4) == 0 => (joined + rng.below(30) as i64).min(2018),
                0 => 0,
                end => end.max(joined),
            };
            csv.push_str(&format!(
                "{id},{member},{joined},{left},{defense},{nonagg}\n"
            ));
        }
    }
    csv
}

/// The rules the time benchmarks run on an ATOP-shaped file named
/// `atop.csv`: pacts in force and partners by obligation, as
/// `rules/examples/atop.rules` has them (without the state names).
pub const ATOP_RULES: &str = "\
import atop(atopid, member, defense, nonagg) from \"atop.csv\" valid from yrent to yrexit open 0.
in_force(A) if atop(A, _, _, _).
pacts(N) if N = count : { in_force(A) }.
defence_partner(S, T) if atop(A, S, 1, _), atop(A, T, 1, _), S != T.
nonaggression_partner(S, T) if atop(A, S, _, 1), atop(A, T, _, 1), S != T.
";

/// The facts `e(0, 1). e(1, 2). ... e(n-1, n).`, one a line: the program
/// of a host's point questions (`benches/host.rs`, the `host_memory`
/// binary, the rule file of BENCHMARKS.md's section on hosts).
pub fn chain_facts(n: usize) -> String {
    let mut text = String::with_capacity(n * 20);
    for i in 0..n {
        text.push_str(&format!("e({i}, {}).\n", i + 1));
    }
    text
}

/// The three files `rules/examples/atop_dyads.rules` reads, generated in
/// the shape and about the size of the real ones (ATOP 5.1's member file
/// with its five obligations, the COW state list, the dyadic MID file):
/// `(file name, text)`.
pub fn dyad_year_files(seed: u64) -> Vec<(&'static str, String)> {
    let mut rng = Rng::new(seed);
    let mut atop =
        String::from("atopid,member,yrent,yrexit,defense,offense,neutral,nonagg,consul\n");
    for id in 1..=750u64 {
        let start = 1815 + rng.below(204) as i64;
        let end = if rng.below(3) == 0 {
            0
        } else {
            (start + rng.below(40) as i64).min(2018)
        };
        let obligations: Vec<u64> = (0..5).map(|_| rng.below(2)).collect();
        for _ in 0..2 + rng.below(5) {
            let member = 2 + rng.below(200) * 5;
            let o = &obligations;
            atop.push_str(&format!(
                "{id},{member},{start},{end},{},{},{},{},{}\n",
                o[0], o[1], o[2], o[3], o[4]
            ));
        }
    }
    // 200 states, entering the system over two centuries, a few leaving.
    let mut states = String::from("stateabb,ccode,statenme,styear,endyear\n");
    for s in 0..200u64 {
        let ccode = 2 + s * 5;
        let start = 1816 + (s as i64 * 190 / 200) - rng.below(10) as i64;
        let end = if rng.below(10) == 0 {
            start + 20 + rng.below(40) as i64
        } else {
            2016
        };
        states.push_str(&format!(
            "S{s},{ccode},State {s},{},{}\n",
            start.max(1816),
            end.min(2016)
        ));
    }
    let mut mid = String::from("disno,statea,stateb,year\n");
    for disno in 1..=5_000u64 {
        let (a, b) = (2 + rng.below(200) * 5, 2 + rng.below(200) * 5);
        let year = 1816 + rng.below(199) as i64;
        if a != b {
            mid.push_str(&format!("{disno},{a},{b},{year}\n{disno},{b},{a},{year}\n"));
        }
    }
    vec![
        ("atop5_1m.csv", atop),
        ("states2016.csv", states),
        ("dyadic_mid_4.03.csv", mid),
    ]
}
