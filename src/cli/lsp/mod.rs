//! `entente lsp`: a language server over stdio (SPEC §12), on
//! `lsp-server` and `lsp-types` (the scaffold rust-analyzer uses: plain
//! threads and channels, no async runtime).
//!
//! Everything goes through the library's public API: a document is
//! checked by loading it into a fresh `Engine` whose files are the open
//! documents' texts over the disk (so an include of an open, unsaved file
//! reads what the editor shows), formatted by `format_source`, and read
//! token by token with `tokens_of`. The main thread answers every request
//! but one at once; the answers to a document's queries (inlay hints) are
//! computed on a thread of their own, with the command line's budgets,
//! and cancelled when any document changes or the client cancels them.
//!
//! - [`diagnostics`]: `check`'s problems, by file, with the include line.
//! - [`navigate`]: hover, definition, references, rename, completion,
//!   symbols, semantic tokens, formatting.
//! - [`hints`]: each query's answer, inline.
//! - [`text`]: places as the protocol counts them, and URIs.

mod diagnostics;
mod hints;
mod navigate;
mod text;

use std::collections::HashMap;
use std::error::Error as StdError;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, RwLock};

use crossbeam_channel::Sender;
use entente::{Config, Disk, Engine, Files};
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    Cancel, DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
};
use lsp_types::request::{
    Completion, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest, InlayHintRequest,
    References, Rename, Request as _, SemanticTokensFullRequest,
};
use lsp_types::{
    CompletionOptions, HoverProviderCapability, OneOf, SemanticTokensFullOptions,
    SemanticTokensOptions, SemanticTokensServerCapabilities, ServerCapabilities,
    TextDocumentSyncCapability, TextDocumentSyncKind,
};

use text::{absolute, path_of};

/// Serves one client on stdin and stdout until it exits.
pub fn run() -> ExitCode {
    match serve() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("entente lsp: {e}");
            ExitCode::from(1)
        }
    }
}

type Failure = Box<dyn StdError + Send + Sync>;

fn serve() -> Result<(), Failure> {
    let (connection, io_threads) = Connection::stdio();
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions::default()),
        inlay_hint_provider: Some(OneOf::Left(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: navigate::legend(),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                ..SemanticTokensOptions::default()
            },
        )),
        ..ServerCapabilities::default()
    };
    let params = connection.initialize(serde_json::to_value(capabilities)?)?;
    let mut server = Server {
        budget: budget(&params),
        sender: Some(connection.sender.clone()),
        ..Server::default()
    };
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    break;
                }
                if let Some(response) = server.answer(request) {
                    connection.sender.send(Message::Response(response))?;
                }
            }
            Message::Notification(notification) => {
                for published in server.notice(notification) {
                    connection.sender.send(Message::Notification(published))?;
                }
            }
            Message::Response(_) => {}
        }
    }
    server.cancel_all(true);
    // The client has had every answer (the last was to `shutdown`, before
    // `exit`); the thread that reads stdin waits for an end of input that
    // an editor need not send, so the process ends without joining it.
    drop(connection);
    drop(io_threads);
    Ok(())
}

/// The budgets of the command line (`--max-facts`, `--timeout`), which
/// the client may set in its initialization options as `maxFacts` and
/// `timeout` (seconds).
fn budget(params: &serde_json::Value) -> Config {
    let options = &params["initializationOptions"];
    let mut config = Config::default();
    if let Some(n) = options["maxFacts"].as_u64() {
        config.max_facts = n;
    }
    if let Some(seconds) = options["timeout"].as_f64().filter(|s| *s > 0.0) {
        config.timeout = std::time::Duration::try_from_secs_f64(seconds).ok();
    }
    config
}

/// The server's state: the open documents, what was last published for
/// each, each document's program as last loaded, and the query answers
/// being computed.
#[derive(Default)]
struct Server {
    documents: Documents,
    /// The files each document's last check published diagnostics to, so
    /// that a fixed problem's diagnostics are cleared.
    published: HashMap<PathBuf, Vec<PathBuf>>,
    /// Each document's program as last loaded without error, for hover,
    /// completion, definition, references and rename.
    engines: HashMap<PathBuf, Engine>,
    /// The budgets query answers are computed with.
    budget: Config,
    /// The requests for query answers still being computed.
    jobs: HashMap<RequestId, hints::Job>,
    /// Where a job sends its response.
    sender: Option<Sender<Message>>,
}

/// The open documents' texts, shared with the engines that read them.
#[derive(Clone, Default)]
struct Documents(Arc<RwLock<HashMap<PathBuf, String>>>);

impl Documents {
    fn get(&self, path: &Path) -> Option<String> {
        self.0.read().ok()?.get(path).cloned()
    }

    fn set(&self, path: PathBuf, text: Option<String>) {
        if let Ok(mut docs) = self.0.write() {
            match text {
                Some(text) => docs.insert(path, text),
                None => docs.remove(&path),
            };
        }
    }

    /// The open documents' paths.
    fn paths(&self) -> Vec<PathBuf> {
        let docs = self.0.read();
        docs.map(|d| d.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// A copy of the texts as they stand, which later edits leave alone.
    fn snapshot(&self) -> Documents {
        let texts = self.0.read().map(|docs| docs.clone()).unwrap_or_default();
        Documents(Arc::new(RwLock::new(texts)))
    }

    /// The text of `path`: the open document's, else the disk's, else
    /// nothing.
    fn text_of(&self, path: &Path) -> String {
        self.get(path)
            .or_else(|| std::fs::read_to_string(path).ok())
            .unwrap_or_default()
    }
}

/// The files a check reads: an open document's text, else the disk.
impl Files for Documents {
    fn open(&self, path: &Path) -> io::Result<Box<dyn Read + '_>> {
        match self.get(&absolute(path)) {
            Some(text) => Ok(Box::new(io::Cursor::new(text.into_bytes()))),
            None => Disk.open(path),
        }
    }

    fn canonical(&self, path: &Path) -> io::Result<PathBuf> {
        let path = absolute(path);
        match self.get(&path) {
            Some(_) => Ok(path),
            None => Disk.canonical(&path),
        }
    }
}

impl Server {
    /// The response to a request, or `None` when a job will send it.
    fn answer(&mut self, request: Request) -> Option<Response> {
        let id = request.id.clone();
        let result = match request.method.as_str() {
            Formatting::METHOD => self.format(request),
            DocumentSymbolRequest::METHOD => self.symbols(request),
            HoverRequest::METHOD => self.hover(request),
            GotoDefinition::METHOD => self.definition(request),
            References::METHOD => self.references(request),
            Rename::METHOD => self.rename(request),
            Completion::METHOD => self.completion(request),
            SemanticTokensFullRequest::METHOD => self.semantic_tokens(request),
            InlayHintRequest::METHOD => return self.start_hints(request),
            _ => {
                return Some(Response::new_err(
                    id,
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("entente lsp does not serve `{}`", request.method),
                ))
            }
        };
        Some(match result {
            Ok(value) => Response::new_ok(id, value),
            Err(e) => Response::new_err(
                id,
                lsp_server::ErrorCode::InvalidParams as i32,
                e.to_string(),
            ),
        })
    }

    /// Takes in an opened, changed or closed document (and checks it), or
    /// a cancelled request; returns the diagnostics to publish.
    fn notice(&mut self, notification: Notification) -> Vec<Notification> {
        use lsp_types::{
            CancelParams, DidChangeTextDocumentParams, DidCloseTextDocumentParams,
            DidOpenTextDocumentParams,
        };
        let path = match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let method = DidOpenTextDocument::METHOD;
                let Ok(params) = notification.extract::<DidOpenTextDocumentParams>(method) else {
                    return Vec::new();
                };
                let path = path_of(&params.text_document.uri);
                (self.documents).set(path.clone(), Some(params.text_document.text));
                path
            }
            DidChangeTextDocument::METHOD => {
                let method = DidChangeTextDocument::METHOD;
                let Ok(params) = notification.extract::<DidChangeTextDocumentParams>(method) else {
                    return Vec::new();
                };
                let path = path_of(&params.text_document.uri);
                // Whole texts only (the sync kind the server asked for).
                if let Some(change) = params.content_changes.into_iter().last() {
                    self.documents.set(path.clone(), Some(change.text));
                }
                path
            }
            DidCloseTextDocument::METHOD => {
                let method = DidCloseTextDocument::METHOD;
                let Ok(params) = notification.extract::<DidCloseTextDocumentParams>(method) else {
                    return Vec::new();
                };
                let path = path_of(&params.text_document.uri);
                self.documents.set(path.clone(), None);
                self.engines.remove(&path);
                self.cancel_all(true);
                let cleared = self.published.remove(&path).unwrap_or_default();
                return (cleared.iter())
                    .map(|p| diagnostics::publish(p, Vec::new()))
                    .collect();
            }
            Cancel::METHOD => {
                if let Ok(params) = notification.extract::<CancelParams>(Cancel::METHOD) {
                    let id = match params.id {
                        lsp_types::NumberOrString::Number(n) => RequestId::from(n),
                        lsp_types::NumberOrString::String(s) => RequestId::from(s),
                    };
                    if let Some(job) = self.jobs.remove(&id) {
                        job.cancel(false);
                    }
                }
                return Vec::new();
            }
            _ => return Vec::new(),
        };
        // Any text may be an include of another document: every answer
        // being computed may now be out of date, and the open documents
        // that include this one are checked again.
        self.cancel_all(true);
        let mut published = self.check(&path);
        for other in self.documents.paths() {
            if other != path && diagnostics::includes(&self.documents, &other, &path) {
                published.extend(self.check(&other));
            }
        }
        published
    }

    /// Cancels every query answer being computed; `edited` when because a
    /// document changed.
    fn cancel_all(&mut self, edited: bool) {
        for (_, job) in self.jobs.drain() {
            job.cancel(edited);
        }
    }

    fn text_of(&self, path: &Path) -> String {
        self.documents.text_of(path)
    }
}
