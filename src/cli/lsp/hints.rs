//! Each query's answer, shown after it as an inlay hint: `true`, `false`,
//! or the count and the first answers, as `entente query` prints them.
//!
//! The answers are computed on a thread of their own (the main thread
//! goes on answering hovers and taking edits), from a fresh load of the
//! document's program with the command line's budgets. A run that a
//! budget stops says so in the hint, in the words of the client's
//! settings. Any edit cancels the runs under way, which then answer
//! `ContentModified`, as the protocol asks; a `$/cancelRequest` answers
//! `RequestCancelled`.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use entente::{Answers, CancelToken, Config, Engine, ErrorKind, Limit, Worded};
use lsp_server::{ErrorCode, Message, Request, Response};
use lsp_types::{InlayHint, InlayHintLabel, InlayHintParams, InlayHintTooltip};
use miette::Diagnostic as _;

use super::text::{absolute, path_of, position};
use super::{Documents, Server};

/// Most answers a hint lists before "…".
const SHOWN: usize = 3;

/// A run of a document's queries, under way.
pub(super) struct Job {
    token: CancelToken,
    /// Set when it is cancelled because a document changed.
    edited: Arc<AtomicBool>,
}

impl Job {
    /// Stops the job, whether its runs have begun or not.
    pub(super) fn cancel(&self, edited: bool) {
        self.edited.store(edited, Ordering::SeqCst);
        self.token.cancel_for_good();
    }
}

impl Server {
    /// Starts computing the hints of a document; the job responds.
    pub(super) fn start_hints(&mut self, request: Request) -> Option<Response> {
        let id = request.id.clone();
        let params: InlayHintParams = match serde_json::from_value(request.params) {
            Ok(params) => params,
            Err(e) => {
                let code = ErrorCode::InvalidParams as i32;
                return Some(Response::new_err(id, code, e.to_string()));
            }
        };
        let path = path_of(&params.text_document.uri);
        let token = CancelToken::new();
        let edited = Arc::new(AtomicBool::new(false));
        let config = Config {
            cancel: Some(token.clone()),
            ..self.budget.clone()
        };
        let job = Job {
            token,
            edited: edited.clone(),
        };
        self.jobs.insert(id.clone(), job);
        // The texts as they stand now: an edit made while the job runs
        // cancels it rather than changing what it reads.
        let documents = self.documents.snapshot();
        let sender = self.sender.clone()?;
        std::thread::spawn(move || {
            let found = hints(&documents, &path, &config, params.range);
            let response = match found {
                _ if edited.load(Ordering::SeqCst) => Response::new_err(
                    id,
                    ErrorCode::ContentModified as i32,
                    "the document changed while its queries were answered".to_string(),
                ),
                Some(hints) => Response::new_ok(id, hints),
                None => Response::new_err(
                    id,
                    ErrorCode::RequestCanceled as i32,
                    "cancelled".to_string(),
                ),
            };
            let _ = sender.send(Message::Response(response));
        });
        None
    }
}

/// The hints of the queries of the document at `path` that stand in
/// `within`; `None` when the run was cancelled. A program that does not
/// load has none (its diagnostics say why).
fn hints(
    documents: &Documents,
    path: &Path,
    config: &Config,
    within: lsp_types::Range,
) -> Option<Vec<InlayHint>> {
    let text = documents.text_of(path);
    let mut engine = Engine::with_config(config.clone());
    engine.set_files(documents.clone());
    if engine.load_files(&[path]).is_err() {
        return Some(Vec::new());
    }
    let answered = engine.run().and_then(|()| engine.answer_program_queries());
    // Each hint's label, and a tooltip where the label is cut short.
    let labels: Vec<(String, Option<String>)> = match answered {
        Ok(all) => all
            .iter()
            .map(|(_, answers)| (label(answers), None))
            .collect(),
        Err(e) if e.kind() == ErrorKind::Interrupted => return None,
        Err(e) => {
            let problem = e.problems().first()?;
            let worded = Worded::new(problem, setting);
            let message = worded.to_string();
            let short = message.split(" (").next().unwrap_or_default();
            let whole = match worded.help() {
                Some(help) => format!("{message}\nhelp: {help}"),
                None => message.clone(),
            };
            let hint = (format!("not answered: {short}"), Some(whole));
            vec![hint; engine.query_places().len()]
        }
    };
    let hints = (engine.query_places().into_iter().zip(labels))
        .filter(|(place, _)| absolute(Path::new(&place.file)) == path)
        .map(|(place, label)| (position(&text, place.range.end), label))
        .filter(|(at, _)| within.start <= *at && *at <= within.end)
        .map(|(at, (label, tooltip))| InlayHint {
            position: at,
            label: InlayHintLabel::String(label),
            kind: None,
            text_edits: None,
            tooltip: tooltip.map(InlayHintTooltip::String),
            padding_left: Some(true),
            padding_right: None,
            data: None,
        })
        .collect();
    Some(hints)
}

/// How the client's settings name a spent budget.
fn setting(limit: Limit) -> &'static str {
    match limit {
        Limit::Facts => "with the server's `maxFacts` option",
        Limit::Time => "with the server's `timeout` option",
    }
}

/// A query's answers in a few words: `true`, `false`, or how many with
/// the first of them, each as `entente query` prints it.
fn label(answers: &Answers) -> String {
    let printed = answers.to_string();
    let lines: Vec<&str> = printed.lines().collect();
    if answers.variables.is_empty() || answers.rows.is_empty() {
        return lines
            .first()
            .map_or("false", |l| l.trim_end_matches('.'))
            .to_string();
    }
    let count = answers.rows.len();
    let noun = if count == 1 { "answer" } else { "answers" };
    let mut shown = lines[..lines.len().min(SHOWN)].join("; ");
    if count > SHOWN {
        shown.push_str("; …");
    }
    format!("{count} {noun}: {shown}")
}
