//! Places in a document as the protocol counts them (lines and UTF-16
//! columns) and as the library does (bytes), and documents' URIs.

use std::path::{Path, PathBuf};

use lsp_types::{Position, Range, Uri};

/// Where each line of a text starts: many byte offsets of one text turned
/// into positions without reading the text from its start for each.
pub(super) struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    pub(super) fn new(text: &'t str) -> Lines<'t> {
        let breaks = text.match_indices('\n').map(|(i, _)| i + 1);
        let starts = std::iter::once(0).chain(breaks);
        Lines {
            text,
            starts: starts.collect(),
        }
    }

    /// The position of byte `offset` (see [`position`]).
    pub(super) fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let column: usize = self.text[start..offset].chars().map(char::len_utf16).sum();
        Position::new(line as u32, column as u32)
    }

    pub(super) fn range(&self, bytes: std::ops::Range<usize>) -> Range {
        Range {
            start: self.position(bytes.start),
            end: self.position(bytes.end),
        }
    }
}

/// The LSP range of bytes `bytes` of `text`.
pub(super) fn range(text: &str, bytes: std::ops::Range<usize>) -> Range {
    Range {
        start: position(text, bytes.start),
        end: position(text, bytes.end),
    }
}

/// The LSP position of byte `offset` of `text`: a line and a column in
/// UTF-16 code units, as the protocol counts by default.
pub(super) fn position(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let column: usize = before[start..].chars().map(char::len_utf16).sum();
    Position::new(line as u32, column as u32)
}

/// The byte offset of an LSP position in `text` (its column in UTF-16
/// code units); past the end of a line, the line's end.
pub(super) fn offset(text: &str, position: Position) -> usize {
    let mut start = 0;
    for _ in 0..position.line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line = &text[start..];
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    let mut units = 0;
    for (i, c) in line.char_indices() {
        if units >= position.character as usize {
            return start + i;
        }
        units += c.len_utf16();
    }
    start + line.len()
}

/// The path of a `file:` URI, its `%XX` escapes decoded.
pub(super) fn path_of(uri: &Uri) -> PathBuf {
    let text = uri.as_str();
    let path = text.strip_prefix("file://").unwrap_or(text);
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(high), Some(low)) => {
                decoded.push((high * 16 + low) as u8);
                i += 3;
            }
            (b, _, _) => {
                decoded.push(b);
                i += 1;
            }
        }
    }
    absolute(Path::new(&String::from_utf8_lossy(&decoded).into_owned()))
}

/// The `file:` URI of a path, with the characters a URI cannot hold
/// escaped.
pub(super) fn uri_of(path: &Path) -> Uri {
    let mut text = String::from("file://");
    for byte in path.display().to_string().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                text.push(byte as char)
            }
            _ => text.push_str(&format!("%{byte:02X}")),
        }
    }
    text.parse()
        .unwrap_or_else(|_| "file:///".parse().expect("a URI"))
}

/// `path` made absolute against the current directory, without reading
/// the disk.
pub(super) fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    }
}
