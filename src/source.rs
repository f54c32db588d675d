//! The source map: every text Entente has read, in one address space.
//!
//! Each file (or REPL entry) is given a base offset, and its bytes occupy
//! `base..base + len` of one global range, the way rustc's `SourceMap` works.
//! A [`Span`] is therefore just a global byte range: it names its file
//! without carrying a file id, stays two words wide in the AST, and a single
//! [`Sources`] value can serve as miette's `SourceCode` for a diagnostic whose
//! labels lie in several files.
//!
//! Invariant: files are only ever appended, so a span stays valid for the
//! life of the `Sources` that produced it.

use std::fmt;
use std::sync::Arc;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// A byte range in the global address space of a [`Sources`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// First byte (global offset).
    pub start: usize,
    /// One past the last byte (global offset).
    pub end: usize,
}

impl Span {
    /// The span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span that covers both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl From<Span> for SourceSpan {
    fn from(span: Span) -> SourceSpan {
        SourceSpan::new(span.start.into(), span.end.saturating_sub(span.start))
    }
}

/// One text that was read: a file, or an entry typed at the REPL.
#[derive(Debug)]
pub struct SourceFile {
    /// The name shown in diagnostics (the path as the user gave it).
    pub name: String,
    /// The text.
    pub text: String,
    /// Global offset of the text's first byte.
    pub base: usize,
}

/// A `file:line:col` position, 1-based, for messages that name a place in
/// text rather than label it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file's name as shown in diagnostics.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Every text read so far. Cheap to clone: the texts are shared.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    files: Vec<Arc<SourceFile>>,
}

impl Sources {
    /// Adds a text and returns the span that covers all of it. One byte is
    /// left between files so that an end-of-file span still belongs to its
    /// own file.
    pub fn add(&mut self, name: impl Into<String>, text: String) -> Span {
        let base = self.end();
        let span = Span::new(base, base + text.len());
        self.files.push(Arc::new(SourceFile {
            name: name.into(),
            text,
            base,
        }));
        span
    }

    /// The first global offset after every text added so far.
    pub fn end(&self) -> usize {
        self.files.last().map_or(0, |f| f.base + f.text.len() + 1)
    }

    /// The file that holds a global offset, shared: its text stays
    /// readable while more texts are added.
    pub fn shared_file_at(&self, offset: usize) -> Option<Arc<SourceFile>> {
        let index = self.files.partition_point(|f| f.base <= offset);
        let file = self.files.get(index.checked_sub(1)?)?;
        (offset <= file.base + file.text.len()).then(|| file.clone())
    }

    /// The file that holds a global offset.
    pub fn file_at(&self, offset: usize) -> Option<&SourceFile> {
        let index = self.files.partition_point(|f| f.base <= offset);
        let file = self.files.get(index.checked_sub(1)?)?;
        (offset <= file.base + file.text.len()).then_some(&**file)
    }

    /// The text a span covers ("" for a span that is not in one file).
    pub fn text(&self, span: Span) -> &str {
        self.file_at(span.start)
            .and_then(|f| {
                f.text
                    .get(span.start - f.base..span.end.checked_sub(f.base)?)
            })
            .unwrap_or("")
    }

    /// The `file:line:col` of a span's start.
    pub fn locate(&self, span: Span) -> Option<Location> {
        let file = self.file_at(span.start)?;
        let before = file.text.get(..span.start - file.base)?;
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Some(Location {
            file: file.name.clone(),
            line,
            column: before[line_start..].chars().count() + 1,
        })
    }
}

impl SourceCode for Sources {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let file = self
            .file_at(span.offset())
            .ok_or(MietteError::OutOfBounds)?;
        let local = SourceSpan::new((span.offset() - file.base).into(), span.len());
        // A span that runs past its file's end would straddle two files.
        if local.offset() + local.len() > file.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let contents =
            file.text
                .as_str()
                .read_span(&local, context_lines_before, context_lines_after)?;
        let global = SourceSpan::new(
            (contents.span().offset() + file.base).into(),
            contents.span().len(),
        );
        Ok(Box::new(MietteSpanContents::new_named(
            file.name.clone(),
            contents.data(),
            global,
            contents.line(),
            contents.column(),
            contents.line_count(),
        )))
    }
}
