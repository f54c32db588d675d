//! `entente lsp` driven as a process over JSON-RPC, as an editor drives
//! it: diagnostics on open, an edit that introduces an error and one that
//! fixes it, a problem in an included file, formatting, symbols.
#![cfg(feature = "cli")]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::{json, Value};

struct Client {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    next: u64,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_entente"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("entente lsp starts");
        let input = child.stdin.take().unwrap();
        let output = BufReader::new(child.stdout.take().unwrap());
        let mut client = Client {
            child,
            input,
            output,
            next: 1,
        };
        let reply = client.request("initialize", json!({"capabilities": {}}));
        assert!(reply["result"]["capabilities"]["documentFormattingProvider"] == json!(true));
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: Value) {
        let text = message.to_string();
        write!(self.input, "Content-Length: {}\r\n\r\n{text}", text.len()).unwrap();
        self.input.flush().unwrap();
    }

    fn receive(&mut self) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            self.output.read_line(&mut line).unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = n.parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.output.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next;
        self.next += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.receive();
            if message["id"] == json!(id) {
                return message;
            }
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        loop {
            let message = self.receive();
            if message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
            {
                return message["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }

    fn stop(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        assert!(self.child.wait().unwrap().success());
    }
}

fn folder(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("entente-lsp-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn uri(path: &std::path::Path) -> String {
    format!("file://{}", path.display())
}

#[test]
fn diagnostics_follow_the_edits() {
    let dir = folder("edits");
    let path = dir.join("kb.rules");
    std::fs::write(&path, "").unwrap();
    let uri = uri(&path);
    let mut client = Client::start();
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "entente", "version": 1,
               "text": "treaty(armenia, russia).\nally(X, Y) if treaty(X, Y).\n"}}),
    );
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    // An edit that makes an unsafe rule, then one that mends it.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"text": "treaty(armenia, russia).\nally(X, Z) if treaty(X, Y).\n"}]}),
    );
    let found = client.diagnostics(&uri);
    let error = found.iter().find(|d| d["severity"] == 1).expect("an error");
    assert_eq!(error["code"], "entente::unsafe_variable");
    assert_eq!(error["source"], "entente");
    assert_eq!(error["range"]["start"], json!({"line": 1, "character": 8}));
    assert_eq!(error["range"]["end"], json!({"line": 1, "character": 9}));
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3},
               "contentChanges": [{"text": "treaty(armenia, russia).\nally(X, Y) if treaty(X, Y).\n"}]}),
    );
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    client.stop();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_problem_in_an_included_file_is_published_to_that_file() {
    let dir = folder("include");
    let main = dir.join("main.rules");
    let theory = dir.join("theory.rules");
    std::fs::write(&theory, "ally(X, Y) if treaty(X, Y\n").unwrap();
    std::fs::write(&main, "").unwrap();
    let mut client = Client::start();
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&main), "languageId": "entente", "version": 1,
               "text": "include \"theory.rules\".\ntreaty(a, b).\n"}}),
    );
    let mut seen = std::collections::HashMap::new();
    while seen.len() < 2 {
        let message = client.receive();
        if message["method"] == "textDocument/publishDiagnostics" {
            seen.insert(
                message["params"]["uri"].as_str().unwrap().to_string(),
                message["params"]["diagnostics"].clone(),
            );
        }
    }
    assert_eq!(seen[&uri(&main)], json!([]));
    let in_theory = seen[&uri(&theory)].as_array().unwrap();
    assert_eq!(in_theory[0]["code"], "entente::parse");
    assert_eq!(in_theory[0]["range"]["start"]["line"], 1);
    client.stop();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn formatting_and_symbols() {
    let dir = folder("format");
    let path = dir.join("kb.rules");
    let text = "ally(X,Y):-treaty(X,Y). treaty(a,b).\n? ally(a, Who).\n";
    std::fs::write(&path, "").unwrap();
    let uri = uri(&path);
    let mut client = Client::start();
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "entente", "version": 1, "text": text}}),
    );
    client.diagnostics(&uri);
    let reply = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    let edits = reply["result"].as_array().unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(
        edits[0]["newText"],
        "ally(X, Y) :- treaty(X, Y).\ntreaty(a, b).\n? ally(a, Who).\n"
    );
    assert_eq!(edits[0]["range"]["end"], json!({"line": 2, "character": 0}));
    let reply = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let names: Vec<&str> = reply["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["ally(X,Y):-treaty(X,Y).", "treaty(a,b).", "? ally(a, Who)."]
    );
    let unknown = client.request("textDocument/hover", json!({}));
    assert!(unknown["error"].is_object());
    client.stop();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn hover_and_definition_of_a_predicate_across_an_include() {
    let dir = folder("hover");
    let main = dir.join("main.rules");
    let theory = dir.join("theory.rules");
    std::fs::write(&theory, "# the theory\nally(X, Y) if treaty(X, Y).\n").unwrap();
    let text = "include \"theory.rules\".\ntreaty(armenia, russia).\ntreaty(georgia, turkey).\n? ally(armenia, Who).\n";
    std::fs::write(&main, text).unwrap();
    let main_uri = uri(&main);
    let mut client = Client::start();
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": main_uri, "languageId": "entente", "version": 1, "text": text}}),
    );
    client.diagnostics(&main_uri);
    // `ally` in the query, line 3.
    let at = json!({"textDocument": {"uri": main_uri}, "position": {"line": 3, "character": 3}});
    let hover = client.request("textDocument/hover", at.clone());
    let shown = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        shown.starts_with("**ally/2**: 2 facts in the model (0 given, 2 derived)"),
        "{shown}"
    );
    assert!(shown.contains("theory.rules:2"), "{shown}");
    assert_eq!(
        hover["result"]["range"]["start"],
        json!({"line": 3, "character": 2})
    );
    let found = client.request("textDocument/definition", at);
    let places = found["result"].as_array().unwrap();
    assert_eq!(places.len(), 1);
    assert_eq!(places[0]["uri"], uri(&theory));
    assert_eq!(
        places[0]["range"]["start"],
        json!({"line": 1, "character": 0})
    );
    // `treaty`: its two facts.
    let at = json!({"textDocument": {"uri": main_uri}, "position": {"line": 1, "character": 1}});
    let found = client.request("textDocument/definition", at);
    let lines: Vec<&Value> = found["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["range"]["start"]["line"])
        .collect();
    assert_eq!(lines, [&json!(1), &json!(2)]);
    // Completion: predicates with their arity, the model's symbols, words.
    let at = json!({"textDocument": {"uri": main_uri}, "position": {"line": 3, "character": 2}});
    let items = client.request("textDocument/completion", at);
    let items = items["result"].as_array().unwrap();
    let item = |label: &str| items.iter().find(|i| i["label"] == label).cloned();
    assert_eq!(item("ally").unwrap()["detail"], "ally/2");
    assert_eq!(item("treaty").unwrap()["detail"], "treaty/2");
    assert_eq!(item("georgia").unwrap()["kind"], 21, "a constant");
    assert_eq!(item("since").unwrap()["kind"], 14, "a keyword");
    // Nothing under a variable or a blank.
    let at = json!({"textDocument": {"uri": main_uri}, "position": {"line": 3, "character": 16}});
    assert_eq!(
        client.request("textDocument/hover", at)["result"],
        Value::Null
    );
    client.stop();
    std::fs::remove_dir_all(&dir).unwrap();
}
