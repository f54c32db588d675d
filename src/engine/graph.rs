//! Pictures from the engine: the network of chosen predicates' facts, and
//! an explanation as a tree (the drawing itself is `crate::graph`).

use super::{Arg, Engine, Explanation, Pattern, PredicateInfo};
use crate::ast::Query;
use crate::error::{Error, GraphError, Problem};
use crate::eval::{Answers, Config};
use crate::graph::{Graph, NetworkFact};
use crate::source::Span;
use crate::suggest::did_you_mean;

impl Engine {
    /// The network of the named predicates' facts, given and derived
    /// (SPEC §7; see [`Graph::network`]): at [`Config::at`] if set; else,
    /// for a program that says when facts hold, every fact that ever holds,
    /// its line labelled with when. The program must have been run. A
    /// name that no statement uses, or a predicate of fewer than two
    /// arguments, is an `entente::graph` error pointing at the name (the
    /// names are shown as the text `<graph>`).
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
        for &(name, arity) in &drawn {
            let args = (0..arity).map(|i| Arg::Var(format!("A{i}")));
            queries.push(self.pattern_query(&Pattern::new(name, args)?));
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
            .map(|(&(name, _), answers)| {
                let found = (0..answers.rows.len())
                    .map(|i| NetworkFact {
                        args: answers.rows[i].clone(),
                        validity: answers.validity(i).unwrap_or_default(),
                    })
                    .filter(|f| !f.validity.is_never())
                    .collect();
                (name.to_string(), found)
            })
            .collect();
        let names: Vec<&str> = drawn.iter().map(|&(name, _)| name).collect();
        let mut title = names.join(", ");
        if let Some(t) = self.time_of(None, config) {
            title.push_str(&format!(" at {t}"));
        }
        Ok(Graph::network(&title, &facts))
    }
}

impl Engine {
    /// Each predicate of `predicates` to draw once, with its arity, in
    /// the order named; an error for each that the program lacks or that
    /// has fewer than two arguments.
    fn drawn<'p>(&self, predicates: &[&'p str]) -> Result<Vec<(&'p str, usize)>, Error> {
        let (sources, span) = self.sources.with_scratch("<graph>", predicates.join(" "));
        let known = self.predicates();
        let mut problems = Vec::new();
        let mut drawn: Vec<(&str, usize)> = Vec::new();
        let mut offset = span.start;
        for &name in predicates {
            let at = Span::new(offset, offset + name.len());
            offset += name.len() + 1;
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
                Some(p) if !drawn.iter().any(|&(n, _)| n == name) => drawn.push((name, p.arity)),
                Some(_) => {}
            }
        }
        match problems.is_empty() {
            true => Ok(drawn),
            false => Err(Error::new(problems)),
        }
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
