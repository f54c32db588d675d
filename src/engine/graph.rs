//! Pictures from the engine: the network of chosen predicates' facts, and
//! an explanation as a tree (the drawing itself is `crate::graph`).

use super::{Arg, Engine, Explanation, Pattern, PredicateInfo};
use crate::ast::{Atom, Literal, Query, Term};
use crate::error::{Error, GraphError, ParseError, Problem};
use crate::eval::{Answers, Config};
use crate::graph::{Graph, NetworkFact};
use crate::source::Span;
use crate::suggest::did_you_mean;
use crate::value::Value;

impl Engine {
    /// The network of the named predicates' facts, given and derived
    /// (SPEC §7; see [`Graph::network`]): at [`Config::at`] if set; else,
    /// for a program that says when facts hold, every fact that ever holds,
    /// its line labelled with when. The program must have been run. A
    /// name that no statement uses, or a predicate of fewer than two
    /// arguments, is an `entente::graph` error pointing at the name (the
    /// names are shown as the text `<graph>`). In place of a name, a goal
    /// of one atom (`supports(turkey, X)`) draws only the facts it picks.
    ///
    /// ```
    /// use entente::Engine;
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("kb.rules", "treaty(armenia, russia). treaty(russia, armenia).")?;
    /// engine.run()?;
    /// let graph = engine.graph(&["treaty"])?;
    /// assert_eq!(graph.nodes.len(), 2);
    /// assert!(!graph.edges[0].directed);
    /// assert!(graph.to_svg().contains("treaty(armenia, russia)"));
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn graph(&self, predicates: &[&str]) -> Result<Graph, Error> {
        self.graph_with(predicates, &self.settings)
    }

    /// [`Engine::graph`] with the budgets and time point of `config`.
    pub fn graph_with(&self, predicates: &[&str], config: &Config) -> Result<Graph, Error> {
        let drawn = self.drawn(predicates)?;
        let mut queries = Vec::with_capacity(drawn.len());
        for d in &drawn {
            queries.push(self.pattern_query(&Pattern::new(&d.predicate, d.pattern())?));
        }
        // Over every time, the predicates share one sweep.
        let answers: Vec<Answers> = if self.is_temporal() && self.time_of(None, config).is_none() {
            let queries: Vec<&Query> = queries.iter().map(|(q, _)| q).collect();
            self.answers_over_time(&queries, config)?
        } else {
            (queries.iter())
                .map(|(q, sources)| self.answer(q, sources, config))
                .collect::<Result<_, _>>()?
        };
        let facts: Vec<(String, Vec<NetworkFact>)> = (drawn.iter().zip(answers))
            .map(|(d, answers)| {
                let found = (0..answers.rows.len())
                    .map(|i| NetworkFact {
                        args: d.fact(&answers, i),
                        validity: answers.validity(i).unwrap_or_default(),
                    })
                    .filter(|f| !f.validity.is_never())
                    .collect();
                (d.series.clone(), found)
            })
            .collect();
        let names: Vec<&str> = drawn.iter().map(|d| d.series.as_str()).collect();
        let mut title = names.join(", ");
        if let Some(t) = self.time_of(None, config) {
            title.push_str(&format!(" at {t}"));
        }
        Ok(Graph::network(&title, &facts))
    }
}

/// A predicate to draw: every fact of it, or those a goal of one atom
/// picks (`defence_partner("Armenia", X)`: one state's partners).
struct Drawn {
    predicate: String,
    /// Its name in the legend: the predicate, or the goal as written.
    series: String,
    /// Per argument, the constant the goal fixes there, if any.
    fixed: Vec<Option<Value>>,
    /// Per argument, the first argument that must hold the same value (a
    /// variable the goal repeats), itself for the rest.
    same: Vec<usize>,
}

impl Drawn {
    /// Every fact of `predicate`.
    fn all(predicate: &str, arity: usize) -> Drawn {
        Drawn {
            predicate: predicate.to_string(),
            series: predicate.to_string(),
            fixed: vec![None; arity],
            same: (0..arity).collect(),
        }
    }

    /// The facts a goal's atom picks.
    fn picked(atom: &Atom) -> Drawn {
        let mut first: Vec<(&str, usize)> = Vec::new();
        let mut drawn = Drawn::all(&atom.predicate.text, atom.args.len());
        for (i, term) in atom.args.iter().enumerate() {
            match term {
                Term::Const(value, _) => drawn.fixed[i] = Some(value.clone()),
                Term::Var(v) => match first.iter().find(|(name, _)| *name == v.name) {
                    Some(&(_, at)) => drawn.same[i] = at,
                    None => first.push((&v.name, i)),
                },
                Term::Wildcard(_) => {}
            }
        }
        drawn
    }

    /// The pattern whose answers are the facts: a variable `A<i>` for
    /// each argument not fixed (shared where the goal repeats one).
    fn pattern(&self) -> Vec<Arg> {
        (0..self.fixed.len())
            .map(|i| match &self.fixed[i] {
                Some(value) => Arg::Value(value.clone()),
                None => Arg::Var(format!("A{}", self.same[i])),
            })
            .collect()
    }

    /// The fact of answer `row`.
    fn fact(&self, answers: &Answers, row: usize) -> Vec<Value> {
        (0..self.fixed.len())
            .map(|i| match &self.fixed[i] {
                Some(value) => value.clone(),
                None => {
                    let name = format!("A{}", self.same[i]);
                    let at = answers.variables.iter().position(|v| *v == name);
                    at.map(|at| answers.rows[row][at].clone())
                        .unwrap_or(Value::Int(0))
                }
            })
            .collect()
    }
}

impl Engine {
    /// Each predicate of `predicates` to draw, in the order named (a name
    /// named twice once), or a goal of one atom, whose facts only are
    /// drawn; an error for each predicate the program lacks or that has
    /// fewer than two arguments.
    fn drawn(&self, predicates: &[&str]) -> Result<Vec<Drawn>, Error> {
        let (sources, span) = self.sources.with_scratch("<graph>", predicates.join(" "));
        let known = self.predicates();
        let mut problems = Vec::new();
        let mut drawn: Vec<Drawn> = Vec::new();
        let mut offset = span.start;
        for &item in predicates {
            let at = Span::new(offset, offset + item.len());
            offset += item.len() + 1;
            let picked = match item.contains('(') {
                true => Some(Drawn {
                    series: item.to_string(),
                    ..self.picked(item)?
                }),
                false => None,
            };
            let name = picked.as_ref().map_or(item, |d| d.predicate.as_str());
            match known.iter().find(|p| p.name == name) {
                None => problems.push(Problem::new(
                    GraphError::UnknownPredicate {
                        name: name.to_string(),
                        span: at,
                        help: did_you_mean(name, known.iter().map(|p| p.name.as_str()))
                            .unwrap_or_else(|| listed(&known)),
                    },
                    &sources,
                )),
                Some(p) if p.arity < 2 => problems.push(Problem::new(
                    GraphError::Arity {
                        name: name.to_string(),
                        arity: p.arity,
                        span: at,
                    },
                    &sources,
                )),
                Some(_) if picked.is_some() => drawn.extend(picked),
                Some(p) if !drawn.iter().any(|d| d.predicate == name) => {
                    drawn.push(Drawn::all(name, p.arity))
                }
                Some(_) => {}
            }
        }
        match problems.is_empty() {
            true => Ok(drawn),
            false => Err(Error::new(problems)),
        }
    }

    /// A goal of one positive atom to draw the facts of (its arity
    /// checked against the program's).
    fn picked(&self, goal: &str) -> Result<Drawn, Error> {
        let (query, sources) = self.parse_goal("<graph>", goal)?;
        let [Literal::Positive(atom)] = query.body.as_slice() else {
            return Err(Error::single(
                ParseError::Syntax {
                    expected: "one atom, such as `supports(turkey, X)`, or a predicate's name"
                        .into(),
                    span: query.span,
                },
                &sources,
            ));
        };
        self.check_goal(&query, &sources)?;
        Ok(Drawn::picked(atom))
    }
}

/// The program's predicates that a graph can draw, for a help line: the
/// first dozen, with their arities.
fn listed(known: &[PredicateInfo]) -> String {
    const SHOWN: usize = 12;
    let drawable: Vec<String> = (known.iter())
        .filter(|p| p.arity >= 2)
        .map(|p| format!("{}/{}", p.name, p.arity))
        .collect();
    if drawable.is_empty() {
        return "the program has no predicate of two or more arguments".to_string();
    }
    let more = drawable.len().saturating_sub(SHOWN);
    let mut list = drawable[..drawable.len().min(SHOWN)].join(", ");
    if more > 0 {
        list.push_str(&format!(" and {more} more"));
    }
    format!("predicates that can be drawn: {list}")
}

impl Explanation {
    /// The explanation as a picture: a proof as a tree of facts, a why-not
    /// as the rules that could have concluded the fact and what stopped
    /// each ([`Graph::proof`], [`Graph::why_not`]).
    pub fn to_graph(&self) -> Graph {
        match self {
            Explanation::Holds(proof) => Graph::proof(proof),
            Explanation::DoesNotHold(why_not) => Graph::why_not(why_not),
        }
    }
}
