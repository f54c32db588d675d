//! Where things are: the predicate or variable named at a place of a
//! text, the places that define a predicate and those that name it. What
//! an editor's hover, go to definition, references and rename ask (the
//! language server asks the library, never a parser of its own).

use std::ops::Range;

use super::Engine;
use crate::ast::{Literal, Statement, Term};
use crate::error::Location;
use crate::parse::{parse_module, token_at, tokens_of, TokenKind};
use crate::source::Span;

/// The most given facts [`Engine::definitions`] lists of one predicate,
/// after its rules and imports.
const FACT_PLACES: usize = 100;

/// The predicate whose name is written at byte `offset` of `text` (in a
/// rule's head or body, an aggregate's body, a query or an import), with
/// the bytes of the name; `None` elsewhere, or when the statement there
/// does not parse.
pub fn predicate_at(text: &str, offset: usize) -> Option<(String, Range<usize>)> {
    let token = token_at(text, offset).filter(|t| t.kind == TokenKind::Predicate)?;
    Some((text[token.range.clone()].to_string(), token.range))
}

/// A named variable at a place of a text: its name, every place it is
/// written in its statement, what binds it there, and whether that
/// statement is a query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VariableAt {
    /// The variable's name.
    pub name: String,
    /// The bytes of each of its occurrences in the statement, in order.
    pub uses: Vec<Range<usize>>,
    /// What gives it a value, as written in canonical form: the positive
    /// literals that mention it and the aggregates that compute it.
    pub bound_by: Vec<String>,
    /// True when the statement is a query (its answers bind it).
    pub in_query: bool,
    /// The statement's bytes.
    pub statement: Range<usize>,
}

/// The named variable written at byte `offset` of `text` (not `_`), its
/// scope being its statement; `None` elsewhere.
pub fn variable_at(text: &str, offset: usize) -> Option<VariableAt> {
    let token = token_at(text, offset).filter(|t| t.kind == TokenKind::Variable)?;
    let name = &text[token.range.clone()];
    if name == "_" {
        return None;
    }
    let statement = token.statement.clone();
    let source = &text[statement.clone()];
    let (module, _) = parse_module(source, statement.start);
    let (body, in_query) = match module.statements.first()? {
        Statement::Rule(rule, _) => (&rule.body, false),
        Statement::Query(query) => (&query.body, true),
        _ => return None,
    };
    let mut bound_by = Vec::new();
    binders(body, name, &mut bound_by);
    let mut uses = Vec::new();
    for t in tokens_of(source) {
        if t.kind == TokenKind::Variable && &source[t.range.clone()] == name {
            uses.push(statement.start + t.range.start..statement.start + t.range.end);
        }
    }
    Some(VariableAt {
        name: name.to_string(),
        uses,
        bound_by,
        in_query,
        statement,
    })
}

/// The literals of `body` (and of its aggregates' bodies) that bind
/// `name`: positive atoms with it among their arguments, and aggregates
/// whose result it is.
fn binders(body: &[Literal], name: &str, out: &mut Vec<String>) {
    for literal in body {
        match literal {
            Literal::Positive(atom) => {
                let mentions = atom
                    .args
                    .iter()
                    .any(|a| matches!(a, Term::Var(v) if v.name == name));
                if mentions {
                    out.push(atom.to_string());
                }
            }
            Literal::Aggregate(aggregate) => {
                if aggregate.result.name == name {
                    out.push(literal.to_string());
                } else {
                    binders(&aggregate.body, name, out);
                }
            }
            Literal::Negative(_) | Literal::Compare(_) => {}
        }
    }
}

impl Engine {
    /// The places that define `predicate`: the head of each of its rules,
    /// each import of it, then its given facts (the first hundred), each
    /// at the predicate's name.
    pub fn definitions(&self, predicate: &str) -> Vec<Location> {
        let mut places = Vec::new();
        for rule in self
            .program
            .rules
            .iter()
            .filter(|r| &*r.head.predicate.text == predicate)
        {
            places.extend(self.sources.locate(rule.head.predicate.span));
        }
        for import in self
            .program
            .imports
            .iter()
            .filter(|i| &*i.import.predicate.text == predicate)
        {
            places.extend(self.sources.locate(import.import.predicate.span));
        }
        let facts = &self.program.facts;
        if let Some(table) = facts.tables().iter().find(|t| &*t.name == predicate) {
            for at in 0..table.len().min(FACT_PLACES) {
                places.extend(self.sources.locate(table.name_span(at)));
            }
        }
        places
    }

    /// Every place a loaded text names `predicate` (its rules' heads and
    /// bodies, queries, imports and facts), text by text in load order.
    pub fn references(&self, predicate: &str) -> Vec<Location> {
        let mut places = Vec::new();
        for file in self.sources.files() {
            let text = &file.text;
            for token in tokens_of(text) {
                if token.kind == TokenKind::Predicate && &text[token.range.clone()] == predicate {
                    let span =
                        Span::new(file.base + token.range.start, file.base + token.range.end);
                    places.extend(self.sources.locate(span));
                }
            }
        }
        places
    }

    /// Where each query of the loaded files is written, in the order
    /// [`Engine::answer_program_queries`] answers them.
    pub fn query_places(&self) -> Vec<Location> {
        let queries = self.program.queries.iter();
        queries
            .filter_map(|q| self.sources.locate(q.span))
            .collect()
    }
}
