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

use std::sync::{Arc, OnceLock};

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
pub(crate) struct SourceFile {
    /// The name shown in diagnostics (the path as the user gave it).
    pub name: String,
    /// The text.
    pub text: String,
    /// Global offset of the text's first byte.
    pub base: usize,
    /// Where each line after the first starts (local offsets), found the
    /// first time a place in the text is looked up: a proof that cites
    /// a fact on line 900,000 looks up its line without reading the
    /// lines before it.
    lines: OnceLock<Vec<u32>>,
}

impl SourceFile {
    fn new(name: String, text: String, base: usize) -> SourceFile {
        SourceFile {
            name,
            text,
            base,
            lines: OnceLock::new(),
        }
    }

    /// The 1-based line of a local offset, and where that line starts.
    fn line_of(&self, offset: usize) -> (usize, usize) {
        let Some(starts) = self.line_starts() else {
            let before = &self.text[..offset];
            let start = before.rfind('\n').map_or(0, |i| i + 1);
            return (before.matches('\n').count() + 1, start);
        };
        let line = starts.partition_point(|&s| s as usize <= offset);
        let start = line.checked_sub(1).map_or(0, |l| starts[l] as usize);
        (line + 1, start)
    }

    /// The start of each line after the first; none for a text past 4 GiB
    /// (whose lines are counted when asked).
    fn line_starts(&self) -> Option<&[u32]> {
        u32::try_from(self.text.len()).ok()?;
        let starts = self.lines.get_or_init(|| {
            let newlines = self.text.bytes().enumerate().filter(|&(_, b)| b == b'\n');
            newlines.map(|(i, _)| i as u32 + 1).collect()
        });
        Some(starts)
    }
}

/// Every text read so far. Cheap to clone: the list of texts is shared
/// (and copied only when a clone adds to it), so each diagnostic can keep
/// the sources it points into.
///
/// A question's text (a goal) is not kept: it is a *scratch* text
/// ([`Sources::with_scratch`]), seen only by the clone made for that
/// question and its diagnostics, so asking leaves nothing behind.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    files: Arc<Vec<Arc<SourceFile>>>,
    scratch: Option<Arc<SourceFile>>,
}

impl Sources {
    /// Adds a text and returns the span that covers all of it. One byte is
    /// left between files so that an end-of-file span still belongs to its
    /// own file.
    pub fn add(&mut self, name: impl Into<String>, text: String) -> Span {
        let base = self.end();
        let span = Span::new(base, base + text.len());
        Arc::make_mut(&mut self.files).push(Arc::new(SourceFile::new(name.into(), text, base)));
        span
    }

    /// A copy of these sources that also holds `text` under `name`, past
    /// every text added (the span returned covers it): the place of a
    /// question's text, which its diagnostics point into and nothing
    /// keeps. Costs no copy of the texts already read. Two bytes are left
    /// free before it, so that a goal can be parsed with the `? ` that
    /// makes it a statement in front of its first word.
    pub fn with_scratch(&self, name: impl Into<String>, text: String) -> (Sources, Span) {
        let base = self.end() + 2;
        let span = Span::new(base, base + text.len());
        let scratch = Arc::new(SourceFile::new(name.into(), text, base));
        let sources = Sources {
            files: self.files.clone(),
            scratch: Some(scratch),
        };
        (sources, span)
    }

    /// Forgets the texts added from global offset `end` on (an end that
    /// [`Sources::end`] gave): those of a change taken back, which nothing
    /// points into any more.
    pub(crate) fn truncate(&mut self, end: usize) {
        if self.end() > end {
            let files = Arc::make_mut(&mut self.files);
            files.retain(|f| f.base < end);
        }
    }

    /// The first global offset after every text added so far (a scratch
    /// text does not count: the next text added takes its place).
    pub fn end(&self) -> usize {
        self.files.last().map_or(0, |f| f.base + f.text.len() + 1)
    }

    /// The texts added, in order (not a scratch text).
    pub(crate) fn files(&self) -> impl Iterator<Item = &SourceFile> {
        self.files.iter().map(|f| &**f)
    }

    /// The file that holds a global offset, shared: its text stays
    /// readable while more texts are added.
    pub(crate) fn shared_file_at(&self, offset: usize) -> Option<Arc<SourceFile>> {
        self.holding(offset).cloned()
    }

    /// The file that holds a global offset.
    pub(crate) fn file_at(&self, offset: usize) -> Option<&SourceFile> {
        self.holding(offset).map(|f| &**f)
    }

    fn holding(&self, offset: usize) -> Option<&Arc<SourceFile>> {
        let index = self.files.partition_point(|f| f.base <= offset);
        let file = match index.checked_sub(1).and_then(|i| self.files.get(i)) {
            Some(file) if offset <= file.base + file.text.len() => file,
            _ => self.scratch.as_ref().filter(|s| s.base <= offset)?,
        };
        (offset <= file.base + file.text.len()).then_some(file)
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

    /// Where a span is in its text: the text's name, the line and column
    /// of its start, and its bytes in the text.
    pub fn locate(&self, span: Span) -> Option<Location> {
        let file = self.file_at(span.start)?;
        let before = file.text.get(..span.start - file.base)?;
        let (line, line_start) = file.line_of(before.len());
        let start = span.start - file.base;
        let end = span
            .end
            .saturating_sub(file.base)
            .clamp(start, file.text.len());
        Some(Location {
            file: file.name.clone(),
            line,
            column: before[line_start..].chars().count() + 1,
            range: start..end,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_lines_columns_and_ranges_of_their_own_text() {
        let mut sources = Sources::default();
        sources.add("a.rules", "p(1).\nq(2).\n".to_string());
        let b = sources.add("b.rules", "r(1).\n  é(s).\nlast".to_string());
        let at = |sources: &Sources, start: usize, len: usize| {
            let l = sources.locate(Span::new(start, start + len)).unwrap();
            (l.file, l.line, l.column, l.range)
        };
        assert_eq!(at(&sources, 6, 1), ("a.rules".into(), 2, 1, 6..7));
        assert_eq!(at(&sources, b.start, 1), ("b.rules".into(), 1, 1, 0..1));
        // Columns count characters: `é` is two bytes, one column.
        assert_eq!(
            at(&sources, b.start + 10, 1),
            ("b.rules".into(), 2, 4, 10..11)
        );
        assert_eq!(
            at(&sources, b.start + 15, 4),
            ("b.rules".into(), 3, 1, 15..19)
        );
        // A question's text is seen by its own copy only.
        let (scratch, goal) = sources.with_scratch("<goal>", "  g(X)".to_string());
        assert_eq!(
            at(&scratch, goal.start + 2, 1),
            ("<goal>".into(), 1, 3, 2..3)
        );
        assert!(sources
            .locate(Span::new(goal.start + 2, goal.start + 3))
            .is_none());
        assert_eq!(scratch.end(), sources.end());
    }
}

/// Where a problem is, counted in the text the caller gave (a file, a
/// source text, a goal): the name shown for it, the 1-based line and
/// column (in characters), and the byte range in that text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The text's name: the path as given, or the name of a source text
    /// (`<goal>` for a goal).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The bytes the problem's first label covers, in that text.
    pub range: std::ops::Range<usize>,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}
