//! `entente repl FILE...`: an interactive, incremental session (SPEC §8).
//!
//! The files are loaded and evaluated, then entries are read: on a
//! terminal through the line editor ([`editor`]: history, completion, a
//! continuation prompt, Ctrl-C), otherwise from stdin as a script, without
//! prompts. What an entry does is [`session`]'s business. An entry is
//! complete when it is a command (a line starting with `:`) or when its
//! last character outside strings and comments is the `.` that ends a
//! statement. A script's exit code is 1 when any entry failed; an
//! interactive session ends with 0.

mod editor;
mod session;

use entente::{CancelToken, Config};
use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use session::{Flow, Session};

/// Runs a session over `files`.
pub fn run(files: &[PathBuf], config: Config) -> ExitCode {
    let interactive = io::stdin().is_terminal();
    // Cancelled by Ctrl-C while an evaluation runs; the evaluation stops.
    let cancel = CancelToken::new();
    let config = Config {
        cancel: interactive.then(|| cancel.clone()),
        ..config
    };
    let mut session = Session::new(config);
    // Files with errors are reported; the session starts without them.
    let _ = session.load(files);
    let read = if interactive {
        editor::run(&mut session, cancel)
    } else {
        script(&mut session)
    };
    if let Err(e) = read {
        let _ = writeln!(io::stderr(), "entente: {e}");
        return ExitCode::from(1);
    }
    // A person who ends a session leaves it well, whatever errors were
    // shown on the way; a script's failures show in its exit code.
    if session.failed && !interactive {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Reads entries from stdin, answers on stdout.
fn script(session: &mut Session) -> io::Result<()> {
    let mut out = io::stdout().lock();
    let mut entry = String::new();
    for line in io::stdin().lock().lines() {
        let line = match line {
            Ok(line) => line,
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                let _ = writeln!(io::stderr(), "entente::repl: a line is not UTF-8; skipped");
                session.failed = true;
                continue;
            }
            Err(e) => return Err(e),
        };
        if let Some(text) = add_line(&mut entry, &line) {
            let flow = session.entry(&text, &mut out)?;
            out.flush()?;
            if flow == Flow::Quit {
                return Ok(());
            }
        }
    }
    if !entry.trim().is_empty() {
        // An unfinished statement at the end: its diagnostic says so.
        session.entry(&entry, &mut out)?;
    }
    out.flush()
}

/// Where a scan of typed text is: how deep in parentheses, and whether
/// inside a string (what completion and `:whatif` need to know of a
/// character, outside a parser).
#[derive(Default)]
struct Nesting {
    depth: i32,
    quoted: bool,
    escaped: bool,
}

impl Nesting {
    /// Takes in the next character.
    fn step(&mut self, c: char) {
        match c {
            '"' if !self.escaped => self.quoted = !self.quoted,
            '(' if !self.quoted => self.depth += 1,
            ')' if !self.quoted => self.depth -= 1,
            _ => {}
        }
        self.escaped = self.quoted && c == '\\' && !self.escaped;
    }
}

/// Adds a line to the entry being read; returns the entry when it is
/// complete (and empties it).
fn add_line(entry: &mut String, line: &str) -> Option<String> {
    if entry.trim().is_empty() && line.trim_start().starts_with(':') {
        entry.clear();
        return Some(line.to_string());
    }
    entry.push_str(line);
    entry.push('\n');
    complete(entry).then(|| std::mem::take(entry))
}

/// Does the text end a statement: is its last character outside strings
/// and comments a `.`? (Blank text is complete too: there is nothing to
/// wait for.)
fn complete(text: &str) -> bool {
    let mut last = None;
    for line in text.lines() {
        let (mut quoted, mut escaped) = (false, false);
        for c in line.chars() {
            match c {
                '#' if !quoted => break,
                '"' if !escaped => quoted = !quoted,
                _ => {}
            }
            escaped = quoted && c == '\\' && !escaped;
            if !c.is_whitespace() {
                last = Some(c);
            }
        }
    }
    last.is_none_or(|c| c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_end_at_a_period_outside_strings_and_comments() {
        assert!(complete("p(a)."));
        assert!(complete("p(a). # done"));
        assert!(!complete("p(a) if"));
        assert!(!complete("p(\"a.\""));
        assert!(!complete("p(a) # ends."));
        assert!(complete("p(a) if\n  q(a)."));
        let mut entry = String::new();
        assert_eq!(add_line(&mut entry, "p(X) if"), None);
        assert_eq!(
            add_line(&mut entry, "  q(X)."),
            Some("p(X) if\n  q(X).\n".into())
        );
        assert_eq!(add_line(&mut entry, ":facts p"), Some(":facts p".into()));
    }
}
