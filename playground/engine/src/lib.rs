//! Entente in the browser: a [`Session`] holds the files the page gave
//! (the program's text, included rule files, imported CSV files) and the
//! engine of the last program that loaded, and answers the page's
//! questions as JSON, through the library's public API only (SPEC §13).
//! It runs in a Web Worker (`playground/src/worker.js`): a question
//! blocks the worker, never the page, and the page stops a runaway one by
//! ending the worker.
//!
//! Places in the texts are given as UTF-16 offsets, as JavaScript strings
//! count them.

use entente::output::{self, Format};
use entente::{
    token_at, tokens_of, Change, Config, Engine, Explanation, MemoryFiles, Problem, Progress,
    ProgressReport, TokenKind,
};
use serde_json::{json, Value as Json};
use wasm_bindgen::prelude::*;

/// The files of a page and the engine of its program.
#[wasm_bindgen]
pub struct Session {
    files: MemoryFiles,
    engine: Option<Engine>,
    /// Whether runs report where they stand to the worker.
    progress: bool,
    /// The budgets and time point of the next load (`--max-facts`,
    /// `--at`).
    config: Config,
}

#[wasm_bindgen]
extern "C" {
    /// The worker's `ententeProgress(stratum, strata, round, derived)`,
    /// called by a run as it goes (once a round, and every few thousand
    /// matches); the worker decides how often to tell the page.
    #[wasm_bindgen(js_name = ententeProgress)]
    fn progress(stratum: u32, strata: u32, round: u32, derived: f64);
}

/// Hands a run's report to the worker.
fn report(r: ProgressReport) {
    progress(r.stratum, r.strata, r.round, r.derived as f64);
}

impl Default for Session {
    fn default() -> Session {
        Session::new()
    }
}

#[wasm_bindgen]
impl Session {
    /// A session with no files.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Session {
        Session {
            files: MemoryFiles::new(),
            engine: None,
            progress: false,
            config: Config::default(),
        }
    }

    /// The fact limit (`--max-facts`) and the time point (`--at`) of the
    /// next load and its questions; `undefined` for the defaults (ten
    /// million facts, every time).
    pub fn configure(&mut self, max_facts: Option<f64>, at: Option<f64>) {
        self.config = Config {
            max_facts: max_facts.map_or(Config::default().max_facts, |n| n as u64),
            at: at.map(|t| t as i64),
            ..Config::default()
        };
    }

    /// How the loaded program will be evaluated, as `entente check
    /// --plan` prints it: `{"ok", "text"}`.
    pub fn plan(&self) -> String {
        match &self.engine {
            Some(engine) => json!({"ok": true, "text": engine.plan_text()}).to_string(),
            None => not_loaded(),
        }
    }

    /// Has every run from now on report where it stands through the
    /// global function `ententeProgress`, which the caller defines.
    #[wasm_bindgen(js_name = reportProgress)]
    pub fn report_progress(&mut self) {
        self.progress = true;
    }

    /// Puts a file where the program's `include` and `import` find it
    /// (by its name, relative to the program's).
    #[wasm_bindgen(js_name = setFile)]
    pub fn set_file(&mut self, name: &str, contents: &[u8]) {
        self.files.insert(name, contents.to_vec());
    }

    /// Loads and runs the program in the file `main`, in place of the
    /// last. Returns `{"ok", "problems", "temporal", "points",
    /// "predicates", "queries"}`: the problems (errors and warnings, as
    /// `entente check` gives them), whether facts say when they hold, the
    /// time points at which the model changes, the predicates with their
    /// arity, and each query of the file with its place and answer text.
    pub fn load(&mut self, main: &str) -> String {
        let config = Config {
            progress: self.progress.then(|| Progress::with_observer(report)),
            ..self.config.clone()
        };
        let mut engine = Engine::with_config(config);
        engine.set_files(self.files.clone());
        let warnings = match engine.load_files(&[main]) {
            Ok(update) => update.warnings,
            Err(e) => return failed(&e.into_problems(), &self.files),
        };
        if let Err(e) = engine.run() {
            let mut problems = warnings;
            problems.extend(e.into_problems());
            return failed(&problems, &self.files);
        }
        // Violated constraints fail the load, as they fail `entente run`;
        // the engine stays, so that their premises can be explained.
        let violated = (engine.violations()).map(|v| engine.violation_error(&v));
        match violated {
            Ok(None) => {}
            Ok(Some(e)) | Err(e) => {
                let mut problems = warnings;
                problems.extend(e.into_problems());
                self.engine = Some(engine);
                return failed(&problems, &self.files);
            }
        }
        let answers = match engine.answer_program_queries() {
            Ok(answers) => answers,
            Err(e) => return failed(&e.into_problems(), &self.files),
        };
        let queries: Vec<Json> = (engine.query_places().into_iter().zip(answers))
            .filter(|(place, _)| place.file == main)
            .map(|(place, (query, answers))| {
                let text = self.text(&place.file);
                json!({
                    "query": query,
                    "from": utf16(&text, place.range.start),
                    "to": utf16(&text, place.range.end),
                    "answers": answers.to_string(),
                })
            })
            .collect();
        let predicates: Vec<Json> = (engine.predicates().iter())
            .map(|p| json!({"name": p.name, "arity": p.arity}))
            .collect();
        let result = json!({
            "ok": true,
            "problems": problems_json(&warnings, &self.files),
            "temporal": engine.is_temporal(),
            "points": engine.change_points(),
            "predicates": predicates,
            "queries": queries,
        });
        self.engine = Some(engine);
        result.to_string()
    }

    /// What `entente run` prints of the loaded program, in `format`
    /// (`text`, `json` or `csv`): the answers to its queries, or, with
    /// none (or with `all`), its facts, the derived ones only unless
    /// `all`. `{"ok", "text"}`.
    pub fn run(&self, all: bool, format: &str) -> String {
        let Some(engine) = &self.engine else {
            return not_loaded();
        };
        let format = format_named(format);
        let mut out = Vec::new();
        if all || !engine.has_queries() {
            let _ = output::facts(&mut out, format, engine, !all);
        } else {
            match engine.answer_program_queries() {
                Ok(answered) => {
                    let _ = output::queries(&mut out, format, &answered);
                }
                Err(e) => return failed(&e.into_problems(), &self.files),
            }
        }
        json!({"ok": true, "text": String::from_utf8_lossy(&out)}).to_string()
    }

    /// Answers a goal (at time point `at`, if given) as `{"ok",
    /// "variables", "rows", "when", "text", "problems"}`: each row's
    /// values and when it holds, and the answers as `entente query`
    /// prints them.
    pub fn query(&self, goal: &str, at: Option<f64>) -> String {
        let Some(engine) = &self.engine else {
            return not_loaded();
        };
        match engine.query_with(goal, &at_time(engine, at)) {
            Ok((answers, warnings)) => {
                let rows: Vec<Vec<String>> = (answers.rows.iter())
                    .map(|row| row.iter().map(|v| v.to_string()).collect())
                    .collect();
                let when: Vec<String> = (0..answers.rows.len())
                    .map(|i| answers.validity(i).unwrap_or_default())
                    .map(|v| {
                        if v.is_always() {
                            String::new()
                        } else {
                            v.to_string()
                        }
                    })
                    .collect();
                json!({
                    "ok": true,
                    "variables": answers.variables,
                    "rows": rows,
                    "when": when,
                    "text": answers.to_string(),
                    "problems": problems_json(&warnings, &self.files),
                })
                .to_string()
            }
            Err(e) => failed(&e.into_problems(), &self.files),
        }
    }

    /// Each answer of a goal with when it holds, as `entente timeline`
    /// prints it in `format` (`text`, `json`, `csv`): with `explained`,
    /// what opens and closes each interval (`--explain`); with
    /// `by_time`, time in order with the answers then (`--by-time`).
    /// `{"ok", "text"}`.
    pub fn timeline(&self, goal: &str, explained: bool, by_time: bool, format: &str) -> String {
        let Some(engine) = &self.engine else {
            return not_loaded();
        };
        let answered = if explained {
            (engine.timeline_explained(goal))
                .map(|(answers, boundaries, _)| (answers, Some(boundaries)))
        } else {
            engine.timeline(goal).map(|(answers, _)| (answers, None))
        };
        match answered {
            Ok((answers, boundaries)) => {
                let mut out = Vec::new();
                let _ = if by_time {
                    output::timeline_by_time(&mut out, &answers)
                } else {
                    output::timeline(
                        &mut out,
                        format_named(format),
                        &answers,
                        boundaries.as_deref(),
                    )
                };
                json!({"ok": true, "text": String::from_utf8_lossy(&out)}).to_string()
            }
            Err(e) => failed(&e.into_problems(), &self.files),
        }
    }

    /// Why a fact holds, or why not (at `at`, if given): `{"ok", "holds",
    /// "text", "svg"}`, the text as `entente explain` prints it and the
    /// picture as `entente explain --format svg` draws it (and as
    /// `--format dot` writes it).
    pub fn explain(&self, fact: &str, at: Option<f64>) -> String {
        let Some(engine) = &self.engine else {
            return not_loaded();
        };
        match engine.explain_with(fact, &at_time(engine, at)) {
            Ok((explanation, _)) => {
                let graph = match &explanation {
                    Explanation::Holds(proof) => entente::graph::Graph::proof(proof),
                    Explanation::DoesNotHold(why_not) => entente::graph::Graph::why_not(why_not),
                };
                json!({
                    "ok": true,
                    "holds": matches!(explanation, Explanation::Holds(_)),
                    "text": explanation.to_string(),
                    "json": explanation.to_json(),
                    "svg": graph.to_svg(),
                    "dot": graph.to_dot(),
                })
                .to_string()
            }
            Err(e) => failed(&e.into_problems(), &self.files),
        }
    }

    /// The network of the predicates named (space-separated; goals such
    /// as `supports(turkey, X)` too, as `entente graph` takes them), at
    /// `at` if given, as `{"ok", "svg", "dot", "json", "edges"}`: the
    /// picture, and the network as `--format dot` and `--format json`
    /// write it.
    pub fn graph(&self, predicates: &str, at: Option<f64>) -> String {
        let Some(engine) = &self.engine else {
            return not_loaded();
        };
        let names = goals(predicates);
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        match engine.graph_with(&names, &at_time(engine, at)) {
            Ok(graph) => json!({
                "ok": true,
                "svg": graph.to_svg(),
                "dot": graph.to_dot(),
                "json": graph.to_json(),
                "edges": graph.edges.len(),
            })
            .to_string(),
            Err(e) => failed(&e.into_problems(), &self.files),
        }
    }

    /// What would appear and disappear with the changes (one a line,
    /// `+ fact` to add, `- fact` to retract), as `entente what-if` prints
    /// it in `format` (`text` or `json`), with the proofs gained and lost
    /// when `explain`: `{"ok", "text"}`. The program stays as it was.
    #[wasm_bindgen(js_name = whatIf)]
    pub fn what_if(&mut self, changes: &str, explain: bool, format: &str) -> String {
        let Some(engine) = &mut self.engine else {
            return not_loaded();
        };
        let mut asked = Vec::new();
        for line in changes.lines().map(str::trim).filter(|l| !l.is_empty()) {
            match (line.strip_prefix('+'), line.strip_prefix('-')) {
                (Some(fact), _) => asked.push(Change::add(fact.trim())),
                (_, Some(fact)) => asked.push(Change::retract(fact.trim())),
                _ => {
                    let message =
                        format!("`{line}`: start a change with `+` (add) or `-` (retract)");
                    return json!({"ok": false, "problems": [{"code": "entente::what_if", "message": message}]}).to_string();
                }
            }
        }
        match engine.what_if(&asked, explain) {
            Ok(answer) => {
                let text = match format_named(format) {
                    Format::Json => answer.to_json(explain) + "\n",
                    _ => {
                        let mut out = Vec::new();
                        let _ = output::what_if(&mut out, &answer, explain);
                        String::from_utf8_lossy(&out).into_owned()
                    }
                };
                json!({"ok": true, "text": text}).to_string()
            }
            Err(e) => failed(&e.into_problems(), &self.files),
        }
    }
}

/// A program in `entente fmt`'s layout: `{"ok", "text"}`, or its syntax
/// errors.
#[wasm_bindgen]
pub fn format(name: &str, text: &str) -> String {
    match entente::format_source(name, text) {
        Ok(formatted) => json!({"ok": true, "text": formatted}).to_string(),
        Err(e) => failed(&e.into_problems(), &MemoryFiles::new()),
    }
}

/// Every statement of a text in canonical form, one a line, as the
/// engine reads it: `{"ok", "text"}`, or its syntax errors.
#[wasm_bindgen]
pub fn canonical(name: &str, text: &str) -> String {
    match entente::canonical_source(name, text) {
        Ok(printed) => json!({"ok": true, "text": printed}).to_string(),
        Err(e) => failed(&e.into_problems(), &MemoryFiles::new()),
    }
}

/// An output format by name: `json`, `csv`, else text.
fn format_named(name: &str) -> Format {
    match name {
        "json" => Format::Json,
        "csv" => Format::Csv,
        _ => Format::Text,
    }
}

/// The tokens of a text, for highlighting: `[[from, to, kind], ...]` in
/// UTF-16 offsets, the kind as the language server's semantic tokens
/// name it.
#[wasm_bindgen]
pub fn tokens(text: &str) -> String {
    let offsets = Utf16::new(text);
    let tokens: Vec<Json> = (tokens_of(text).into_iter())
        .map(|t| {
            json!([
                offsets.at(t.range.start),
                offsets.at(t.range.end),
                kind(t.kind)
            ])
        })
        .collect();
    Json::Array(tokens).to_string()
}

/// The word at UTF-16 offset `at` of a text and what it is, for the page
/// to ask about it: `{"from", "to", "kind"}`, or `null`.
#[wasm_bindgen(js_name = tokenAt)]
pub fn token_at_offset(text: &str, at: usize) -> String {
    let offsets = Utf16::new(text);
    match token_at(text, offsets.byte(at)) {
        Some(t) => json!({
            "from": offsets.at(t.range.start),
            "to": offsets.at(t.range.end),
            "kind": kind(t.kind),
        })
        .to_string(),
        None => "null".to_string(),
    }
}

fn kind(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::Keyword => "keyword",
        TokenKind::Predicate => "predicate",
        TokenKind::Variable => "variable",
        TokenKind::Symbol => "symbol",
        TokenKind::String => "string",
        TokenKind::Number => "number",
        TokenKind::Path => "path",
        TokenKind::Column => "column",
        TokenKind::Operator => "operator",
        _ => "comment",
    }
}

/// The configuration of a question at `at` (a JavaScript number, whole),
/// else at the session's time point, if any.
fn at_time(engine: &Engine, at: Option<f64>) -> Config {
    let config = engine.config().clone();
    Config {
        at: at
            .map(|t| t as i64)
            .or(config.at)
            .filter(|_| engine.is_temporal()),
        ..config
    }
}

/// Space-separated goals, a goal's parentheses kept whole:
/// `supports(turkey, X) rivals` is two.
fn goals(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut current, mut depth) = (String::new(), 0i32);
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if c.is_whitespace() && depth <= 0 {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn not_loaded() -> String {
    json!({"ok": false, "problems": [{"code": "entente::not_evaluated", "message": "the program has not loaded: mend its errors first"}]}).to_string()
}

fn failed(problems: &[Problem], files: &MemoryFiles) -> String {
    json!({"ok": false, "problems": problems_json(problems, files)}).to_string()
}

/// Problems as the page shows them: code, message, help, severity, and
/// where: the file, its line and column (1-based) and UTF-16 offsets.
fn problems_json(problems: &[Problem], files: &MemoryFiles) -> Json {
    let shown: Vec<Json> = problems
        .iter()
        .map(|p| {
            let mut out = json!({
                "code": p.code_str(),
                "message": p.to_string(),
                "help": p.help_text(),
                "severity": if p.is_warning() { "warning" } else { "error" },
            });
            if let Some(place) = p.location() {
                let text = read(files, &place.file);
                out["file"] = json!(place.file);
                out["line"] = json!(place.line);
                out["column"] = json!(place.column);
                out["from"] = json!(utf16(&text, place.range.start));
                out["to"] = json!(utf16(&text, place.range.end));
            }
            out
        })
        .collect();
    Json::Array(shown)
}

impl Session {
    fn text(&self, name: &str) -> String {
        read(&self.files, name)
    }
}

/// A file's text ("" when there is none, or it is not UTF-8).
fn read(files: &MemoryFiles, name: &str) -> String {
    use entente::Files as _;
    let mut text = String::new();
    if let Ok(mut reader) = files.open(std::path::Path::new(name)) {
        let _ = reader.read_to_string(&mut text);
    }
    text
}

/// The UTF-16 offset of byte `byte` of `text`.
fn utf16(text: &str, byte: usize) -> usize {
    Utf16::new(text).at(byte)
}

/// Byte offsets of a text to UTF-16 offsets and back.
struct Utf16<'t> {
    text: &'t str,
}

impl<'t> Utf16<'t> {
    fn new(text: &'t str) -> Utf16<'t> {
        Utf16 { text }
    }

    fn at(&self, byte: usize) -> usize {
        let mut byte = byte.min(self.text.len());
        while !self.text.is_char_boundary(byte) {
            byte -= 1;
        }
        self.text[..byte].encode_utf16().count()
    }

    fn byte(&self, utf16: usize) -> usize {
        let mut units = 0;
        for (i, c) in self.text.char_indices() {
            if units >= utf16 {
                return i;
            }
            units += c.len_utf16();
        }
        self.text.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goals_keep_their_parentheses_whole() {
        assert_eq!(
            goals(" supports(turkey, X)  rivals "),
            ["supports(turkey, X)", "rivals"]
        );
    }

    #[test]
    fn a_session_answers_as_the_command_line_does() {
        let mut session = Session::new();
        session.set_file(
            "kb.rules",
            b"ally(armenia, russia) since 1997.\nally(X, Y) if ally(Y, X).\n? ally(russia, Who).\n",
        );
        let loaded: Json = serde_json::from_str(&session.load("kb.rules")).unwrap();
        assert_eq!(loaded["ok"], true);
        assert_eq!(loaded["points"], json!([1997]));
        assert_eq!(
            loaded["queries"][0]["answers"],
            "Who = armenia since 1997\n"
        );
        let asked: Json = serde_json::from_str(&session.query("ally(X, Y)", Some(1990.0))).unwrap();
        assert_eq!(asked["text"], "false.\n");
        let why: Json =
            serde_json::from_str(&session.explain("ally(russia, armenia)", None)).unwrap();
        assert_eq!(why["holds"], true);
        assert!(why["svg"].as_str().unwrap().starts_with("<svg"));
        let changed: Json =
            serde_json::from_str(&session.what_if("- ally(armenia, russia)", false, "text"))
                .unwrap();
        assert_eq!(changed["text"], "- ally(russia, armenia) since 1997.\n");
        session.set_file("kb.rules", "ally(X) if q(Y).\n".as_bytes());
        let broken: Json = serde_json::from_str(&session.load("kb.rules")).unwrap();
        assert_eq!(broken["ok"], false);
        assert_eq!(broken["problems"][0]["code"], "entente::unsafe_variable");
        assert_eq!(broken["problems"][0]["from"], 5);
    }
}
