//! One REPL session: the engine, and what each entry does to it (SPEC §8).
//!
//! An entry is either a command (`:why FACT`) or statements. Statements
//! extend the program through the engine's incremental maintenance and the
//! session says what changed; a query is answered at once, as `entente
//! query` prints it. Every entry's text is recorded under its own name,
//! `<repl:N>`, so diagnostics point into it. An entry that fails leaves
//! the session as it was (the engine's changes are all or nothing).

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use entente::{statements_of, Change, ChangeSet, Config, Engine, Error, ErrorKind, Fact, Update};

use super::super::graph::{warn_if_unreadable, Face, Picture};
use super::super::report;
use super::Nesting;
use entente::output::{self as format, Format};

/// Whether to go on reading entries.
#[derive(Debug, PartialEq, Eq)]
pub enum Flow {
    /// Read the next entry.
    Continue,
    /// `:quit`.
    Quit,
}

/// The commands, with their arguments and what they do, as `:help` lists
/// them.
pub const COMMANDS: [(&str, &str, &str); 13] = [
    (":help", "", "lists commands"),
    (":load", "FILE", "loads a file; on any error nothing of it is kept"),
    (":why", "FACT", "derivation tree, as explain"),
    (":whynot", "FACT", "why a fact does not hold"),
    (":facts", "[PRED]", "facts, canonical form"),
    (":rules", "[PRED]", "rules as written"),
    (
        ":retract",
        "FACT",
        "removes a given fact (the final . is optional); conclusions that depended on it go",
    ),
    (
        ":whatif",
        "CHANGES",
        "what would appear and disappear if the changes were made (+fact adds, -fact retracts); the session is unchanged",
    ),
    (
        ":save",
        "FILE",
        "writes the session's program in canonical form; loading it gives the same model",
    ),
    (
        ":graph",
        "PRED... FILE",
        "draws the predicates' facts (or a goal's, pred(a, X)) as a network into FILE (SVG; DOT for .dot, JSON for .json); at T before FILE: at time T",
    ),
    (
        ":stats",
        "",
        "facts per predicate, strata, time of the last evaluation",
    ),
    (":reset", "", "empties the program"),
    (":quit", "", "leaves (also Ctrl-D)"),
];

/// The state of a session.
pub struct Session {
    engine: Engine,
    config: Config,
    /// Entries read so far (for their names).
    entries: usize,
    /// How long the last evaluation or update took.
    last: Option<Duration>,
    /// True when evaluating the program as it stands failed (a budget,
    /// an arithmetic error): a change is then made to the program without
    /// evaluating it first (that is how a runaway rule is taken out), and
    /// the next question evaluates again.
    stuck: bool,
    /// True once any entry failed.
    pub failed: bool,
}

impl Session {
    /// An empty session.
    pub fn new(config: Config) -> Session {
        Session {
            engine: Engine::with_config(config.clone()),
            config,
            entries: 0,
            last: None,
            stuck: false,
            failed: false,
        }
    }

    /// The engine, for completion.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The time point the session asks about (`--at`), if any.
    pub fn at(&self) -> Option<i64> {
        self.config.at
    }

    /// Loads files and evaluates (errors are shown, and nothing of the
    /// files is kept); the update when both went well.
    pub fn load(&mut self, files: &[PathBuf]) -> Option<Update> {
        let loaded = self.engine.load_files(files);
        let update = self.report(loaded)?;
        report::warnings(&update.warnings);
        self.evaluate().then_some(update)
    }

    /// Handles one complete entry, writing its answer to `out`.
    pub fn entry(&mut self, text: &str, out: &mut impl Write) -> io::Result<Flow> {
        self.entries += 1;
        let name = format!("<repl:{}>", self.entries);
        let text = text.trim();
        if text.is_empty() {
            return Ok(Flow::Continue);
        }
        if let Some(command) = text.strip_prefix(':') {
            let (word, argument) = command
                .split_once(char::is_whitespace)
                .map_or((command, ""), |(w, a)| (w, a.trim()));
            return self.command(word, argument, &name, out);
        }
        self.statements(text, &name, out)?;
        Ok(Flow::Continue)
    }

    /// Statements: queries are answered, everything else added; runs of
    /// added statements go to the engine together.
    fn statements(&mut self, text: &str, name: &str, out: &mut impl Write) -> io::Result<()> {
        // Text that does not parse is added whole, for its diagnostics.
        let Some(pieces) = statements_of(text) else {
            return self.add(name, text, out);
        };
        if pieces.is_empty() {
            return Ok(()); // only comments
        }
        if !pieces.iter().any(|p| p.query) {
            return self.add(name, text, out);
        }
        let mut pending: Option<(usize, usize)> = None;
        for piece in &pieces {
            let (start, end) = (piece.range.start, piece.range.end);
            if piece.query {
                if let Some((from, to)) = pending.take() {
                    self.add(name, &text[from..to], out)?;
                }
                self.query(name, &text[start..end], out)?;
            } else {
                let from = pending.map_or(start, |(from, _)| from);
                pending = Some((from, end));
            }
        }
        if let Some((from, to)) = pending {
            self.add(name, &text[from..to], out)?;
        }
        Ok(())
    }

    fn add(&mut self, name: &str, text: &str, out: &mut impl Write) -> io::Result<()> {
        self.prepare_change();
        let start = Instant::now();
        let added = self.engine.add_source(name, text);
        if let Some(update) = self.report(added) {
            self.stuck = false;
            self.last = Some(start.elapsed());
            report::warnings(&update.warnings);
            summary(out, &update)?;
        }
        Ok(())
    }

    /// `:graph PRED... [at T] FILE`: the network, in the format the
    /// file's name asks for (as `entente graph -o FILE`); a goal of one
    /// atom may stand for a predicate, blanks and all.
    fn graph(&mut self, argument: &str, out: &mut impl Write) -> io::Result<()> {
        let words = words(argument);
        let Some((file, mut predicates)) = words.split_last() else {
            return Ok(());
        };
        let mut config = self.config.clone();
        if let [rest @ .., at, t] = predicates {
            if *at == "at" {
                let Ok(t) = t.parse() else {
                    self.fail(&format!(
                        "`:graph ... at T FILE` needs a time point (an integer), not `{t}`"
                    ));
                    return Ok(());
                };
                config.at = Some(t);
                predicates = rest;
            }
        }
        let drawn = self.ask(|engine| engine.graph_with(predicates, &config));
        let Some(graph) = self.report(drawn) else {
            return Ok(());
        };
        let picture = Picture::of_path(Some(Path::new(file)));
        warn_if_unreadable(&graph, picture, config.at, Face::Repl);
        match std::fs::write(file, picture.render(&graph)) {
            Ok(()) => writeln!(
                out,
                "drew {} and {} in {file}.",
                report::counted(graph.nodes.len(), "node"),
                report::counted(graph.edges.len(), "line")
            )?,
            Err(e) => self.fail(&format!("cannot write `{file}`: {e}")),
        }
        Ok(())
    }

    fn query(&mut self, name: &str, text: &str, out: &mut impl Write) -> io::Result<()> {
        let answered = self.ask(|engine| engine.query_named(name, text));
        if let Some((answers, warnings)) = self.report(answered) {
            report::warnings(&warnings);
            format::answers(out, Format::Text, None, &answers)?;
        }
        Ok(())
    }

    /// Runs a `:command`: one arm per command, the longer ones in methods
    /// of their own.
    fn command(
        &mut self,
        word: &str,
        argument: &str,
        name: &str,
        out: &mut impl Write,
    ) -> io::Result<Flow> {
        match word {
            "help" => help(out)?,
            "quit" | "q" | "exit" => return Ok(Flow::Quit),
            "load" if !argument.is_empty() => {
                if let Some(update) = self.load(&[PathBuf::from(argument)]) {
                    // A file loaded already was not read again (the
                    // warning said so).
                    let again = (update.warnings.iter())
                        .any(|w| w.code_str() == "entente::already_loaded");
                    if !again {
                        writeln!(out, "loaded {argument}.")?;
                    }
                }
            }
            "why" | "whynot" if !argument.is_empty() => self.why(name, argument, out)?,
            "facts" => self.facts(argument, out)?,
            "rules" => self.rules(argument, out)?,
            "retract" if !argument.is_empty() => self.retract(name, argument, out)?,
            "whatif" if !argument.is_empty() => self.what_if(name, argument, out)?,
            "save" if !argument.is_empty() => {
                match std::fs::write(argument, self.engine.program_text()) {
                    Ok(()) => writeln!(out, "saved {argument}.")?,
                    Err(e) => self.fail(&format!("cannot write `{argument}`: {e}")),
                }
            }
            "graph" if words(argument).len() >= 2 => self.graph(argument, out)?,
            "stats" => self.stats(out)?,
            "reset" => {
                self.engine = Engine::with_config(self.config.clone());
                self.stuck = false;
                self.last = None;
                writeln!(out, "the program is empty.")?;
            }
            "graph" if !argument.is_empty() => self.fail(&format!(
                "`:graph` draws into a file named after the predicates: `:graph {argument} FILE.svg`"
            )),
            "load" | "why" | "whynot" | "retract" | "whatif" | "save" | "graph" => {
                let usage = COMMANDS
                    .iter()
                    .find(|(c, _, _)| c[1..] == *word)
                    .map_or(String::new(), |(c, a, _)| format!("{c} {a}"));
                self.fail(&format!("`:{word}` needs an argument: {usage}"));
            }
            _ => self.fail(&format!(
                "unknown command `:{word}`; `:help` lists the commands"
            )),
        }
        Ok(Flow::Continue)
    }

    /// `:why GOAL`: its explanation.
    fn why(&mut self, name: &str, goal: &str, out: &mut impl Write) -> io::Result<()> {
        let explained = self.ask(|engine| engine.explain_named(name, goal));
        if let Some((explanation, warnings)) = self.report(explained) {
            report::warnings(&warnings);
            write!(out, "{explanation}")?;
        }
        Ok(())
    }

    /// `:retract STATEMENT`: takes it out, and says what changed.
    fn retract(&mut self, name: &str, statement: &str, out: &mut impl Write) -> io::Result<()> {
        let statement = with_period(statement);
        self.prepare_change();
        let start = Instant::now();
        let retracted = self.engine.retract_source(name, &statement);
        if let Some(update) = self.report(retracted) {
            self.stuck = false;
            self.last = Some(start.elapsed());
            summary(out, &update)?;
            write!(out, "{}", update.changes)?;
        }
        Ok(())
    }

    /// `:whatif CHANGES`: what would appear and disappear.
    fn what_if(&mut self, name: &str, argument: &str, out: &mut impl Write) -> io::Result<()> {
        let changes = changes(argument);
        let answer = self.ask(|engine| engine.what_if_named(name, &changes, false));
        if let Some(answer) = self.report(answer) {
            if answer.changes.is_empty() {
                writeln!(out, "no derived fact would appear or disappear.")?;
            }
            write!(out, "{}", answer.changes)?;
        }
        Ok(())
    }

    /// `:facts [PRED]`: every fact (given and derived), canonical form.
    fn facts(&mut self, predicate: &str, out: &mut impl Write) -> io::Result<()> {
        if !self.evaluate() {
            return Ok(());
        }
        let known =
            predicate.is_empty() || self.engine.predicates().iter().any(|p| p.name == predicate);
        if !known {
            self.fail(&format!("no predicate `{predicate}` in the program"));
            return Ok(());
        }
        let mut printed = false;
        self.engine
            .for_each_timed_fact(false, |name, args, validity| {
                if predicate.is_empty() || name == predicate {
                    let fact = Fact {
                        predicate: name.to_string(),
                        args: args.to_vec(),
                    };
                    for line in fact.timed_lines(validity) {
                        writeln!(out, "{line}")?;
                    }
                    printed = true;
                }
                Ok::<(), io::Error>(())
            })?;
        if !printed {
            let which = match predicate {
                "" => "no facts".to_string(),
                p => format!("no facts of `{p}`"),
            };
            match self.config.at {
                Some(t) => writeln!(out, "{which} hold at {t}.")?,
                None => writeln!(out, "{which}.")?,
            }
        }
        Ok(())
    }

    /// `:rules [PRED]`: the rules as written, one per line.
    fn rules(&mut self, predicate: &str, out: &mut impl Write) -> io::Result<()> {
        let only = (!predicate.is_empty()).then_some(predicate);
        if only.is_some() && !self.engine.predicates().iter().any(|p| p.name == predicate) {
            self.fail(&format!("no predicate `{predicate}` in the program"));
            return Ok(());
        }
        let rules = self.engine.rules_text(only);
        for rule in &rules {
            writeln!(out, "{rule}")?;
        }
        if rules.is_empty() {
            match only {
                Some(p) => writeln!(out, "no rule concludes `{p}`.")?,
                None => writeln!(out, "no rules.")?,
            }
        }
        Ok(())
    }

    /// `:stats`.
    fn stats(&mut self, out: &mut impl Write) -> io::Result<()> {
        if !self.evaluate() {
            return Ok(());
        }
        writeln!(out, "{:>10} {:>10}  predicate", "given", "derived")?;
        for p in self.engine.predicates() {
            let (facts, derived) = (p.facts.unwrap_or(0), p.derived.unwrap_or(0));
            writeln!(out, "{:>10} {:>10}  {}", facts - derived, derived, p.name)?;
        }
        writeln!(out, "{} strata", self.engine.stratum_count())?;
        if let Some(time) = self.last {
            writeln!(out, "last evaluation or update: {:.3}s", time.as_secs_f64())?;
        }
        Ok(())
    }

    /// Computes the model if it is stale; false (after the diagnostic)
    /// when evaluation fails.
    fn evaluate(&mut self) -> bool {
        if self.engine.is_current() {
            return true;
        }
        let ran = self.run();
        self.report(ran).is_some()
    }

    /// Evaluates the program, noting how long it took, or that it failed.
    fn run(&mut self) -> Result<(), Error> {
        let start = Instant::now();
        let ran = self.engine.run();
        self.stuck = ran.is_err();
        if ran.is_ok() {
            self.last = Some(start.elapsed());
        }
        ran
    }

    /// Evaluates a stale model before a change, so that the change can say
    /// what it did, unless evaluating it has just failed (the change may
    /// be the one that mends it); a failure here is reported by the next
    /// question.
    fn prepare_change(&mut self) {
        if !self.engine.is_current() && !self.stuck {
            let _ = self.run();
        }
    }

    /// A question's answer, the program evaluated first when the question
    /// finds it unevaluated.
    fn ask<T>(
        &mut self,
        mut question: impl FnMut(&mut Engine) -> Result<T, Error>,
    ) -> Result<T, Error> {
        match question(&mut self.engine) {
            Err(e) if e.kind() == ErrorKind::NotEvaluated => {
                self.run()?;
                question(&mut self.engine)
            }
            answered => answered,
        }
    }

    /// The value, or `None` after printing the error.
    fn report<T>(&mut self, result: Result<T, Error>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                if e.kind() == ErrorKind::Interrupted {
                    // Past the `^C` the terminal echoed.
                    eprintln!();
                }
                report::error(&e, 0);
                self.failed = true;
                None
            }
        }
    }

    /// A problem with a command itself (not with the program).
    fn fail(&mut self, message: &str) {
        let _ = writeln!(io::stderr(), "entente::repl: {message}");
        self.failed = true;
    }
}

/// `+3 derived, -1 derived`.
fn summary(out: &mut impl Write, update: &Update) -> io::Result<()> {
    if update.stale {
        return writeln!(out, "changed; the model is computed on the next question.");
    }
    let changes: &ChangeSet = &update.changes;
    writeln!(
        out,
        "+{} derived, -{} derived",
        changes.appeared().count(),
        changes.disappeared().count()
    )
}

/// `:help`, within 80 columns.
fn help(out: &mut impl Write) -> io::Result<()> {
    writeln!(
        out,
        "Facts and rules typed here extend the program; `? goal.` answers at once.\n\
         A statement may span lines; it ends at `.`."
    )?;
    for (command, argument, what) in COMMANDS {
        let mut lines = wrap(what, 80 - 23).into_iter();
        let first = lines.next().unwrap_or_default();
        writeln!(out, "  {:<20} {first}", format!("{command} {argument}"))?;
        for line in lines {
            writeln!(out, "  {:<20} {line}", "")?;
        }
    }
    writeln!(
        out,
        "Tab completes commands, predicates and constants (twice: lists them);\n\
         Ctrl-C clears the line or stops an evaluation; Ctrl-D leaves.\n\
         `entente repl --at T FILE` asks every question about time point T;\n\
         `? goal at T.` asks one question about T."
    )
}

/// Words of `text` in lines of at most `width` characters (a longer word
/// on a line of its own).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// A statement with its final `.` (optional when typed).
fn with_period(text: &str) -> String {
    let text = text.trim();
    if text.ends_with('.') {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

/// `+fact -fact ...`: a change starts at a `+` or `-` after blanks, outside
/// parentheses and strings.
fn changes(text: &str) -> Vec<Change> {
    let mut parts: Vec<String> = Vec::new();
    let (mut nesting, mut blank) = (Nesting::default(), true);
    for c in text.chars() {
        if !nesting.quoted && nesting.depth == 0 && blank && (c == '+' || c == '-') {
            parts.push(String::new());
        }
        nesting.step(c);
        blank = c.is_whitespace();
        match parts.last_mut() {
            Some(part) => part.push(c),
            None => parts.push(c.to_string()),
        }
    }
    parts
        .into_iter()
        .filter_map(|part| {
            let part = part.trim();
            if let Some(fact) = part.strip_prefix('+') {
                Some(Change::add(fact))
            } else {
                // A change without a sign is a retraction's typo as often as
                // an addition's; the engine's diagnostic will say.
                part.strip_prefix('-')
                    .map(Change::retract)
                    .or_else(|| (!part.is_empty()).then(|| Change::add(part)))
            }
        })
        .collect()
}

/// The words of a command's argument, split at blanks outside an atom's
/// parentheses and strings: `defence_partner("Armenia", X) a.svg` is two.
fn words(argument: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut nesting = Nesting::default();
    let mut start = None;
    for (i, c) in argument.char_indices() {
        let inside = nesting.depth > 0 || nesting.quoted;
        nesting.step(c);
        match start {
            Some(s) if c.is_whitespace() && !inside => {
                words.push(&argument[s..i]);
                start = None;
            }
            None if !c.is_whitespace() => start = Some(i),
            _ => {}
        }
    }
    words.extend(start.map(|s| &argument[s..]));
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_fits_in_80_columns_and_names_the_keys_and_time() {
        let mut out = Vec::new();
        help(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
        for word in [":whatif", "Tab", "Ctrl-C", "Ctrl-D", "--at"] {
            assert!(text.contains(word), "{word} in {text}");
        }
    }

    #[test]
    fn what_if_changes_split_at_signs_outside_parentheses() {
        assert_eq!(
            changes("+treaty(a, -1) -clause(x, \"a -b\")  +p"),
            [
                Change::Add("treaty(a, -1).".into()),
                Change::Retract("clause(x, \"a -b\").".into()),
                Change::Add("p.".into()),
            ]
        );
    }

    #[test]
    fn command_words_split_at_blanks_outside_atoms_and_strings() {
        assert_eq!(
            words(" partner(\"South Korea\", X)  at 1995\tx.svg "),
            ["partner(\"South Korea\", X)", "at", "1995", "x.svg"]
        );
        assert_eq!(words("p(a, b"), ["p(a, b"]);
        assert!(words("  ").is_empty());
    }
}
