//! The `entente` binary run as a process, as users run it.
#![cfg(feature = "cli")]

use std::process::{Command, Output};

fn entente(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_entente"))
        .args(args)
        .output()
        .expect("run entente")
}

/// The binary run with `input` on its stdin.
fn entente_with_stdin(args: &[&str], input: &str) -> Output {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_entente"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run entente");
    let mut stdin = child.stdin.take().expect("a stdin");
    stdin.write_all(input.as_bytes()).expect("input written");
    drop(stdin);
    child.wait_with_output().expect("entente ends")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn check_reports_every_error_with_code_and_place_and_exits_1() {
    let out = entente(&["check", "tests/cases/errors/parse_three_errors.rules"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.matches("entente::parse").count(), 3, "{err}");
    for place in [
        "parse_three_errors.rules:2:27",
        "parse_three_errors.rules:4:42",
        "parse_three_errors.rules:6:19",
    ] {
        assert!(err.contains(place), "missing {place} in {err}");
    }
    assert!(err.ends_with("entente: 3 errors\n"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn check_of_a_clean_file_prints_nothing_and_exits_0() {
    let out = entente(&[
        "check",
        "tests/cases/syntax/rules.rules",
        "tests/cases/syntax/facts.rules",
    ]);
    // Undefined predicates there are warnings: still exit 0.
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = entente(&["check", "tests/cases/errors/empty.rules"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty());
}

#[test]
fn warnings_alone_exit_0() {
    let out = entente(&["check", "tests/cases/errors/undefined_warning.rules"]);
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(
        err.contains("entente::undefined") && err.contains("did you mean `treaty`?"),
        "{err}"
    );
}

#[test]
fn bad_usage_exits_2() {
    assert_eq!(entente(&["check"]).status.code(), Some(2));
    assert_eq!(entente(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        entente(&["check", "--no-such-flag", "x.rules"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn graph_needs_predicates_then_files() {
    // No file, no predicate, and a format it does not draw.
    for args in [
        &["graph", "supports"][..],
        &[
            "graph",
            "rules/caucasus.rules",
            "rules/alliance_theory.rules",
        ],
        &[
            "graph",
            "supports",
            "rules/caucasus.rules",
            "--format",
            "png",
        ],
    ] {
        let out = entente(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
    }
    // A file that cannot be written.
    let out = entente(&[
        "graph",
        "supports",
        "rules/caucasus.rules",
        "-o",
        "no/such/dir/x.svg",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("entente::io"));
    assert!(stderr(&out).contains("no/such/dir/x.svg"));
}

#[test]
fn a_missing_file_is_an_io_error() {
    let out = entente(&["check", "no/such/file.rules"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("entente::io"));
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn run_answers_queries_and_query_answers_goals() {
    let out = entente(&["run", "tests/cases/eval/spec_example.rules"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "? ally(turkey, Who).\nWho = azerbaijan\n");
    let out = entente(&[
        "query",
        "ally(X, turkey)",
        "tests/cases/eval/spec_example.rules",
    ]);
    assert_eq!(stdout(&out), "X = azerbaijan\n");
    let out = entente(&[
        "query",
        "ally(turkey, azerbaijan).",
        "tests/cases/eval/spec_example.rules",
    ]);
    assert_eq!(stdout(&out), "true.\n");
    let out = entente(&[
        "query",
        "ally(iran, X)",
        "tests/cases/eval/spec_example.rules",
    ]);
    assert_eq!(
        (out.status.code(), stdout(&out).as_str()),
        (Some(0), "false.\n")
    );
}

#[test]
fn run_prints_facts_in_every_format() {
    let file = "tests/cases/eval/transitive_closure.rules";
    let all = stdout(&entente(&["run", file, "--all"]));
    assert!(
        all.starts_with("edge(a, b).\n") && all.contains("path(e, d).\n"),
        "{all}"
    );
    let derived = stdout(&entente(&["run", file, "--derived"]));
    assert!(!derived.contains("edge(") && derived.contains("path(a, b)."));
    let json = stdout(&entente(&["run", file, "--format", "json"]));
    assert!(
        json.starts_with("[\n{\"predicate\": \"path\", \"args\": [\"a\", \"b\"]},\n"),
        "{json}"
    );
    assert!(json.ends_with("}\n]\n"));
    let csv = stdout(&entente(&["run", file, "--format", "csv"]));
    assert!(csv.starts_with("path,a,b\npath,a,c\n"), "{csv}");
    let stats = entente(&["run", file, "--stats"]);
    assert!(stderr(&stats).contains("total"), "{}", stderr(&stats));
}

#[test]
fn query_errors_and_usage() {
    let file = "tests/cases/eval/spec_example.rules";
    let out = entente(&["query", "ally(X)", file]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("entente::arity"));
    let out = entente(&["query", "ally(X, Y", file]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("entente::parse"));
    assert_eq!(
        entente(&["run", file, "--all", "--derived"]).status.code(),
        Some(2)
    );
    assert_eq!(
        entente(&["run", file, "--format", "xml"]).status.code(),
        Some(2)
    );
}

/// The README's `entente explain` and `entente what-if` examples are what
/// the program prints (those shown whole, without `...`).
#[test]
fn readme_examples_are_current() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let mut checked = 0;
    for block in readme.split("```").skip(1).step_by(2) {
        let mut lines = block.lines().skip_while(|l| l.trim().is_empty());
        let Some(command) = lines.next().and_then(|l| l.strip_prefix("$ entente ")) else {
            continue;
        };
        let args = shell_words(command);
        if !matches!(args[0].as_str(), "explain" | "what-if") {
            continue;
        }
        let shown: Vec<&str> = lines.collect();
        if shown
            .iter()
            .any(|l| l.trim() == "..." || l.starts_with("$ "))
        {
            continue;
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = entente(&args);
        assert_eq!(
            stdout(&out).lines().collect::<Vec<_>>(),
            shown,
            "README example `entente {command}`"
        );
        checked += 1;
    }
    assert!(checked >= 4, "only {checked} README examples found");
}

/// Words of a command line, `'...'` quoting kept together.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '\'' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

#[test]
fn answers_in_json_and_csv() {
    let file = "tests/cases/eval/queries.rules";
    let json = stdout(&entente(&[
        "query",
        "supports(X, Y), X != Y",
        file,
        "--format",
        "json",
    ]));
    assert!(
        json.starts_with("{\"variables\": [\"X\", \"Y\"], \"holds\": true, \"answers\": [[\"armenia\", \"russia\"], "),
        "{json}"
    );
    let csv = stdout(&entente(&[
        "query",
        "supports(russia, Who)",
        file,
        "--format",
        "csv",
    ]));
    assert_eq!(csv, "Who\narmenia\n");
    let csv = stdout(&entente(&[
        "query",
        "supports(russia, armenia)",
        file,
        "--format",
        "csv",
    ]));
    assert_eq!(csv, "holds\ntrue\n");
    let all = stdout(&entente(&["run", file, "--format", "json"]));
    assert!(
        all.starts_with("[\n{\"query\": \"? supports(turkey, Who).\", \"variables\": [\"Who\"]"),
        "{all}"
    );
    assert!(all.trim_end().ends_with(']'));
}

#[test]
fn what_if_on_the_knowledge_base_lists_what_the_2010_clause_carries() {
    let out = entente(&[
        "what-if",
        "rules/caucasus.rules",
        "--retract",
        "clause(strategic_partnership_2010, mutual_support)",
        "--retract",
        "clause(strategic_partnership_2010, defense_if_attacked).",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    for line in [
        "- defends(turkey, azerbaijan) since 2010.",
        "- would_intervene(turkey, azerbaijan, armenia) since 2010.",
        "- escalation_risk(russia, turkey) since 2010.",
    ] {
        assert!(text.lines().any(|l| l == line), "missing {line} in\n{text}");
    }
    assert!(text.lines().all(|l| l.starts_with("- ")), "{text}");
    // The given facts retracted are not listed: they are the question.
    assert!(!text.contains("clause("), "{text}");
}

#[test]
fn what_if_errors_go_to_stderr_and_exit_1_usage_errors_exit_2() {
    let out = entente(&[
        "what-if",
        "rules/caucasus.rules",
        "--retract",
        "supports(turkey, azerbaijan)",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("entente::retract"),
        "{}",
        stderr(&out)
    );
    let out = entente(&["what-if", "--add", "p(1)"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn what_if_json_lists_changes_and_proofs() {
    let out = entente(&[
        "what-if",
        "rules/examples/quickstart.rules",
        "--add",
        "treaty(georgia, turkey, strategic_partnership, 2012)",
        "--explain",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("{\"changes\": [{\"predicate\": \"supports\", \"appeared\": [\"supports(georgia, turkey)\""), "{text}");
    assert!(
        text.contains("\"gained\": [{\"fact\": \"supports(georgia, turkey)\""),
        "{text}"
    );
    assert!(text.trim_end().ends_with("\"lost\": []}"), "{text}");
}

/// The README's REPL transcript is what a session typed into `entente
/// repl` prints: lines after `entente> ` and `     ... ` are typed, the
/// others printed.
#[test]
fn readme_repl_transcript_is_current() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let block = readme
        .split("```")
        .skip(1)
        .step_by(2)
        .find(|b| b.trim_start().starts_with("$ entente repl "))
        .expect("a REPL transcript in README.md");
    let mut lines = block.trim_start().lines();
    let command = lines.next().unwrap().strip_prefix("$ entente ").unwrap();
    let (mut typed, mut shown) = (String::new(), String::new());
    for line in lines {
        match line
            .strip_prefix("entente> ")
            .or_else(|| line.strip_prefix("     ... "))
        {
            Some(input) => typed.push_str(&format!("{input}\n")),
            None => shown.push_str(&format!("{line}\n")),
        }
    }
    let args = shell_words(command);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = entente_with_stdin(&args, &typed);
    assert_eq!(stdout(&out), shown, "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn completions_and_man_page_come_from_the_command_line_definitions() {
    for shell in ["bash", "zsh", "fish"] {
        let out = entente(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = stdout(&out);
        assert!(
            script.contains("what-if") && script.contains("repl"),
            "{shell}: {script}"
        );
    }
    let man = stdout(&entente(&["man"]));
    assert!(
        man.starts_with(".ie") || man.contains(".TH entente"),
        "{man}"
    );
    assert!(man.contains("repl"), "{man}");
    assert_eq!(entente(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn output_does_not_depend_on_the_number_of_jobs() {
    // Large enough that joins are split and the printing is done in
    // blocks on several threads: 5,000 numbers, their decimal halves,
    // strings, and a closure of 20,000 pairs.
    let dir = std::env::temp_dir().join(format!("entente-jobs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("jobs.rules");
    std::fs::write(
        &file,
        "n(0).\n\
         n(Y) if n(X), X < 4999, Y = X + 1.\n\
         half(X, H) if n(X), H = X / 2.0.\n\
         named(X, \"a b\") if n(X), X % 3 = 0.\n\
         step(X, Y) if n(X), Y = X + 1, Y % 250 != 0, n(Y).\n\
         reach(X, Y) if step(X, Y), X < 1000.\n\
         reach(X, Z) if reach(X, Y), step(Y, Z).\n",
    )
    .expect("write the program");
    let path = file.to_str().expect("utf-8 path");
    let one = entente(&["run", path, "--jobs", "1"]);
    let two = entente(&["run", path, "--jobs", "2"]);
    // The fact limit is the same in split joins: exact, not per part.
    let limited: Vec<Output> = ["1", "2"]
        .iter()
        .map(|jobs| entente(&["run", path, "--jobs", jobs, "--max-facts", "7000"]))
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    for out in &limited {
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(out).contains("entente::fact_limit"),
            "{}",
            stderr(out)
        );
    }
    assert_eq!(stderr(&limited[0]), stderr(&limited[1]));
    assert!(one.status.success(), "{}", stderr(&one));
    assert!(two.status.success(), "{}", stderr(&two));
    let text = String::from_utf8_lossy(&one.stdout);
    assert!(text.contains("half(4999, 2499.5).\n"), "{}", &text[..200]);
    assert!(text.contains("named(4998, \"a b\").\n"));
    assert!(text.lines().count() > 20_000);
    assert!(one.stdout == two.stdout, "outputs differ");
}

#[test]
fn a_time_limit_stops_one_large_join_in_a_query() {
    let dir = std::env::temp_dir().join(format!("entente-join-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("m.rules");
    let facts: String = (0..3_000).map(|i| format!("m({i}).\n")).collect();
    std::fs::write(
        &file,
        format!("{facts}? m(X), m(Y), m(Z), X + Y + Z = 1.\n"),
    )
    .unwrap();
    let file = file.to_str().unwrap();
    // Without the budget each would read 2.7 * 10^10 rows.
    let goal = "m(X), m(Y), m(Z), X + Y + Z = 1";
    for args in [
        vec!["run", file, "--timeout", "0.2"],
        vec!["query", goal, file, "--timeout", "0.2"],
    ] {
        let out = entente(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = stderr(&out);
        assert!(err.contains("entente::time_limit"), "{err}");
        assert!(err.contains("raise the time limit"), "{err}");
        assert!(
            err.contains("--timeout") && !err.contains("Config::"),
            "{err}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn options_go_anywhere_between_arguments() {
    let kb = "rules/caucasus.rules";
    let theory = "rules/alliance_theory.rules";
    // Each command with its options last, then the same words reordered.
    let cases: &[(&[&str], &[&[&str]])] = &[
        (
            &[
                "graph", "supports", "rivals", kb, "--at", "1995", "--format", "dot",
            ],
            &[
                &[
                    "graph", "supports", "rivals", "--at", "1995", kb, "--format", "dot",
                ],
                &[
                    "graph", "supports", "--format", "dot", "rivals", kb, "--at", "1995",
                ],
                &[
                    "graph", "--at", "1995", "supports", "rivals", "--format", "dot", kb,
                ],
            ],
        ),
        (
            &["graph", "supports", kb, "--format", "json"],
            &[&["graph", "supports", "--format", "json", kb]],
        ),
        (
            &["run", kb, theory, "--at", "1995", "-j", "1"],
            &[&["run", kb, "--at", "1995", theory, "-j", "1"]],
        ),
        (
            &[
                "query",
                "supports(turkey, Who)",
                kb,
                "--at",
                "2012",
                "--format",
                "csv",
            ],
            &[&[
                "query",
                "--at",
                "2012",
                "supports(turkey, Who)",
                "--format",
                "csv",
                kb,
            ]],
        ),
        (
            &[
                "explain",
                "supports(turkey, azerbaijan)",
                kb,
                "--at",
                "2012",
            ],
            &[&[
                "explain",
                "--at",
                "2012",
                "supports(turkey, azerbaijan)",
                kb,
            ]],
        ),
        (
            &["timeline", "supports(turkey, Who)", kb, "--format", "json"],
            &[&["timeline", "supports(turkey, Who)", "--format", "json", kb]],
        ),
        (
            &[
                "what-if",
                kb,
                theory,
                "--retract",
                "clause(strategic_partnership_2010, mutual_support)",
            ],
            &[&[
                "what-if",
                kb,
                "--retract",
                "clause(strategic_partnership_2010, mutual_support)",
                theory,
            ]],
        ),
    ];
    for (canonical, reordered) in cases {
        let expected = entente(canonical);
        assert_eq!(
            expected.status.code(),
            Some(0),
            "{canonical:?}: {}",
            stderr(&expected)
        );
        assert!(!expected.stdout.is_empty(), "{canonical:?}");
        for args in reordered.iter() {
            let out = entente(args);
            assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
            assert_eq!(stdout(&out), stdout(&expected), "{args:?}");
        }
    }
    // `-o` between the predicates and the files.
    let dir = std::env::temp_dir().join(format!("entente-graph-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let svg = dir.join("y.svg");
    let svg = svg.to_str().unwrap();
    let out = entente(&["graph", "supports", "-o", svg, kb]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(std::fs::read_to_string(svg).unwrap().starts_with("<svg"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn explain_writes_to_a_file_in_the_format_its_name_asks_for() {
    let kb = "rules/caucasus.rules";
    let fact = "defends(turkey, azerbaijan)";
    let dir = std::env::temp_dir().join(format!("entente-explain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = |name: &str| dir.join(name).to_str().unwrap().to_string();
    for (name, format, starts) in [
        ("proof.svg", None, "<svg"),
        ("proof.dot", None, "digraph"),
        ("proof.json", None, "{\"holds\": true"),
        ("proof.txt", None, "defends(turkey, azerbaijan) at 2010"),
        ("proof.out", Some("json"), "{\"holds\": true"),
    ] {
        let path = file(name);
        let mut args = vec!["explain", fact, kb, "-o", &path];
        if let Some(format) = format {
            args.extend(["--format", format]);
        }
        let out = entente(&args);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{name}");
        let written = std::fs::read_to_string(&path).unwrap();
        assert!(written.starts_with(starts), "{name}: {written}");
    }
    let out = entente(&["explain", fact, kb, "-o", "no/such/dir/p.svg"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("entente::io"), "{}", stderr(&out));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn fmt_rewrites_files_checks_them_and_leaves_broken_ones_alone() {
    let dir = std::env::temp_dir().join(format!("entente-fmt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let messy = dir.join("messy.rules");
    let broken = dir.join("broken.rules");
    let path = |p: &std::path::Path| p.to_str().unwrap().to_string();
    std::fs::write(&messy, "ally(X,Y) :- treaty(X,Y).  treaty(a,b).\n").unwrap();
    std::fs::write(&broken, "treaty(a, b\n").unwrap();
    let tidy = "ally(X, Y) :- treaty(X, Y).\ntreaty(a, b).\n";

    let out = entente(&["fmt", "--check", &path(&messy)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("messy.rules would change"),
        "{}",
        stdout(&out)
    );
    assert_ne!(
        std::fs::read_to_string(&messy).unwrap(),
        tidy,
        "--check changes nothing"
    );

    let out = entente(&["fmt", &path(&messy)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), tidy);
    assert_eq!(
        entente(&["fmt", "--check", &path(&messy)]).status.code(),
        Some(0)
    );

    let out = entente(&["fmt", &path(&broken)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("entente::parse"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&broken).unwrap(), "treaty(a, b\n");

    let out = entente_with_stdin(&["fmt"], "p(a).q(b).");
    assert_eq!(stdout(&out), "p(a).\nq(b).\n");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `panel` and `cite` as a user runs them: unit-year rows with an empty
/// field where a source does not cover, the sources behind answers, and a
/// time column that clashes with a variable refused as bad usage.
#[test]
fn panel_and_cite_as_processes() {
    let dir = std::env::temp_dir().join(format!("entente-cli-panel-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("kb.rules");
    std::fs::write(
        &file,
        "source mid \"MID 5.0\" covers 1816 to 2014.\n\
         state(a). state(b).\n\
         from mid.\n\
         dispute(a, b) in 2014.\n\
         fought(X, Y, 1) if dispute(X, Y).\n\
         fought(X, Y, 0) if state(X), state(Y), X != Y, not dispute(X, Y).\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let goal = "state(X), state(Y), X != Y, fought(X, Y, F)";
    let out = entente(&[
        "panel",
        goal,
        file,
        "--from",
        "2014",
        "--to",
        "2015",
        "--time-column",
        "year",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "X,Y,F,year\na,b,1,2014\nb,a,0,2014\na,b,,2015\nb,a,,2015\n"
    );
    let out = entente(&[
        "panel", goal, file, "--from", "2015", "--to", "2015", "--format", "json",
    ]);
    assert_eq!(
        stdout(&out),
        "[\n{\"X\": \"a\", \"Y\": \"b\", \"F\": null, \"t\": 2015},\n{\"X\": \"b\", \"Y\": \"a\", \"F\": null, \"t\": 2015}\n]\n"
    );
    let out = entente(&[
        "panel",
        goal,
        file,
        "--from",
        "2014",
        "--to",
        "2014",
        "--time-column",
        "F",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = entente(&["cite", "fought(a, b, F)", file, "--at", "2014"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "mid: MID 5.0 (covers 1816 to 2014; 1 fact)\n");
    let out = entente(&[
        "cite",
        "fought(a, b, F)",
        file,
        "--at",
        "2014",
        "--format",
        "bib",
    ]);
    assert_eq!(
        stdout(&out),
        "@misc{mid,\n  title = {MID 5.0},\n  note = {covers 1816 to 2014; 1 fact},\n}\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
