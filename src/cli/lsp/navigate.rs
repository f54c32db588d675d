//! What the editor asks of a place or a document: hover, go to
//! definition, references, rename, completion, document symbols,
//! semantic tokens and formatting, each answered from the library
//! (`token_at`, `tokens_of`, `variable_at`, `Engine::definitions`,
//! `Engine::references`, `format_source`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use entente::{
    format_source, is_predicate, is_variable, statements_of, token_at, tokens_of, variable_at,
    Engine, Token, TokenKind,
};
use lsp_server::Request;
use lsp_types::{
    CompletionItem, CompletionItemKind, DocumentSymbol, DocumentSymbolResponse, Hover,
    HoverContents, Location, MarkupContent, MarkupKind, Position, Range, SemanticToken,
    SemanticTokenType, SemanticTokens, SemanticTokensLegend, SymbolKind,
    TextDocumentPositionParams, TextEdit, WorkspaceEdit,
};
use serde_json::Value as Json;

use super::diagnostics::paths_in;
use super::text::{absolute, offset, path_of, range, uri_of, Lines};
use super::{Failure, Server};

/// Most places, facts or values a hover lists before "and N more".
const SHOWN: usize = 5;

/// The semantic token types, in the order `semantic_type` numbers them.
const TYPES: [SemanticTokenType; 10] = [
    SemanticTokenType::KEYWORD,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::ENUM_MEMBER,
    SemanticTokenType::STRING,
    SemanticTokenType::NUMBER,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::OPERATOR,
    SemanticTokenType::COMMENT,
    SemanticTokenType::NAMESPACE,
];

/// The legend the server announces for its semantic tokens.
pub(super) fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TYPES.to_vec(),
        token_modifiers: Vec::new(),
    }
}

/// A token kind's index in [`TYPES`]: predicates are functions, symbols
/// enum members, paths strings, import columns properties, sources
/// namespaces.
fn semantic_type(kind: TokenKind) -> u32 {
    match kind {
        TokenKind::Keyword => 0,
        TokenKind::Predicate => 1,
        TokenKind::Variable => 2,
        TokenKind::Symbol => 3,
        TokenKind::String | TokenKind::Path => 4,
        TokenKind::Number => 5,
        TokenKind::Column => 6,
        TokenKind::Operator => 7,
        TokenKind::Source => 9,
        _ => 8,
    }
}

impl Server {
    /// The document in canonical layout, as one edit (none when it is
    /// already, or does not parse: its diagnostics say why).
    pub(super) fn format(&self, request: Request) -> Result<Json, Failure> {
        let params: lsp_types::DocumentFormattingParams = serde_json::from_value(request.params)?;
        let path = path_of(&params.text_document.uri);
        let text = self.text_of(&path);
        let edits = match format_source(&path.display().to_string(), &text) {
            Ok(formatted) if formatted != text => vec![TextEdit {
                range: range(&text, 0..text.len()),
                new_text: formatted,
            }],
            _ => Vec::new(),
        };
        Ok(serde_json::to_value(edits)?)
    }

    /// What is under the cursor: of a predicate its arity, how many
    /// facts the model has (evaluated within a second, or left out) and
    /// where it is defined; of a variable what binds it in its statement
    /// (and in a query the values its answers give it); of an include or
    /// import path the file it names.
    pub(super) fn hover(&mut self, request: Request) -> Result<Json, Failure> {
        let params: lsp_types::HoverParams = serde_json::from_value(request.params)?;
        let Some((path, text, token)) = self.token_under(&params.text_document_position_params)
        else {
            return Ok(Json::Null);
        };
        let words = match token.kind {
            TokenKind::Predicate => self.predicate_hover(&path, &text[token.range.clone()]),
            TokenKind::Variable => self.variable_hover(&path, &text, token.range.start),
            TokenKind::Path => {
                let target = (paths_in(&text, &path).into_iter())
                    .find(|(bytes, _)| *bytes == token.range)
                    .map(|(_, target)| target);
                target.map(|t| format!("`{}`", t.display()))
            }
            _ => None,
        };
        let Some(value) = words else {
            return Ok(Json::Null);
        };
        let hover = Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            }),
            range: Some(range(&text, token.range)),
        };
        Ok(serde_json::to_value(hover)?)
    }

    fn predicate_hover(&mut self, path: &Path, name: &str) -> Option<String> {
        let engine = self.engines.get_mut(path)?;
        evaluate_briefly(engine);
        let info = engine.predicates().into_iter().find(|p| p.name == name)?;
        let mut text = format!("**{name}/{}**", info.arity);
        if let (Some(facts), Some(derived)) = (info.facts, info.derived) {
            let noun = if facts == 1 { "fact" } else { "facts" };
            text.push_str(&format!(
                ": {facts} {noun} in the model ({} given, {derived} derived)",
                facts - derived
            ));
        }
        let places = engine.definitions(name);
        if !places.is_empty() {
            let shown: Vec<String> = (places.iter().take(SHOWN))
                .map(|l| format!("{}:{}", l.file, l.line))
                .collect();
            text.push_str(&format!("\n\ndefined at {}", shown.join(", ")));
            text.push_str(&more(places.len()));
        }
        Some(text)
    }

    fn variable_hover(&mut self, path: &Path, text: &str, at: usize) -> Option<String> {
        let variable = variable_at(text, at)?;
        let name = &variable.name;
        let uses = variable.uses.len();
        let mut words = format!("**{name}**: variable, written {uses} times in this statement");
        if uses == 1 {
            words = format!("**{name}**: variable, written once in this statement");
        }
        if variable.bound_by.is_empty() {
            words.push_str("\n\nbound by no positive literal");
        } else {
            let lines: Vec<String> = (variable.bound_by.iter())
                .map(|b| format!("- `{b}`"))
                .collect();
            words.push_str(&format!("\n\nbound by\n{}", lines.join("\n")));
        }
        if variable.in_query {
            let engine = self.engines.get_mut(path)?;
            evaluate_briefly(engine);
            let goal = &text[variable.statement.clone()];
            if let Ok((answers, _)) = engine.query(goal) {
                let mut values: Vec<String> = Vec::new();
                for answer in answers.iter() {
                    if let Some(v) = answer.value(name).map(|v| v.to_string()) {
                        if !values.contains(&v) {
                            values.push(v);
                        }
                    }
                }
                let shown: Vec<&str> = values.iter().take(SHOWN).map(String::as_str).collect();
                words.push_str(&format!(
                    "\n\nin the answers: {}{}",
                    if shown.is_empty() {
                        "none".to_string()
                    } else {
                        shown.join(", ")
                    },
                    more(values.len())
                ));
            }
        }
        Some(words)
    }

    /// Of a predicate, the places that define it; of an include or import
    /// path, the file.
    pub(super) fn definition(&self, request: Request) -> Result<Json, Failure> {
        let params: lsp_types::GotoDefinitionParams = serde_json::from_value(request.params)?;
        let Some((path, text, token)) = self.token_under(&params.text_document_position_params)
        else {
            return Ok(Json::Null);
        };
        let locations = match token.kind {
            TokenKind::Predicate => {
                let Some(engine) = self.engines.get(&path) else {
                    return Ok(Json::Null);
                };
                self.locations(engine.definitions(&text[token.range]))
            }
            TokenKind::Path => (paths_in(&text, &path).into_iter())
                .filter(|(bytes, _)| *bytes == token.range)
                .map(|(_, target)| Location {
                    uri: uri_of(&target),
                    range: Range::default(),
                })
                .collect(),
            _ => return Ok(Json::Null),
        };
        Ok(serde_json::to_value(locations)?)
    }

    /// Every place that names the predicate under the cursor, across the
    /// document's files; of a variable, its uses in its statement.
    pub(super) fn references(&self, request: Request) -> Result<Json, Failure> {
        let params: lsp_types::ReferenceParams = serde_json::from_value(request.params)?;
        let place = params.text_document_position;
        let Some(found) = self.occurrences(&place) else {
            return Ok(Json::Null);
        };
        let locations: Vec<Location> = (found.into_iter())
            .flat_map(|(path, ranges)| {
                let uri = uri_of(&path);
                ranges.into_iter().map(move |range| Location {
                    uri: uri.clone(),
                    range,
                })
            })
            .collect();
        Ok(serde_json::to_value(locations)?)
    }

    /// Renames a predicate across the document's files, or a variable
    /// within its statement; refuses a new name that is not one.
    pub(super) fn rename(&self, request: Request) -> Result<Json, Failure> {
        let params: lsp_types::RenameParams = serde_json::from_value(request.params)?;
        let place = params.text_document_position;
        let Some((path, text, token)) = self.token_under(&place) else {
            return Ok(Json::Null);
        };
        let new_name = params.new_name;
        let fits = match token.kind {
            TokenKind::Predicate => is_predicate(&new_name),
            TokenKind::Variable => is_variable(&new_name),
            // Nothing to rename here (a constant, a word of the language).
            _ => return Ok(Json::Null),
        };
        if !fits {
            let what = match token.kind {
                TokenKind::Predicate => {
                    "a predicate's name (a lower-case letter, then letters, digits or `_`)"
                }
                _ => "a variable's name (a capital letter or `_`, then letters, digits or `_`)",
            };
            let old = &text[token.range];
            return Err(format!("`{new_name}` cannot rename `{old}`: it is not {what}").into());
        }
        // A name already taken would join two predicates, or two
        // variables of a rule, into one: a change of meaning.
        let taken = match token.kind {
            TokenKind::Predicate => (self.engines.get(&path))
                .map(|engine| engine.predicates().iter().any(|p| p.name == new_name))
                .unwrap_or_else(|| predicate_named(&text, &new_name)),
            _ => variable_at(&text, token.range.start).is_some_and(|v| {
                let statement = &text[v.statement.clone()];
                (tokens_of(statement).iter()).any(|t| {
                    t.kind == TokenKind::Variable && statement[t.range.clone()] == new_name
                })
            }),
        };
        if taken {
            let what = match token.kind {
                TokenKind::Predicate => "a predicate of the program",
                _ => "a variable of this statement",
            };
            return Err(format!("`{new_name}` is already {what}").into());
        }
        let Some(found) = self.occurrences(&place) else {
            return Ok(Json::Null);
        };
        #[allow(clippy::mutable_key_type)] // the protocol's map is keyed by URI
        let changes: HashMap<lsp_types::Uri, Vec<TextEdit>> = (found.into_iter())
            .map(|(path, ranges)| {
                let edits = (ranges.into_iter())
                    .map(|range| TextEdit {
                        range,
                        new_text: new_name.clone(),
                    })
                    .collect();
                (uri_of(&path), edits)
            })
            .collect();
        let edit = WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        };
        Ok(serde_json::to_value(edit)?)
    }

    /// The places, file by file, that name what is under the cursor: a
    /// predicate in every file of the document's program (the document
    /// alone when it does not load), a named variable in its statement.
    fn occurrences(
        &self,
        place: &TextDocumentPositionParams,
    ) -> Option<Vec<(PathBuf, Vec<Range>)>> {
        let (path, text, token) = self.token_under(place)?;
        match token.kind {
            TokenKind::Predicate => {
                let name = &text[token.range.clone()];
                let Some(engine) = self.engines.get(&path) else {
                    let alone = (tokens_of(&text).into_iter())
                        .filter(|t| {
                            t.kind == TokenKind::Predicate && &text[t.range.clone()] == name
                        })
                        .map(|t| range(&text, t.range))
                        .collect();
                    return Some(vec![(path, alone)]);
                };
                let mut by_file: Vec<(PathBuf, Vec<Range>)> = Vec::new();
                for location in self.locations(engine.references(name)) {
                    let file = path_of(&location.uri);
                    match by_file.iter_mut().find(|(f, _)| *f == file) {
                        Some((_, ranges)) => ranges.push(location.range),
                        None => by_file.push((file, vec![location.range])),
                    }
                }
                Some(by_file)
            }
            TokenKind::Variable => {
                let variable = variable_at(&text, token.range.start)?;
                let ranges = variable.uses.into_iter().map(|u| range(&text, u));
                Some(vec![(path, ranges.collect())])
            }
            _ => None,
        }
    }

    /// The library's places as the protocol's locations (each file's
    /// text read and indexed once, however many places it holds).
    fn locations(&self, places: Vec<entente::Location>) -> Vec<Location> {
        let mut texts: HashMap<&str, (lsp_types::Uri, String)> = HashMap::new();
        for place in &places {
            texts.entry(&place.file).or_insert_with(|| {
                let file = absolute(Path::new(&place.file));
                (uri_of(&file), self.text_of(&file))
            });
        }
        let lines: HashMap<&str, (&lsp_types::Uri, Lines<'_>)> = (texts.iter())
            .map(|(name, (uri, text))| (*name, (uri, Lines::new(text))))
            .collect();
        (places.iter())
            .map(|place| {
                let (uri, lines) = &lines[place.file.as_str()];
                Location {
                    uri: (*uri).clone(),
                    range: lines.range(place.range.clone()),
                }
            })
            .collect()
    }

    /// What may be typed where the cursor is: among an atom's arguments,
    /// the model's symbols (the program evaluated within a second, else
    /// none); elsewhere the program's predicates (with their arity) and
    /// the language's words. The editor filters them by what is typed.
    pub(super) fn completion(&mut self, request: Request) -> Result<Json, Failure> {
        let params: lsp_types::CompletionParams = serde_json::from_value(request.params)?;
        let place = params.text_document_position;
        let path = path_of(&place.text_document.uri);
        let text = self.text_of(&path);
        let arguments = in_arguments(&text, offset(&text, place.position));
        let mut items = Vec::new();
        if let Some(engine) = self.engines.get_mut(&path) {
            evaluate_briefly(engine);
            if arguments {
                for symbol in engine.symbols() {
                    items.push(CompletionItem {
                        label: symbol,
                        kind: Some(CompletionItemKind::CONSTANT),
                        ..CompletionItem::default()
                    });
                }
            } else {
                for p in engine.predicates() {
                    items.push(CompletionItem {
                        label: p.name.clone(),
                        kind: Some(CompletionItemKind::FUNCTION),
                        detail: Some(format!("{}/{}", p.name, p.arity)),
                        ..CompletionItem::default()
                    });
                }
            }
        }
        let words = [
            "if", "and", "not", "include", "import", "from", "to", "since", "until", "in", "at",
            "valid", "open", "count", "sum", "min", "max", "source", "covers", "never",
        ];
        for word in words.into_iter().filter(|_| !arguments) {
            items.push(CompletionItem {
                label: word.to_string(),
                kind: Some(CompletionItemKind::KEYWORD),
                ..CompletionItem::default()
            });
        }
        Ok(serde_json::to_value(items)?)
    }

    /// The document's tokens, each as the protocol encodes them: its line
    /// and start relative to the token before, its length in UTF-16
    /// units, its type.
    pub(super) fn semantic_tokens(&self, request: Request) -> Result<Json, Failure> {
        let params: lsp_types::SemanticTokensParams = serde_json::from_value(request.params)?;
        let text = self.text_of(&path_of(&params.text_document.uri));
        let lines = Lines::new(&text);
        let mut data = Vec::new();
        let mut last = Position::new(0, 0);
        for token in tokens_of(&text) {
            let start = lines.position(token.range.start);
            let length: usize = (text[token.range.clone()].chars())
                .map(char::len_utf16)
                .sum();
            let delta_line = start.line - last.line;
            let delta_start = match delta_line {
                0 => start.character - last.character,
                _ => start.character,
            };
            data.push(SemanticToken {
                delta_line,
                delta_start,
                length: length as u32,
                token_type: semantic_type(token.kind),
                token_modifiers_bitset: 0,
            });
            last = start;
        }
        let tokens = SemanticTokens {
            result_id: None,
            data,
        };
        Ok(serde_json::to_value(tokens)?)
    }

    /// The document's rules, facts, queries and includes, as symbols
    /// named by their first line.
    pub(super) fn symbols(&self, request: Request) -> Result<Json, Failure> {
        let params: lsp_types::DocumentSymbolParams = serde_json::from_value(request.params)?;
        let text = self.text_of(&path_of(&params.text_document.uri));
        let pieces = statements_of(&text).unwrap_or_default();
        #[allow(deprecated)] // `deprecated` is a required field of the type
        let symbols: Vec<DocumentSymbol> = pieces
            .iter()
            .map(|piece| {
                let range = range(&text, piece.range.clone());
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

    /// The document, its text, and the token at the cursor.
    fn token_under(&self, place: &TextDocumentPositionParams) -> Option<(PathBuf, String, Token)> {
        let path = path_of(&place.text_document.uri);
        let text = self.text_of(&path);
        let token = token_at(&text, offset(&text, place.position))?;
        Some((path, text, token))
    }
}

/// Whether byte `offset` of `text` stands among an atom's arguments: an
/// unclosed `(` (not a `{`) before it in its statement, which begins
/// after the `.` that ends the one before; strings and comments skipped,
/// as when statements are cut. It reads the text as typed, whole
/// statements or not.
fn in_arguments(text: &str, offset: usize) -> bool {
    let bytes = &text.as_bytes()[..offset.min(text.len())];
    let mut open: Vec<u8> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && !matches!(bytes[i], b'"' | b'\n') {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' | b'{' => open.push(bytes[i]),
            b')' | b'}' => {
                open.pop();
            }
            b'.' => {
                let decimal = i > 0
                    && bytes[i - 1].is_ascii_digit()
                    && text.as_bytes().get(i + 1).is_some_and(u8::is_ascii_digit);
                if !decimal {
                    open.clear();
                }
            }
            _ => {}
        }
        i += 1;
    }
    open.last() == Some(&b'(')
}

/// Whether `text` names a predicate `name`.
fn predicate_named(text: &str, name: &str) -> bool {
    (tokens_of(text).iter())
        .any(|t| t.kind == TokenKind::Predicate && &text[t.range.clone()] == name)
}

/// " and N more" when `count` is more than are shown.
fn more(count: usize) -> String {
    match count.saturating_sub(SHOWN) {
        0 => String::new(),
        n => format!(" and {n} more"),
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

#[cfg(test)]
mod tests {
    use super::in_arguments;

    /// Whether the place marked `|` is among an atom's arguments.
    fn at_bar(text: &str) -> bool {
        let offset = text.find('|').expect("a `|`");
        in_arguments(&text.replace('|', ""), offset)
    }

    #[test]
    fn arguments_are_inside_an_atoms_parentheses() {
        assert!(at_bar("ally(arm|"));
        assert!(at_bar("p(1.5, |"));
        assert!(at_bar("p(\"a(\", |"));
        assert!(at_bar("n(C) if C = count : { ally(a, |"));
        assert!(!at_bar("|ally(a, b)."));
        assert!(!at_bar("ally(a, b). tr|"));
        assert!(!at_bar("ally(X, Y) if tr|"));
        assert!(!at_bar("n(C) if C = count : { al|"));
        assert!(!at_bar("p(a). # q(|\nr"));
        assert!(!at_bar("p(\"x).\"). |"));
    }
}
