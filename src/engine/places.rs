//! Where things are: the predicate named at a place of a text, and the
//! places that define a predicate. What an editor's hover and go to
//! definition ask (the language server asks the library, never a parser
//! of its own).

use std::ops::Range;

use super::Engine;
use crate::ast::{Literal, Statement};
use crate::error::Location;
use crate::parse::parse_module;

/// The most given facts [`Engine::definitions`] lists of one predicate,
/// after its rules and imports.
const FACT_PLACES: usize = 100;

/// The predicate whose name is written at byte `offset` of `text` (in a
/// rule's head or body, an aggregate's body, a query or an import), with
/// the bytes of the name; `None` elsewhere, or when the statement there
/// does not parse.
pub fn predicate_at(text: &str, offset: usize) -> Option<(String, Range<usize>)> {
    let (module, _) = parse_module(text, 0);
    let mut names = Vec::new();
    for statement in &module.statements {
        let span = statement.span();
        if !(span.start..=span.end).contains(&offset) {
            continue;
        }
        match statement {
            Statement::Rule(rule, _) => {
                names.push(&rule.head.predicate);
                literal_names(&rule.body, &mut names);
            }
            Statement::Query(query) => literal_names(&query.body, &mut names),
            Statement::Import(import) => names.push(&import.predicate),
            Statement::Include(_) => {}
        }
    }
    names
        .into_iter()
        .find(|n| (n.span.start..=n.span.end).contains(&offset))
        .map(|n| (n.text.to_string(), n.span.start..n.span.end))
}

fn literal_names<'a>(body: &'a [Literal], names: &mut Vec<&'a crate::ast::Name>) {
    for literal in body {
        match literal {
            Literal::Positive(atom) | Literal::Negative(atom) => names.push(&atom.predicate),
            Literal::Aggregate(aggregate) => literal_names(&aggregate.body, names),
            Literal::Compare(_) => {}
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
}
