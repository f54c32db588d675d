//! `entente lsp` driven as a process over JSON-RPC, as an editor drives
//! it: diagnostics on open, an edit that introduces an error and one that
//! fixes it, a problem in an included file, formatting, symbols, hover,
//! definition, references, rename, completion, semantic tokens, and the
//! queries' answers as inlay hints (budgets, cancellation).
#![cfg(feature = "cli")]

use std::path::Path;

use serde_json::{json, Value};

mod lsp_client;

use lsp_client::{uri, Client};

/// A server of this build, initialized with `options`.
fn start_with(options: Value) -> Client {
    Client::start(Path::new(env!("CARGO_BIN_EXE_entente")), options)
}

fn start() -> Client {
    start_with(json!({}))
}

fn folder(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("entente-lsp-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn diagnostics_follow_the_edits() {
    let dir = folder("edits");
    let path = dir.join("kb.rules");
    std::fs::write(&path, "").unwrap();
    let uri = uri(&path);
    let mut client = start();
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
    let mut client = start();
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
    let in_theory = seen[&uri(&theory)].as_array().unwrap();
    assert_eq!(in_theory[0]["code"], "entente::parse");
    assert_eq!(in_theory[0]["range"]["start"]["line"], 1);
    // And on the include line, pointing at it.
    let on_include = seen[&uri(&main)].as_array().unwrap();
    assert_eq!(on_include.len(), 1);
    assert_eq!(on_include[0]["code"], "entente::parse");
    assert_eq!(
        on_include[0]["range"],
        json!({"start": {"line": 0, "character": 8}, "end": {"line": 0, "character": 22}})
    );
    let related = &on_include[0]["relatedInformation"][0]["location"];
    assert_eq!(related["uri"], uri(&theory));
    assert_eq!(related["range"]["start"]["line"], 1);
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
    let mut client = start();
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
    let mut client = start();
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
    // Completion where a predicate goes: predicates with their arity and
    // the language's words.
    let at = json!({"textDocument": {"uri": main_uri}, "position": {"line": 3, "character": 2}});
    let items = client.request("textDocument/completion", at);
    let items = items["result"].as_array().unwrap();
    let item = |label: &str| items.iter().find(|i| i["label"] == label).cloned();
    assert_eq!(item("ally").unwrap()["detail"], "ally/2");
    assert_eq!(item("treaty").unwrap()["detail"], "treaty/2");
    assert_eq!(item("since").unwrap()["kind"], 14, "a keyword");
    assert_eq!(item("georgia"), None, "no constant where a predicate goes");
    // Among an atom's arguments: the model's symbols.
    let at = json!({"textDocument": {"uri": main_uri}, "position": {"line": 3, "character": 9}});
    let items = client.request("textDocument/completion", at);
    let items = items["result"].as_array().unwrap();
    let item = |label: &str| items.iter().find(|i| i["label"] == label).cloned();
    assert_eq!(item("georgia").unwrap()["kind"], 21, "a constant");
    assert_eq!(item("treaty"), None, "no predicate among the arguments");
    assert_eq!(item("since"), None, "no keyword among the arguments");
    // A variable of a query: what binds it, and its values.
    let at = json!({"textDocument": {"uri": main_uri}, "position": {"line": 3, "character": 16}});
    let hover = client.request("textDocument/hover", at);
    assert_eq!(
        hover["result"]["contents"]["value"],
        "**Who**: variable, written once in this statement\n\nbound by\n- `ally(armenia, Who)`\n\nin the answers: russia"
    );
    // An include's path leads to its file; nothing under a blank.
    let at = json!({"textDocument": {"uri": main_uri}, "position": {"line": 0, "character": 12}});
    let found = client.request("textDocument/definition", at);
    assert_eq!(found["result"][0]["uri"], uri(&theory));
    let at = json!({"textDocument": {"uri": main_uri}, "position": {"line": 0, "character": 23}});
    assert_eq!(
        client.request("textDocument/hover", at)["result"],
        Value::Null
    );
    client.stop();
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Writes `text` to the file `name` in `dir`, opens it, and waits for
/// its diagnostics; returns its URI.
fn open(client: &mut Client, dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    let uri = uri(&path);
    client.open(&uri, text);
    uri
}

#[test]
fn references_and_rename_across_an_include() {
    let dir = folder("rename");
    let theory = dir.join("theory.rules");
    std::fs::write(
        &theory,
        "ally(X, Y) if treaty(X, Y).\nally(X, Y) if ally(Y, X).\n",
    )
    .unwrap();
    let mut client = start();
    let main = open(
        &mut client,
        &dir,
        "main.rules",
        "include \"theory.rules\".\ntreaty(armenia, russia).\n? ally(armenia, Who).\n",
    );
    let at = json!({"textDocument": {"uri": main}, "position": {"line": 1, "character": 2},
                    "context": {"includeDeclaration": true}});
    let found = client.request("textDocument/references", at.clone());
    let places: Vec<(String, u64)> = found["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let file = p["uri"].as_str().unwrap().rsplit('/').next().unwrap();
            (
                file.to_string(),
                p["range"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            ("main.rules".to_string(), 1),
            ("theory.rules".to_string(), 0)
        ]
    );
    // Rename the predicate in both files.
    let mut rename = at.clone();
    rename["newName"] = json!("pact");
    let edit = client.request("textDocument/rename", rename);
    let changes = &edit["result"]["changes"];
    assert_eq!(changes[&main].as_array().unwrap().len(), 1);
    assert_eq!(changes[&main][0]["newText"], "pact");
    assert_eq!(
        changes[uri(&theory)][0]["range"]["start"],
        json!({"line": 0, "character": 14})
    );
    // A name that is no predicate's is refused.
    let mut rename = at;
    rename["newName"] = json!("Pact");
    let refused = client.request("textDocument/rename", rename);
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("not a predicate's name"));
    // Nor one that is taken: two predicates, or two variables, would
    // become one.
    let mut rename =
        json!({"textDocument": {"uri": main}, "position": {"line": 1, "character": 2}});
    rename["newName"] = json!("ally");
    let refused = client.request("textDocument/rename", rename);
    assert_eq!(
        refused["error"]["message"],
        "`ally` is already a predicate of the program"
    );
    let theory_uri = uri(&theory);
    let at = json!({"textDocument": {"uri": theory_uri}, "position": {"line": 1, "character": 5},
                    "newName": "Y"});
    let refused = client.request("textDocument/rename", at);
    assert_eq!(
        refused["error"]["message"],
        "`Y` is already a variable of this statement"
    );
    // A variable is renamed within its statement only.
    let at = json!({"textDocument": {"uri": theory_uri}, "position": {"line": 1, "character": 5},
                    "newName": "First"});
    let edit = client.request("textDocument/rename", at);
    let edits = edit["result"]["changes"][&theory_uri].as_array().unwrap();
    let columns: Vec<(u64, u64)> = edits
        .iter()
        .map(|e| {
            let start = &e["range"]["start"];
            (
                start["line"].as_u64().unwrap(),
                start["character"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(columns, [(1, 5), (1, 22)]);
    client.stop();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn semantic_tokens_name_what_each_word_is() {
    let dir = folder("tokens");
    let mut client = start();
    let text = "# allies\nally(X, \"b\") if treaty(X, 1990), not war(X).\n";
    let main = open(&mut client, &dir, "kb.rules", text);
    let reply = client.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": main}}),
    );
    let data: Vec<u64> = reply["result"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    let tokens: Vec<&[u64]> = data.chunks(5).collect();
    // (line delta, start delta, length, type): comment, ally, X, "b",
    // if, treaty, X, 1990, not, war, X.
    let expected: [[u64; 4]; 11] = [
        [0, 0, 8, 8],
        [1, 0, 4, 1],
        [0, 5, 1, 2],
        [0, 3, 3, 4],
        [0, 5, 2, 0],
        [0, 3, 6, 1],
        [0, 7, 1, 2],
        [0, 3, 4, 5],
        [0, 7, 3, 0],
        [0, 4, 3, 1],
        [0, 4, 1, 2],
    ];
    let got: Vec<[u64; 4]> = tokens.iter().map(|t| [t[0], t[1], t[2], t[3]]).collect();
    assert_eq!(got, expected);
    let legend = client.request("initialize", json!({"capabilities": {}}));
    assert!(legend["error"].is_object(), "initialized once only");
    client.stop();
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The labels of the inlay hints of a document, with their lines; or the
/// error the request answered.
fn hints(client: &mut Client, uri: &str) -> Result<Vec<(u64, String)>, Value> {
    let reply = client.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": uri},
               "range": {"start": {"line": 0, "character": 0}, "end": {"line": 100, "character": 0}}}),
    );
    if reply["error"].is_object() {
        return Err(reply["error"].clone());
    }
    Ok(reply["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let line = h["position"]["line"].as_u64().unwrap();
            (line, h["label"].as_str().unwrap().to_string())
        })
        .collect())
}

#[test]
fn each_query_is_answered_inline() {
    let dir = folder("hints");
    let mut client = start();
    let text = "ally(armenia, russia).\nally(georgia, turkey).\nally(iran, armenia).\nally(france, armenia).\n\
                ally(Y, X) if ally(X, Y).\n? ally(armenia, Who).\n? ally(russia, armenia).\n? ally(russia, turkey).\n";
    let main = open(&mut client, &dir, "kb.rules", text);
    assert_eq!(
        hints(&mut client, &main).unwrap(),
        [
            (
                5,
                "3 answers: Who = france; Who = iran; Who = russia".to_string()
            ),
            (6, "true".to_string()),
            (7, "false".to_string()),
        ]
    );
    client.stop();
    // With the command line's budgets, set by the client.
    let mut client = start_with(json!({"maxFacts": 50}));
    let text = "n(0).\nn(Y) if n(X), Y = X + 1.\n? n(3).\n";
    let main = open(&mut client, &dir, "count.rules", text);
    let got = hints(&mut client, &main).unwrap();
    assert_eq!(got.len(), 1);
    assert!(
        got[0].1 == "not answered: more than 50 derived facts",
        "{got:?}"
    );
    client.stop();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_edit_cancels_a_slow_query() {
    let dir = folder("cancel");
    let mut client = start();
    // Counting to a billion, one round a number: it would take hours.
    let slow = "n(0).\nn(Y) if n(X), X < 1000000000, Y = X + 1.\n? n(5).\n";
    let main = open(&mut client, &dir, "slow.rules", slow);
    let id = client.next;
    client.next += 1;
    client.send(json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/inlayHint",
        "params": {"textDocument": {"uri": main},
                   "range": {"start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}}}}));
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": main, "version": 2},
               "contentChanges": [{"text": "n(0).\nn(Y) if n(X), X < 10, Y = X + 1.\n? n(5).\n"}]}),
    );
    let answer = loop {
        let message = client.receive();
        if message["id"] == json!(id) {
            break message;
        }
    };
    assert_eq!(answer["error"]["code"], -32801, "ContentModified: {answer}");
    assert_eq!(
        hints(&mut client, &main).unwrap(),
        [(2, "true".to_string())]
    );
    client.stop();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_edit_of_an_included_file_checks_the_files_that_include_it() {
    let dir = folder("dependents");
    let mut client = start();
    let theory = open(
        &mut client,
        &dir,
        "theory.rules",
        "ally(X, Y) if treaty(X, Y).\n",
    );
    let main = open(
        &mut client,
        &dir,
        "main.rules",
        "include \"theory.rules\".\ntreaty(a, b).\n",
    );
    // Break the included file in the editor, unsaved: the file that
    // includes it hears of it on its include line.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": theory, "version": 2},
               "contentChanges": [{"text": "ally(X, Z) if treaty(X, Y).\n"}]}),
    );
    let on_main = client.diagnostics(&main);
    let codes: Vec<&Value> = on_main.iter().map(|d| &d["code"]).collect();
    assert_eq!(codes, ["entente::unsafe_variable", "entente::singleton"]);
    assert_eq!(
        on_main[0]["range"]["start"],
        json!({"line": 0, "character": 8})
    );
    // Mended: cleared.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": theory, "version": 3},
               "contentChanges": [{"text": "ally(X, Y) if treaty(X, Y).\n"}]}),
    );
    assert_eq!(client.diagnostics(&main), Vec::<Value>::new());
    client.stop();
    std::fs::remove_dir_all(&dir).unwrap();
}
