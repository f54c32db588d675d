//! The interactive side of the REPL: rustyline reads lines with history
//! (kept in the user's data directory), tab completion of commands,
//! predicates and constants (file names after `:load` and `:save`), and a
//! continuation prompt while a statement is unfinished. Ctrl-C clears the
//! line, or stops a running evaluation (the session stays); Ctrl-D leaves.

use std::io::{self, Write};
use std::path::PathBuf;

use entente::{CancelToken, Engine};
use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::FileHistory;
use rustyline::validate::Validator;
use rustyline::{CompletionType, Context, Editor};

use super::session::{Flow, Session, COMMANDS};
use super::{add_line, Nesting};

const PROMPT: &str = "entente> ";
const CONTINUE: &str = "     ... ";

/// Reads and runs entries until `:quit` or Ctrl-D.
pub fn run(session: &mut Session, cancel: CancelToken) -> io::Result<()> {
    // Ctrl-C outside the line editor (during an evaluation) cancels the
    // token that the evaluation checks; inside it, the editor reports it.
    let handler = cancel.clone();
    let _ = ctrlc::set_handler(move || handler.cancel());
    // Tab completes what all choices share; a second Tab lists them.
    let config = rustyline::Config::builder()
        .auto_add_history(false)
        .completion_type(CompletionType::List)
        .build();
    let mut editor: Editor<Names, FileHistory> =
        Editor::with_config(config).map_err(io::Error::other)?;
    editor.set_helper(Some(Names::default()));
    let history = history_file();
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    println!(
        "Entente {}: statements end with `.`; `? goal.` asks; `:help` lists commands; Ctrl-D leaves.",
        env!("CARGO_PKG_VERSION")
    );
    // The time point asked about, in the prompt itself, so that it is
    // never out of sight.
    let (prompt, continuation) = match session.at() {
        Some(t) => {
            println!("Asking about {t} (--at): facts that do not hold then are kept but not seen; `? goal at T.` asks about another time.");
            let prompt = format!("entente@{t}> ");
            let continuation = format!("{:>width$} ", "...", width = prompt.len() - 1);
            (prompt, continuation)
        }
        None => (PROMPT.to_string(), CONTINUE.to_string()),
    };
    let mut entry = String::new();
    loop {
        if let Some(names) = editor.helper_mut() {
            names.refresh(session.engine());
        }
        let prompt = if entry.is_empty() {
            &prompt
        } else {
            &continuation
        };
        let line = match editor.readline(prompt) {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => {
                entry.clear();
                continue;
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(io::Error::other(e)),
        };
        let Some(text) = add_line(&mut entry, &line) else {
            continue;
        };
        let _ = editor.add_history_entry(text.trim_end());
        let mut out = io::stdout().lock();
        let flow = session.entry(&text, &mut out)?;
        out.flush()?;
        if flow == Flow::Quit {
            break;
        }
    }
    if let Some(path) = &history {
        let _ = editor.save_history(path);
    }
    Ok(())
}

/// `ENTENTE_HISTORY`, else `$XDG_DATA_HOME/entente/history`, else
/// `~/.local/share/entente/history`; `None` when there is no home.
fn history_file() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("ENTENTE_HISTORY") {
        return Some(PathBuf::from(path));
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    let dir = data.join("entente");
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir.join("history"))
}

/// What tab completes: commands after `:`, predicates where a predicate
/// goes, the model's constants in argument positions (inside an atom's
/// parentheses), and file names after `:load` and `:save`.
#[derive(Default)]
struct Names {
    predicates: Vec<String>,
    constants: Vec<String>,
    /// Strings that are not symbols, completed inside quotes.
    strings: Vec<String>,
    files: FilenameCompleter,
}

impl Names {
    /// Takes the names of the engine's program and model.
    fn refresh(&mut self, engine: &Engine) {
        self.predicates = engine.predicates().into_iter().map(|p| p.name).collect();
        self.predicates.sort_unstable();
        self.predicates.dedup();
        self.constants = engine.symbols();
        self.strings = engine.quoted_strings();
    }

    /// Where the word before `pos` starts, and the names that complete it
    /// (a string's rest with its closing quote, inside quotes).
    fn candidates(&self, line: &str, pos: usize) -> (usize, Vec<String>) {
        let start = line[..pos]
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .map_or(0, |i| i + 1);
        let word = &line[start..pos];
        if let Some(quote) = open_quote(&line[..pos]) {
            // Inside quotes, the whole string typed so far is the prefix.
            let typed = &line[quote + 1..pos];
            let found = (self.strings.iter())
                .filter(|s| s.starts_with(typed) && !typed.contains('\\'))
                .map(|s| format!("{s}\""))
                .collect();
            return (quote + 1, found);
        }
        let names: Vec<&str> = if word.starts_with(':') {
            COMMANDS.iter().map(|(c, _, _)| *c).collect()
        } else if word.is_empty() || word.starts_with(|c: char| c.is_uppercase()) {
            // Nothing typed, or a variable: nothing to guess.
            Vec::new()
        } else {
            match place(&line[..start]) {
                Place::Argument => self.constants.iter().map(String::as_str).collect(),
                Place::Predicate => self.predicates.iter().map(String::as_str).collect(),
                Place::String => Vec::new(),
            }
        };
        let found = (names.into_iter())
            .filter(|n| n.starts_with(word))
            .map(String::from)
            .collect();
        (start, found)
    }
}

/// Where the string that `text` ends inside starts (its opening quote),
/// if it ends inside one in an atom's arguments.
fn open_quote(text: &str) -> Option<usize> {
    let mut nesting = Nesting::default();
    let mut opened = None;
    for (at, c) in text.char_indices() {
        let was = nesting.quoted;
        nesting.step(c);
        if nesting.quoted && !was {
            opened = Some(at);
        }
    }
    (nesting.quoted && nesting.depth > 0)
        .then_some(opened)
        .flatten()
}

/// Where a word typed after some text goes.
enum Place {
    /// Where a predicate goes: outside any parentheses.
    Predicate,
    /// An argument: inside an atom's parentheses.
    Argument,
    /// Inside a quoted string, where nothing is guessed.
    String,
}

/// Where a word typed after `text` goes.
fn place(text: &str) -> Place {
    let mut nesting = Nesting::default();
    text.chars().for_each(|c| nesting.step(c));
    match (nesting.quoted, nesting.depth > 0) {
        (true, _) => Place::String,
        (false, true) => Place::Argument,
        (false, false) => Place::Predicate,
    }
}

impl Completer for Names {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        if line.starts_with(":load ") || line.starts_with(":save ") {
            return self.files.complete(line, pos, ctx);
        }
        let (start, found) = self.candidates(line, pos);
        let pairs = (found.into_iter())
            .map(|s| Pair {
                display: s.clone(),
                replacement: s,
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Hinter for Names {
    type Hint = String;
}

impl Highlighter for Names {}

impl Validator for Names {}

impl rustyline::Helper for Names {}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        Names {
            predicates: vec!["arms_supply".into(), "supports".into(), "treaty".into()],
            constants: vec!["armenia".into(), "azerbaijan".into(), "turkey".into()],
            strings: vec!["Armenia".into(), "Nagorno-Karabakh".into()],
            files: FilenameCompleter::new(),
        }
    }

    fn complete(line: &str) -> Vec<String> {
        names().candidates(line, line.len()).1
    }

    #[test]
    fn constants_complete_in_arguments_and_predicates_where_a_predicate_goes() {
        assert_eq!(complete("? supports(tur"), ["turkey"]);
        assert_eq!(complete("? would_intervene(russia, arm"), ["armenia"]);
        assert_eq!(
            complete(":why supports(turkey, a"),
            ["armenia", "azerbaijan"]
        );
        assert_eq!(complete("? sup"), ["supports"]);
        assert_eq!(
            complete("ally(X, Y) if supports(X, Y) and ar"),
            ["arms_supply"]
        );
        assert_eq!(complete(":facts tr"), ["treaty"]);
        assert_eq!(complete(":wh"), [":why", ":whynot", ":whatif"]);
    }

    #[test]
    fn variables_and_nothing_complete_to_nothing() {
        assert!(complete("? supports(T").is_empty());
        assert!(complete("? supports(turkey, ").is_empty());
        // Not a predicate inside quotes, nor outside an atom.
        assert!(complete("? supports(\"su").is_empty());
        assert!(complete("\"Arm").is_empty());
    }

    #[test]
    fn strings_complete_inside_quotes_with_their_closing_quote() {
        assert_eq!(complete("? p(\"Arm"), ["Armenia\""]);
        assert_eq!(
            complete("? conflict(a, b, \"Nagorno-K"),
            ["Nagorno-Karabakh\""]
        );
        assert_eq!(names().candidates("? p(\"Arm", 8).0, 5);
    }
}
