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
use rustyline::{Context, Editor};

use super::add_line;
use super::session::{Flow, Session, COMMANDS};

const PROMPT: &str = "entente> ";
const CONTINUE: &str = "     ... ";

/// Reads and runs entries until `:quit` or Ctrl-D.
pub fn run(session: &mut Session, cancel: CancelToken) -> io::Result<()> {
    // Ctrl-C outside the line editor (during an evaluation) cancels the
    // token that the evaluation checks; inside it, the editor reports it.
    let handler = cancel.clone();
    let _ = ctrlc::set_handler(move || handler.cancel());
    let config = rustyline::Config::builder().auto_add_history(false).build();
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
    let mut entry = String::new();
    loop {
        if let Some(names) = editor.helper_mut() {
            names.refresh(session.engine());
        }
        let prompt = if entry.is_empty() { PROMPT } else { CONTINUE };
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

/// What tab completes: commands, and the model's predicates and symbols.
#[derive(Default)]
struct Names {
    words: Vec<String>,
    files: FilenameCompleter,
}

impl Names {
    /// Takes the names of the engine's program and model.
    fn refresh(&mut self, engine: &Engine) {
        self.words = engine.predicates().into_iter().map(|p| p.name).collect();
        self.words.extend(engine.symbols());
        self.words.sort_unstable();
        self.words.dedup();
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
        let start = line[..pos]
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .map_or(0, |i| i + 1);
        let word = &line[start..pos];
        let pair = |s: &str| Pair {
            display: s.to_string(),
            replacement: s.to_string(),
        };
        let found: Vec<Pair> = if word.starts_with(':') {
            COMMANDS
                .iter()
                .map(|(c, _, _)| *c)
                .filter(|c| c.starts_with(word))
                .map(pair)
                .collect()
        } else if word.is_empty() {
            Vec::new()
        } else {
            self.words
                .iter()
                .filter(|w| w.starts_with(word))
                .map(|w| pair(w))
                .collect()
        };
        Ok((start, found))
    }
}

impl Hinter for Names {
    type Hint = String;
}

impl Highlighter for Names {}

impl Validator for Names {}

impl rustyline::Helper for Names {}
