//! A document's diagnostics: every problem `entente check` finds in it
//! and the files it includes, each published to the file it points into
//! (with its code, range, help and related places), and a problem in an
//! included file shown on the include line too.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use entente::{tokens_of, Engine, Problem, TokenKind};
use lsp_server::Notification;
use lsp_types::notification::{Notification as _, PublishDiagnostics};
use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    PublishDiagnosticsParams,
};

use super::text::{absolute, range, uri_of};
use super::{Documents, Server};

impl Server {
    /// Checks the document at `path` as `entente check` would: its
    /// diagnostics, grouped by the file they point into, and empty lists
    /// for the files whose problems are gone.
    pub(super) fn check(&mut self, path: &Path) -> Vec<Notification> {
        let mut engine = Engine::new();
        engine.set_files(self.documents.clone());
        let problems: Vec<Problem> = match engine.load_files(&[path]) {
            Ok(update) => {
                self.engines.insert(path.to_path_buf(), engine);
                update.warnings
            }
            Err(e) => e.into_problems(),
        };
        let mut by_file: HashMap<PathBuf, Vec<Diagnostic>> = HashMap::new();
        by_file.insert(path.to_path_buf(), Vec::new());
        let includes = Includes::of(&self.documents, path);
        for problem in &problems {
            let Some((file, diagnostic)) = self.diagnostic(problem) else {
                continue;
            };
            if file != path {
                if let Some(line) = includes.leading_to(&file) {
                    let shown = on_include_line(&diagnostic, &file, line);
                    by_file.entry(path.to_path_buf()).or_default().push(shown);
                }
            }
            by_file.entry(file).or_default().push(diagnostic);
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

    /// A problem as the protocol's diagnostic, and the file it is in.
    fn diagnostic(&self, problem: &Problem) -> Option<(PathBuf, Diagnostic)> {
        let mut places = problem.places().into_iter();
        let (first, _) = places.next()?;
        let file = absolute(Path::new(&first.file));
        let message = match problem.help_text() {
            Some(help) => format!("{problem}\nhelp: {help}"),
            None => problem.to_string(),
        };
        let related: Vec<DiagnosticRelatedInformation> = places
            .map(|(place, label)| {
                let file = absolute(Path::new(&place.file));
                DiagnosticRelatedInformation {
                    location: Location {
                        uri: uri_of(&file),
                        range: range(&self.text_of(&file), place.range),
                    },
                    message: label.unwrap_or_else(|| "related".to_string()),
                }
            })
            .collect();
        let diagnostic = Diagnostic {
            range: range(&self.text_of(&file), first.range),
            severity: Some(if problem.is_warning() {
                DiagnosticSeverity::WARNING
            } else {
                DiagnosticSeverity::ERROR
            }),
            code: Some(NumberOrString::String(problem.code_str())),
            source: Some("entente".to_string()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            ..Diagnostic::default()
        };
        Some((file, diagnostic))
    }
}

/// The diagnostic of a problem in an included file, shown on the line
/// that includes it: the same code and severity, and the problem's place
/// as related information.
fn on_include_line(diagnostic: &Diagnostic, file: &Path, line: lsp_types::Range) -> Diagnostic {
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    let mut related = vec![DiagnosticRelatedInformation {
        location: Location {
            uri: uri_of(file),
            range: diagnostic.range,
        },
        message: diagnostic.message.clone(),
    }];
    related.extend(diagnostic.related_information.iter().flatten().cloned());
    Diagnostic {
        range: line,
        message: format!("in included file {name}: {}", diagnostic.message),
        related_information: Some(related),
        ..diagnostic.clone()
    }
}

/// A document's includes and imports: the range of each path as written,
/// and every file it leads to (an include's own includes too).
struct Includes(Vec<(lsp_types::Range, HashSet<PathBuf>)>);

impl Includes {
    fn of(documents: &Documents, path: &Path) -> Includes {
        let text = documents.text_of(path);
        let mut lines = Vec::new();
        for (bytes, target) in paths_in(&text, path) {
            let mut reached = HashSet::new();
            let mut next = vec![target];
            while let Some(file) = next.pop() {
                if reached.insert(file.clone()) {
                    let inner = documents.text_of(&file);
                    next.extend(paths_in(&inner, &file).into_iter().map(|(_, p)| p));
                }
            }
            lines.push((range(&text, bytes), reached));
        }
        Includes(lines)
    }

    /// The path, in the document, of the include that leads to `file`.
    fn leading_to(&self, file: &Path) -> Option<lsp_types::Range> {
        let canonical = canonical(file);
        let found = self.0.iter().find(|(_, files)| files.contains(&canonical));
        found.map(|(line, _)| *line)
    }
}

/// Whether the document at `path` includes `file`, directly or through
/// the files it includes.
pub(super) fn includes(documents: &Documents, path: &Path, file: &Path) -> bool {
    Includes::of(documents, path).leading_to(file).is_some()
}

/// The include and import paths written in `text` (the file at `path`):
/// the bytes of each as written, and the file it names.
pub(super) fn paths_in(text: &str, path: &Path) -> Vec<(std::ops::Range<usize>, PathBuf)> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tokens = tokens_of(text).into_iter();
    tokens
        .filter(|t| t.kind == TokenKind::Path)
        .map(|t| {
            let written = text[t.range.start + 1..t.range.end - 1].to_string();
            let target = canonical(&dir.join(unescape(&written)));
            (t.range, target)
        })
        .collect()
}

/// A path as written in a string: `\"` and `\\` are one character.
fn unescape(written: &str) -> String {
    written.replace("\\\"", "\"").replace("\\\\", "\\")
}

/// The file's canonical path where it exists, else its absolute one.
fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| absolute(path))
}

pub(super) fn publish(path: &Path, diagnostics: Vec<Diagnostic>) -> Notification {
    let params = PublishDiagnosticsParams {
        uri: uri_of(path),
        diagnostics,
        version: None,
    };
    Notification::new(PublishDiagnostics::METHOD.to_string(), params)
}
