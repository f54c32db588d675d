//! Sources as written (SPEC §14): every `from NAME.` line and import's
//! `source NAME` names a declared source, a name is declared once (or
//! again exactly as before: a file loaded twice adds nothing), and a
//! source's coverage does not end before it starts.

use crate::ast::Name;
use crate::error::{CheckError, Note};
use crate::load::Program;
use crate::suggest::did_you_mean;

/// Every problem with the program's sources, in source order.
pub fn check(program: &Program) -> Vec<CheckError> {
    let mut errors = Vec::new();
    for (i, source) in program.sources.iter().enumerate() {
        let first = program.sources[..i]
            .iter()
            .find(|s| s.name.text == source.name.text);
        if let Some(first) = first {
            let same = first.citation == source.citation
                && first.covers.map(|c| (c.from, c.to)) == source.covers.map(|c| (c.from, c.to));
            if !same {
                errors.push(CheckError::SourceTwice {
                    name: source.name.text.to_string(),
                    span: source.name.span,
                    first: vec![Note {
                        message: "first declared here".to_string(),
                        span: first.name.span,
                    }],
                });
            }
        }
        if let Some(covers) = source.covers.filter(|c| c.interval().is_none()) {
            errors.push(CheckError::InvertedInterval {
                from: covers.from,
                to: covers.to,
                span: covers.span,
            });
        }
    }
    let named = (program.sections.iter().map(|s| &s.source))
        .chain(program.imports.iter().filter_map(|i| i.import.source.as_ref()));
    for name in named {
        if program.source_named(&name.text).is_none() {
            errors.push(unknown(name, program));
        }
    }
    errors
}

fn unknown(name: &Name, program: &Program) -> CheckError {
    let known = program.sources.iter().map(|s| &*s.name.text);
    let help = did_you_mean(&name.text, known).unwrap_or_else(|| {
        format!(
            "declare it before its facts: `source {} \"how to cite it\".`",
            name.text
        )
    });
    CheckError::UnknownSource {
        name: name.text.to_string(),
        span: name.span,
        help,
    }
}
