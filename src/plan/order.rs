//! Join order: which literal of a body runs next (see the module docs of
//! [`crate::plan`]). A function of the body, what is bound and the sizes
//! it is given, so it can be tested alone.

use std::collections::{HashMap, HashSet};

use crate::ast::{Literal, Term};
use crate::binding::{binds, ready, waits};

/// The order in which to join a body's literals (see the module docs),
/// leaving out `skip` (a literal already placed); ties between atoms go to
/// the one with fewer facts (`size` of its position: 0 when unknown), then
/// to source order.
/// Atoms of a part of the body that shares no variable with `needed` nor
/// with the rest go first: that part is a test run once (see
/// [`super::exists::existence_tests`]), not a loop around the rest.
pub(super) fn join_order(
    body: &[Literal],
    bound: &HashSet<String>,
    skip: Option<usize>,
    size: &dyn Fn(usize) -> u32,
    needed: &HashSet<String>,
) -> Vec<usize> {
    let free = free_components(body, bound, needed);
    let mut placing = Placing {
        body,
        bound: bound.clone(),
        placed: vec![false; body.len()],
        order: Vec::with_capacity(body.len()),
    };
    if let Some(i) = skip {
        placing.placed[i] = true;
    }
    // Tests and assignments run as soon as they can, but arithmetic waits
    // for the atoms that do not need its result (crate::binding); once
    // no atom is left, nothing waits.
    loop {
        placing.place_ready(|p, i| {
            !is_positive(&p.body[i]) && !waits(p.body, i, &p.placed, &p.bound)
        });
        let best = (0..body.len())
            .filter(|&i| !placing.placed[i] && is_positive(&body[i]))
            .max_by_key(|&i| {
                let (known, unknown) = argument_counts(&body[i], &placing.bound);
                (
                    free[i],
                    known,
                    std::cmp::Reverse(unknown),
                    std::cmp::Reverse(size(i)),
                    std::cmp::Reverse(i),
                )
            });
        match best {
            Some(i) => placing.place(i),
            None => break,
        }
    }
    // Only negated atoms that can never run are left to wait for (a
    // checked program has none); the rest run now.
    placing.place_ready(|_, _| true);
    // A checked program places everything; keep any rest in source order
    // so that nothing is silently dropped.
    let mut order = placing.order;
    for (i, done) in placing.placed.iter().enumerate() {
        if !done && Some(i) != skip {
            order.push(i);
        }
    }
    order
}

/// A join order being built: what is placed, in order, and bound.
struct Placing<'b> {
    body: &'b [Literal],
    bound: HashSet<String>,
    placed: Vec<bool>,
    order: Vec<usize>,
}

impl Placing<'_> {
    fn place(&mut self, i: usize) {
        self.placed[i] = true;
        self.order.push(i);
        binds(&self.body[i], &mut self.bound);
    }

    /// Places every literal that is ready and that `wanted` takes, in
    /// source order, until none is left (one placed can make another
    /// ready).
    fn place_ready(&mut self, wanted: fn(&Self, usize) -> bool) {
        let mut progress = true;
        while progress {
            progress = false;
            for i in 0..self.body.len() {
                if !self.placed[i]
                    && ready(&self.body[i], self.body, &self.bound)
                    && wanted(self, i)
                {
                    self.place(i);
                    progress = true;
                }
            }
        }
    }
}

/// For each literal, whether it belongs to a *free* part of the body: the
/// literals connected to it through variables not bound beforehand mention
/// none of the `needed` variables.
fn free_components(
    body: &[Literal],
    bound: &HashSet<String>,
    needed: &HashSet<String>,
) -> Vec<bool> {
    let vars: Vec<HashSet<&str>> = body
        .iter()
        .map(|l| {
            let mut vs = HashSet::new();
            l.for_each_var(&mut |v| {
                if !bound.contains(&v.name) {
                    vs.insert(v.name.as_str());
                }
            });
            vs
        })
        .collect();
    // Union-find over literals, joined by shared variables.
    let mut parent: Vec<usize> = (0..body.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut owner: HashMap<&str, usize> = HashMap::new();
    for (i, vs) in vars.iter().enumerate() {
        for &v in vs {
            match owner.get(v) {
                Some(&j) => {
                    let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                    parent[a] = b;
                }
                None => {
                    owner.insert(v, i);
                }
            }
        }
    }
    let mut tied = vec![false; body.len()];
    for (i, vs) in vars.iter().enumerate() {
        if vs.iter().any(|v| needed.contains(*v)) {
            let r = root(&mut parent, i);
            tied[r] = true;
        }
    }
    (0..body.len())
        .map(|i| !tied[root(&mut parent, i)])
        .collect()
}

fn is_positive(l: &Literal) -> bool {
    matches!(l, Literal::Positive(_))
}

/// (bound or constant arguments, distinct unbound variables) of an atom.
fn argument_counts(l: &Literal, bound: &HashSet<String>) -> (usize, usize) {
    let Literal::Positive(atom) = l else {
        return (0, 0);
    };
    let mut known = 0;
    let mut unknown = HashSet::new();
    for t in &atom.args {
        match t {
            Term::Const(..) => known += 1,
            Term::Var(v) if bound.contains(&v.name) => known += 1,
            Term::Var(v) => {
                unknown.insert(v.name.as_str());
            }
            Term::Wildcard(_) => {}
        }
    }
    (known, unknown.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::{head_variables, Statement};
    use crate::parse::parse_module;

    /// The join order of the body of `rule` (one rule in source text),
    /// nothing bound before it, its head's variables needed, `sizes`
    /// the facts each literal reads (by position; 0 for the rest).
    fn order(rule: &str, sizes: &[u32]) -> Vec<usize> {
        let (module, errors) = parse_module(rule, 0);
        assert!(errors.is_empty(), "{errors:?}");
        let Some(Statement::Rule(rule, _)) = module.statements.first() else {
            panic!("one rule");
        };
        let needed = head_variables(rule).into_iter().map(String::from).collect();
        let size = |i: usize| sizes.get(i).copied().unwrap_or(0);
        join_order(&rule.body, &HashSet::new(), None, &size, &needed)
    }

    #[test]
    fn a_join_starts_from_the_atom_with_the_most_constants() {
        assert_eq!(order("q(X) if a(X, Y), b(Y, c).", &[]), [1, 0]);
    }

    #[test]
    fn between_equals_the_fewer_unbound_variables_then_source_order_win() {
        assert_eq!(order("q(X, Y) if a(X, Y), b(X).", &[]), [1, 0]);
        assert_eq!(order("q(X, Y) if a(X), b(X, Y).", &[]), [0, 1]);
    }

    #[test]
    fn a_join_stays_connected() {
        // After `a`, `b` shares a bound variable with it and `c` none.
        assert_eq!(order("q(X) if a(X, Y), c(Z, W), b(Y, Z).", &[]), [0, 2, 1]);
    }

    #[test]
    fn ties_go_to_the_smaller_relation() {
        assert_eq!(order("q(X, Y) if a(X), b(Y).", &[100, 10]), [1, 0]);
        assert_eq!(order("q(X, Y) if a(X), b(Y).", &[10, 100]), [0, 1]);
    }

    #[test]
    fn tests_run_as_soon_as_their_variables_are_bound() {
        assert_eq!(order("q(X, Y) if a(X), X > 1, b(X, Y), not c(Y).", &[]), [0, 1, 2, 3]);
    }

    #[test]
    fn arithmetic_waits_for_the_atoms_that_do_not_need_its_result() {
        assert_eq!(order("q(X, Z) if a(X), Z = X + 1, b(X).", &[]), [0, 2, 1]);
        // An atom that reads the result comes after it.
        assert_eq!(order("q(X, Z) if a(X), Z = X + 1, b(Z).", &[]), [0, 1, 2]);
    }

    #[test]
    fn a_part_that_shares_nothing_with_the_head_goes_first() {
        assert_eq!(order("q(X) if a(X), e(Y).", &[]), [1, 0]);
    }
}
