//! `entente lsp`: a language server over stdio (SPEC §12), on
//! `lsp-server` and `lsp-types` (the scaffold rust-analyzer uses: plain
//! threads and channels, no async runtime).
//!
//! Everything goes through the library's public API: a document is
//! checked by loading it into a fresh `Engine` whose files are the open
//! documents' texts over the disk (so an include of an open, unsaved file
//! reads what the editor shows), and formatted by `format_source`. What
//! it serves so far: diagnostics on open and change (every `check`
//! diagnostic with its code and range; a problem in an included file is
//! published to that file), formatting, document symbols, and for a
//! predicate under the cursor hover and go to definition (the library's
//! `predicate_at` and `Engine::definitions`).

use std::collections::HashMap;
use std::error::Error as StdError;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, RwLock};

use entente::{format_source, predicate_at, statements_of, Disk, Engine, Files};
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
    PublishDiagnostics,
};
use lsp_types::request::{
    Completion, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest, Request as _,
};
use lsp_types::{
    Diagnostic, DiagnosticSeverity, DocumentSymbol, DocumentSymbolResponse, NumberOrString, OneOf,
    Position, PublishDiagnosticsParams, Range, ServerCapabilities, SymbolKind,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextEdit, Uri,
};

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
        hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        completion_provider: Some(lsp_types::CompletionOptions::default()),
        ..ServerCapabilities::default()
    };
    connection.initialize(serde_json::to_value(capabilities)?)?;
    let mut server = Server::default();
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    break;
                }
                let response = server.answer(request);
                connection.sender.send(Message::Response(response))?;
            }
            Message::Notification(notification) => {
                for published in server.notice(notification) {
                    connection.sender.send(Message::Notification(published))?;
                }
            }
            Message::Response(_) => {}
        }
    }
    // The client has had every answer (the last was to `shutdown`, before
    // `exit`); the thread that reads stdin waits for an end of input that
    // an editor need not send, so the process ends without joining it.
    drop(connection);
    drop(io_threads);
    Ok(())
}

/// The open documents, by path.
#[derive(Default)]
struct Server {
    documents: Documents,
    /// The files each document's last check published diagnostics to, so
    /// that a fixed problem's diagnostics are cleared.
    published: HashMap<PathBuf, Vec<PathBuf>>,
    /// Each document's program as last checked without error, for hover
    /// and definition.
    engines: HashMap<PathBuf, Engine>,
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
    fn answer(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        let result = match request.method.as_str() {
            Formatting::METHOD => self.format(request),
            DocumentSymbolRequest::METHOD => self.symbols(request),
            HoverRequest::METHOD => self.hover(request),
            GotoDefinition::METHOD => self.definition(request),
            Completion::METHOD => self.completion(request),
            _ => {
                return Response::new_err(
                    id,
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("entente lsp does not serve `{}`", request.method),
                )
            }
        };
        match result {
            Ok(value) => Response::new_ok(id, value),
            Err(e) => invalid(id, e),
        }
    }

    fn notice(&mut self, notification: Notification) -> Vec<Notification> {
        let path = match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(params) = notification
                    .extract::<lsp_types::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
                else {
                    return Vec::new();
                };
                let path = path_of(&params.text_document.uri);
                self.documents
                    .set(path.clone(), Some(params.text_document.text));
                path
            }
            DidChangeTextDocument::METHOD => {
                let Ok(params) = notification.extract::<lsp_types::DidChangeTextDocumentParams>(
                    DidChangeTextDocument::METHOD,
                ) else {
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
                let Ok(params) = notification
                    .extract::<lsp_types::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
                else {
                    return Vec::new();
                };
                let path = path_of(&params.text_document.uri);
                self.documents.set(path.clone(), None);
                let cleared = self.published.remove(&path).unwrap_or_default();
                return cleared.iter().map(|p| publish(p, Vec::new())).collect();
            }
            _ => return Vec::new(),
        };
        self.check(&path)
    }

    /// Checks the document at `path` as `entente check` would: its
    /// diagnostics, grouped by the file they point into, and empty lists
    /// for the files whose problems are gone.
    fn check(&mut self, path: &Path) -> Vec<Notification> {
        let mut engine = Engine::new();
        engine.set_files(self.documents.clone());
        let loaded = engine.load_files(&[path]);
        let problems: Vec<entente::Problem> = match loaded {
            Ok(update) => {
                self.engines.insert(path.to_path_buf(), engine);
                update.warnings
            }
            Err(e) => e.into_problems(),
        };
        let mut by_file: HashMap<PathBuf, Vec<Diagnostic>> = HashMap::new();
        by_file.insert(path.to_path_buf(), Vec::new());
        for problem in &problems {
            let Some(location) = problem.location() else {
                continue;
            };
            let file = absolute(Path::new(&location.file));
            let text = self.text_of(&file);
            let range = Range {
                start: position(&text, location.range.start),
                end: position(&text, location.range.end),
            };
            let message = match problem.help_text() {
                Some(help) => format!("{problem}\nhelp: {help}"),
                None => problem.to_string(),
            };
            by_file.entry(file).or_default().push(Diagnostic {
                range,
                severity: Some(if problem.is_warning() {
                    DiagnosticSeverity::WARNING
                } else {
                    DiagnosticSeverity::ERROR
                }),
                code: Some(NumberOrString::String(problem.code_str())),
                source: Some("entente".to_string()),
                message,
                ..Diagnostic::default()
            });
        }
        let before = self.published.remove(path).unwrap_or_default();
        let mut notes: Vec<Notification> = (before.iter())
            .filter(|p| !by_file.contains_key(*p))
            .map(|p| publish(p, Vec::new()))
            .collect();
        self.published
            .insert(path.to_path_buf(), by_file.keys().cloned().collect());
        notes.extend(by_file.into_iter().map(|(p, d)| publish(&p, d)));
        notes
    }

    fn text_of(&self, path: &Path) -> String {
        self.documents
            .get(path)
            .or_else(|| std::fs::read_to_string(path).ok())
            .unwrap_or_default()
    }

    /// The document in canonical layout, as one edit (none when it is
    /// already, or does not parse: its diagnostics say why).
    fn format(&self, request: Request) -> Result<serde_json::Value, Failure> {
        let params: lsp_types::DocumentFormattingParams = serde_json::from_value(request.params)?;
        let path = path_of(&params.text_document.uri);
        let text = self.text_of(&path);
        let edits = match format_source(&path.display().to_string(), &text) {
            Ok(formatted) if formatted != text => vec![TextEdit {
                range: Range {
                    start: Position::new(0, 0),
                    end: position(&text, text.len()),
                },
                new_text: formatted,
            }],
            _ => Vec::new(),
        };
        Ok(serde_json::to_value(edits)?)
    }

    /// The predicate under the cursor: its arity, how many rules and
    /// facts define it, how many facts the model has (evaluated within a
    /// second, or left out), and where it is defined.
    fn hover(&mut self, request: Request) -> Result<serde_json::Value, Failure> {
        let params: lsp_types::HoverParams = serde_json::from_value(request.params)?;
        let place = params.text_document_position_params;
        let Some((path, name, range)) = self.predicate_under(&place) else {
            return Ok(serde_json::Value::Null);
        };
        let Some(engine) = self.engines.get_mut(&path) else {
            return Ok(serde_json::Value::Null);
        };
        evaluate_briefly(engine);
        let Some(info) = engine.predicates().into_iter().find(|p| p.name == name) else {
            return Ok(serde_json::Value::Null);
        };
        let places = engine.definitions(&name);
        let mut text = format!("**{name}/{}**", info.arity);
        if let (Some(facts), Some(derived)) = (info.facts, info.derived) {
            text.push_str(&format!(
                ": {facts} facts in the model ({} given, {derived} derived)",
                facts - derived
            ));
        }
        if !places.is_empty() {
            let shown: Vec<String> = (places.iter().take(5))
                .map(|l| format!("{}:{}", l.file, l.line))
                .collect();
            let more = places.len().saturating_sub(5);
            text.push_str(&format!("\n\ndefined at {}", shown.join(", ")));
            if more > 0 {
                text.push_str(&format!(" and {more} more"));
            }
        }
        let hover = lsp_types::Hover {
            contents: lsp_types::HoverContents::Markup(lsp_types::MarkupContent {
                kind: lsp_types::MarkupKind::Markdown,
                value: text,
            }),
            range: Some(range),
        };
        Ok(serde_json::to_value(hover)?)
    }

    /// The places that define the predicate under the cursor.
    fn definition(&self, request: Request) -> Result<serde_json::Value, Failure> {
        let params: lsp_types::GotoDefinitionParams = serde_json::from_value(request.params)?;
        let place = params.text_document_position_params;
        let Some((path, name, _)) = self.predicate_under(&place) else {
            return Ok(serde_json::Value::Null);
        };
        let Some(engine) = self.engines.get(&path) else {
            return Ok(serde_json::Value::Null);
        };
        let locations: Vec<lsp_types::Location> = (engine.definitions(&name).iter())
            .map(|l| {
                let file = absolute(Path::new(&l.file));
                let text = self.text_of(&file);
                lsp_types::Location {
                    uri: uri_of(&file),
                    range: Range {
                        start: position(&text, l.range.start),
                        end: position(&text, l.range.end),
                    },
                }
            })
            .collect();
        Ok(serde_json::to_value(locations)?)
    }

    /// What may be typed: the program's predicates (with their arity),
    /// the model's symbols (the program evaluated within a second, else
    /// none) and the language's words; the editor filters them by what
    /// is typed.
    fn completion(&mut self, request: Request) -> Result<serde_json::Value, Failure> {
        use lsp_types::{CompletionItem, CompletionItemKind};
        let params: lsp_types::CompletionParams = serde_json::from_value(request.params)?;
        let path = path_of(&params.text_document_position.text_document.uri);
        let mut items = Vec::new();
        if let Some(engine) = self.engines.get_mut(&path) {
            evaluate_briefly(engine);
            for p in engine.predicates() {
                items.push(CompletionItem {
                    label: p.name.clone(),
                    kind: Some(CompletionItemKind::FUNCTION),
                    detail: Some(format!("{}/{}", p.name, p.arity)),
                    ..CompletionItem::default()
                });
            }
            for symbol in engine.symbols() {
                items.push(CompletionItem {
                    label: symbol,
                    kind: Some(CompletionItemKind::CONSTANT),
                    ..CompletionItem::default()
                });
            }
        }
        let words = [
            "if", "and", "not", "include", "import", "from", "to", "since", "until", "in", "at",
            "count", "sum", "min", "max",
        ];
        for word in words {
            items.push(CompletionItem {
                label: word.to_string(),
                kind: Some(CompletionItemKind::KEYWORD),
                ..CompletionItem::default()
            });
        }
        Ok(serde_json::to_value(items)?)
    }

    /// The document, the predicate named at the cursor, and the name's range.
    fn predicate_under(
        &self,
        place: &lsp_types::TextDocumentPositionParams,
    ) -> Option<(PathBuf, String, Range)> {
        let path = path_of(&place.text_document.uri);
        let text = self.text_of(&path);
        let (name, bytes) = predicate_at(&text, offset(&text, place.position))?;
        let range = Range {
            start: position(&text, bytes.start),
            end: position(&text, bytes.end),
        };
        Some((path, name, range))
    }

    /// The document's rules, facts, queries and includes, as symbols
    /// named by their first line.
    fn symbols(&self, request: Request) -> Result<serde_json::Value, Failure> {
        let params: lsp_types::DocumentSymbolParams = serde_json::from_value(request.params)?;
        let text = self.text_of(&path_of(&params.text_document.uri));
        let pieces = statements_of(&text).unwrap_or_default();
        #[allow(deprecated)] // `deprecated` is a required field of the type
        let symbols: Vec<DocumentSymbol> = pieces
            .iter()
            .map(|piece| {
                let range = Range {
                    start: position(&text, piece.range.start),
                    end: position(&text, piece.range.end),
                };
                let words = &text[piece.range.clone()];
                let name = words.lines().next().unwrap_or(words).trim().to_string();
                DocumentSymbol {
                    name,
                    detail: None,
                    kind: if piece.query {
                        SymbolKind::EVENT
                    } else {
                        SymbolKind::FUNCTION
                    },
                    tags: None,
                    deprecated: None,
                    range,
                    selection_range: range,
                    children: None,
                }
            })
            .collect();
        Ok(serde_json::to_value(DocumentSymbolResponse::Nested(
            symbols,
        ))?)
    }
}

/// Evaluates the program, when it is not, within a second: what hover and
/// completion show of the model is left out rather than waited for.
fn evaluate_briefly(engine: &mut Engine) {
    if !engine.is_current() {
        let budget = entente::Config {
            timeout: Some(std::time::Duration::from_secs(1)),
            ..entente::Config::default()
        };
        let _ = engine.run_with(&budget);
    }
}

fn publish(path: &Path, diagnostics: Vec<Diagnostic>) -> Notification {
    let params = PublishDiagnosticsParams {
        uri: uri_of(path),
        diagnostics,
        version: None,
    };
    Notification::new(PublishDiagnostics::METHOD.to_string(), params)
}

fn invalid(id: RequestId, e: Failure) -> Response {
    Response::new_err(
        id,
        lsp_server::ErrorCode::InvalidParams as i32,
        e.to_string(),
    )
}

/// The LSP position of byte `offset` of `text`: a line and a column in
/// UTF-16 code units, as the protocol counts by default.
fn position(text: &str, offset: usize) -> Position {
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
fn offset(text: &str, position: Position) -> usize {
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
fn path_of(uri: &Uri) -> PathBuf {
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
fn uri_of(path: &Path) -> Uri {
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
fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    }
}
