//! Loading: files and texts -> one flat [`Program`], includes resolved.
//!
//! In: paths or source texts. Out: the program's rules, queries and imports
//! in source order (an included file's statements stand where its
//! `include` stood), and every read or syntax problem. Include paths resolve
//! against the including file's folder; a file reached twice is loaded once,
//! and a file that includes itself, directly or not, is an `entente::io`
//! error at the include that closes the cycle.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::ast::{Import, Name, Query, Rule, Section, SourceDecl, Statement, When};
use crate::error::{LoadError, ParseError, Problem};
use crate::facts::Facts;
use crate::files::Files;
use crate::parse::statements;
use crate::source::{Sources, Span};
use crate::time::{Interval, StatementTimes};

/// A program as loaded: every statement of every file, includes resolved.
#[derive(Clone, Debug, Default)]
pub struct Program {
    /// The ground facts, as rows (not syntax trees).
    pub facts: Facts,
    /// Rules (and statements without premises that are not ground facts,
    /// which the checker refuses), in source order.
    pub rules: Vec<Rule>,
    /// Queries, in source order.
    pub queries: Vec<Query>,
    /// Imports, each with the file it names resolved to a path.
    pub imports: Vec<ResolvedImport>,
    /// Integrity constraints (`never body.`), in source order: each is a
    /// query whose every answer is a violation.
    pub constraints: Vec<Query>,
    /// The sources declared (`source NAME "citation".`), in source order.
    pub sources: Vec<SourceDecl>,
    /// The `from NAME.` lines, by their place in the global address space
    /// of the sources (ascending): a statement's source is that of the
    /// last line before it, when that line is in the statement's own
    /// text (see [`Program::source_of`]).
    pub sections: Vec<Section>,
    /// When each statement that says so holds (`since 2010`), by the
    /// statement's span: empty for a program that says nothing of time,
    /// which so pays nothing for it. An entry may outlive its statement
    /// (a retracted fact); spans are never reused, so ask by the
    /// statements the program has ([`Program::when`]).
    pub validity: HashMap<Span, When>,
    /// The files read, as canonical paths, includes too: loading one of
    /// them again adds nothing (as an include of a file already included
    /// adds nothing).
    pub files: Vec<PathBuf>,
}

impl StatementTimes for Program {
    fn interval_of(&self, statement: Span) -> Option<Interval> {
        self.when(statement).and_then(When::interval)
    }
}

impl Program {
    /// Appends another program's statements after this one's.
    pub fn extend(&mut self, other: Program) {
        self.facts.extend(other.facts);
        self.rules.extend(other.rules);
        self.queries.extend(other.queries);
        self.imports.extend(other.imports);
        self.constraints.extend(other.constraints);
        self.sources.extend(other.sources);
        for section in other.sections {
            self.add_section(section);
        }
        self.validity.extend(other.validity);
        self.files.extend(other.files);
    }

    /// Adds a statement of facts and rules: a ground fact to the facts,
    /// anything else to the rules.
    pub fn push(&mut self, rule: Rule) {
        if let Some(rule) = self.facts.take(rule) {
            self.rules.push(rule);
        }
    }

    /// The queries and the constraints: the bodies that are asked of the
    /// model rather than derive anything (the checker treats both alike).
    pub fn asked(&self) -> impl Iterator<Item = &Query> {
        self.queries.iter().chain(&self.constraints)
    }

    /// The name of the source a given fact's statement at `span` comes
    /// from: the last `from NAME.` line before it in its text (`sources`
    /// knows where each text starts).
    pub fn source_of(&self, span: Span, sources: &Sources) -> Option<&Name> {
        if self.sections.is_empty() {
            return None;
        }
        let at = self.sections.partition_point(|s| s.span.start <= span.start);
        let section = self.sections[..at].last()?;
        // Texts occupy disjoint ranges, a later text a higher one: the last
        // line before the statement is in its text or in an earlier one.
        let text = sources.file_at(span.start)?;
        (section.span.start >= text.base).then_some(&section.source)
    }

    /// The declaration of the source called `name`.
    pub fn source_named(&self, name: &str) -> Option<&SourceDecl> {
        self.sources.iter().find(|s| &*s.name.text == name)
    }

    fn add_section(&mut self, section: Section) {
        let at = (self.sections).partition_point(|s| s.span.start <= section.span.start);
        self.sections.insert(at, section);
    }

    /// When the statement at `span` holds, if it says.
    #[inline]
    pub fn when(&self, span: Span) -> Option<&When> {
        if self.validity.is_empty() {
            return None;
        }
        self.validity.get(&span)
    }
}

/// An import with its path resolved against the importing file's folder.
#[derive(Clone, Debug)]
pub struct ResolvedImport {
    /// The statement as written.
    pub import: Import,
    /// The file to read.
    pub path: PathBuf,
    /// Columns per row, once the file has been read.
    pub width: Option<usize>,
}

/// Builds one program from files and texts, collecting problems.
pub struct Loader<'s> {
    sources: &'s mut Sources,
    files: &'s dyn Files,
    program: Program,
    problems: Vec<Problem>,
    /// The files being loaded, outermost first: canonical path (to compare)
    /// and the path as shown.
    stack: Vec<(PathBuf, String)>,
    /// Canonical paths of every file loaded so far.
    seen: Vec<PathBuf>,
    /// How many of `seen` a program loaded before this loader.
    before: usize,
}

impl<'s> Loader<'s> {
    /// A loader that reads files from `files` and records texts in
    /// `sources`.
    pub fn new(sources: &'s mut Sources, files: &'s dyn Files) -> Loader<'s> {
        Loader {
            sources,
            files,
            program: Program::default(),
            problems: Vec::new(),
            stack: Vec::new(),
            seen: Vec::new(),
            before: 0,
        }
    }

    /// A loader that adds to a program made of `files` (canonical paths):
    /// none of them is read again.
    pub fn after(mut self, files: &[PathBuf]) -> Loader<'s> {
        self.seen = files.to_vec();
        self.before = files.len();
        self
    }

    /// Whether the file at `path` was read already, by this loader or the
    /// program it adds to (`false` when it cannot be found: loading it
    /// will say why).
    pub fn has_read(&self, path: &Path) -> bool {
        (self.files.canonical(path)).is_ok_and(|c| self.seen.contains(&c))
    }

    /// Loads a file named on the command line or by `:load`.
    pub fn file(&mut self, path: &Path) {
        self.file_from(path, None);
    }

    /// Loads a text typed or built in memory; its includes and imports
    /// resolve against `dir`.
    pub fn text(&mut self, name: &str, text: String, dir: &Path) {
        let span = self.sources.add(name, text);
        self.module(span, dir);
    }

    /// The program and every problem found (warnings are added later, by
    /// the checker).
    pub fn finish(mut self) -> (Program, Vec<Problem>) {
        self.program.files = self.seen.split_off(self.before);
        (self.program, self.problems)
    }

    fn file_from(&mut self, path: &Path, named_at: Option<Span>) {
        let io_error = |reason: std::io::Error| LoadError::Io {
            path: path.display().to_string(),
            reason: reason.to_string(),
            span: named_at,
        };
        let canonical = match self.files.canonical(path) {
            Ok(c) => c,
            Err(e) => return self.problem(io_error(e)),
        };
        if let Some(at) = self.stack.iter().position(|(p, _)| *p == canonical) {
            let mut cycle: Vec<&str> = self.stack[at..]
                .iter()
                .map(|(_, shown)| shown.as_str())
                .collect();
            let shown = path.display().to_string();
            cycle.push(&shown);
            return self.problem(LoadError::IncludeCycle {
                cycle: cycle.join(" -> "),
                span: named_at.unwrap_or_default(),
            });
        }
        if self.seen.contains(&canonical) {
            return;
        }
        let bytes = match self.files.read(path) {
            Ok(b) => b,
            Err(e) => return self.problem(io_error(e)),
        };
        let (text, bad_byte) = match String::from_utf8(bytes) {
            Ok(text) => (text, None),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
            }
        };
        let span = self.sources.add(path.display().to_string(), text);
        if let Some(at) = bad_byte {
            let at = span.start + at;
            self.problem(ParseError::InvalidUtf8 {
                span: Span::new(at, at + 1),
            });
        }
        self.seen.push(canonical.clone());
        self.stack.push((canonical, path.display().to_string()));
        self.module(span, path.parent().unwrap_or(Path::new("")));
        self.stack.pop();
    }

    /// Parses the text at `span` (a whole text added to `sources`) and adds
    /// its statements as they come, following includes.
    fn module(&mut self, span: Span, dir: &Path) {
        // Shared, not borrowed from `sources`: an include adds its file.
        let Some(file) = self.sources.shared_file_at(span.start) else {
            return;
        };
        for statement in statements(&file.text, file.base) {
            match statement {
                Ok(Statement::Rule(r, when)) => {
                    if let Some(when) = when {
                        self.program.validity.insert(r.span, *when);
                    }
                    self.program.push(r);
                }
                Ok(Statement::Query(q)) => self.program.queries.push(q),
                Ok(Statement::Import(import)) => {
                    let path = dir.join(&import.path);
                    self.program.imports.push(ResolvedImport {
                        import,
                        path,
                        width: None,
                    });
                }
                Ok(Statement::Include(include)) => {
                    self.file_from(&dir.join(&include.path), Some(include.span))
                }
                Ok(Statement::Constraint(c)) => self.program.constraints.push(c),
                Ok(Statement::Source(s)) => self.program.sources.push(s),
                Ok(Statement::Section(name)) => self.program.add_section(name),
                Err(errors) => errors.into_iter().for_each(|e| self.problem(e)),
            }
        }
    }

    fn problem(&mut self, e: impl miette::Diagnostic + Send + Sync + 'static) {
        self.problems.push(Problem::new(e, self.sources));
    }
}

impl ResolvedImport {
    /// The number of columns, when known before reading: the column list's
    /// length, or the width found when the file was read.
    pub fn arity(&self) -> Option<usize> {
        self.import.columns.as_ref().map(Vec::len).or(self.width)
    }
}
