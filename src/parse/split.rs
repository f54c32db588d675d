//! A text cut into statements at each `.` that ends one (not in a string
//! or comment, not the point of a decimal).

use super::MAX_NESTING;

/// Where one statement lies in the text, and where it nests too deeply.
pub(super) struct Chunk {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) too_deep: Option<usize>,
}

/// Cuts the text after each statement-ending `.`, one statement at a
/// time (a file of a million facts is not held as a list of pieces). A
/// trailing piece that holds more than blanks and comments is a chunk of
/// its own (pest will report the missing `.`). Strings end at a newline,
/// so an unclosed quote spoils one line, not the rest of the file.
pub(super) fn split_statements(text: &str) -> Chunks<'_> {
    Chunks {
        bytes: text.as_bytes(),
        at: 0,
    }
}

/// The iterator [`split_statements`] returns.
pub(super) struct Chunks<'t> {
    pub(super) bytes: &'t [u8],
    /// Where the next statement starts.
    pub(super) at: usize,
}

impl Iterator for Chunks<'_> {
    type Item = Chunk;

    fn next(&mut self) -> Option<Chunk> {
        let bytes = self.bytes;
        let start = self.at;
        let (mut depth, mut too_deep, mut meaningful) = (0usize, None, false);
        let mut i = start;
        while i < bytes.len() {
            // Most bytes are none of those below: one table look each.
            if !SPLIT_BYTES[usize::from(bytes[i])] {
                meaningful |= !bytes[i].is_ascii_whitespace();
                i += 1;
                continue;
            }
            match bytes[i] {
                b'#' => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'"' => {
                    meaningful = true;
                    i += 1;
                    while i < bytes.len() && !matches!(bytes[i], b'"' | b'\n') {
                        i += if bytes[i] == b'\\' { 2 } else { 1 };
                    }
                }
                b'(' | b'{' => {
                    meaningful = true;
                    depth += 1;
                    if depth > MAX_NESTING && too_deep.is_none() {
                        too_deep = Some(i);
                    }
                }
                b')' | b'}' => {
                    meaningful = true;
                    depth = depth.saturating_sub(1);
                }
                b'.' if !is_decimal_point(bytes, i) => {
                    self.at = i + 1;
                    return Some(Chunk {
                        start,
                        end: i + 1,
                        too_deep,
                    });
                }
                b if !b.is_ascii_whitespace() => meaningful = true,
                _ => {}
            }
            i += 1;
        }
        self.at = bytes.len();
        meaningful.then_some(Chunk {
            start,
            end: bytes.len(),
            too_deep,
        })
    }
}

/// The bytes [`split_statements`] looks at.
pub(super) const SPLIT_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = matches!(i as u8, b'#' | b'"' | b'(' | b'{' | b')' | b'}' | b'.');
        i += 1;
    }
    table
};

pub(super) fn is_decimal_point(bytes: &[u8], i: usize) -> bool {
    i > 0 && bytes[i - 1].is_ascii_digit() && bytes.get(i + 1).is_some_and(|b| b.is_ascii_digit())
}
