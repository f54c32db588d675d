//! The command line (SPEC §7): clap parses the arguments, each subcommand
//! calls the library's public API, results go to stdout and diagnostics to
//! stderr. Exit codes: 0 success, 1 the program has errors, 2 bad usage
//! (clap's own exit code for usage errors).

mod check;
mod cluster;
mod explain;
mod fmt;
mod graph;
mod lsp;
mod progress;
mod repl;
mod report;
mod run;
mod what_if;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, Parser, Subcommand};
use entente::output::Format;
use entente::Config;

/// Entente: a rules engine for reasoning about alliances between states.
#[derive(Parser)]
#[command(name = "entente", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate rule files; print the answers to their queries, or the
    /// derived facts when they have none.
    Run {
        /// Rule files, evaluated together.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print every fact, given and derived.
        #[arg(long, conflicts_with = "derived")]
        all: bool,
        /// Print only derived facts.
        #[arg(long)]
        derived: bool,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        #[command(flatten)]
        budget: Budget,
        #[command(flatten)]
        engine: cluster::EngineArgs,
        /// Print per-stratum rounds, facts and times on stderr.
        #[arg(long)]
        stats: bool,
    },
    /// Show why a fact holds (its proof), or why it does not.
    Explain {
        /// The fact, e.g. `supports(turkey, azerbaijan)`.
        fact: String,
        /// Rule files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output format: text or json, or a picture of the proof: svg or
        /// dot [default: as the name of the -o file says (.json, .svg,
        /// .dot, .gv), else text].
        #[arg(long, value_parser = ["text", "json", "svg", "dot"])]
        format: Option<String>,
        /// Write the explanation to FILE rather than to stdout.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        budget: Budget,
        #[command(flatten)]
        engine: cluster::EngineArgs,
    },
    /// Draw the facts of predicates as a network: the first two arguments
    /// are the nodes, the rest label the line; one colour per predicate.
    /// SVG needs nothing installed; DOT is for Graphviz.
    #[command(override_usage = "entente graph <PRED>... <FILES>... [OPTIONS]")]
    Graph {
        /// Predicates to draw (e.g. `supports rivals`), then the rule files.
        #[arg(required = true, value_name = "PRED|FILE")]
        arguments: Vec<String>,
        /// Output format [default: from the -o file's extension (.dot, .gv,
        /// .json), else svg].
        #[arg(long, value_enum)]
        format: Option<graph::Picture>,
        /// Write the picture to this file instead of stdout.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// Draw only the first N lines, and the boxes they join (a note
        /// says how many were left out).
        #[arg(long, value_name = "N")]
        max_edges: Option<usize>,
        #[command(flatten)]
        budget: Budget,
    },
    /// Answer one goal, e.g. `supports(turkey, Who)`, against rule files.
    Query {
        /// The goal: literals separated by `,` or `and`.
        goal: String,
        /// Rule files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        #[command(flatten)]
        budget: Budget,
        #[command(flatten)]
        engine: cluster::EngineArgs,
    },
    /// Write a goal's answers at every time point of a range, one row per
    /// answer and point (unit-year data for statistics packages); where a
    /// source does not cover a point, the values it alone gives are empty.
    Panel {
        /// The goal, e.g. `dyad(A, B, Defense)`.
        goal: String,
        /// Rule files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The first time point.
        #[arg(long = "from", value_name = "T1", allow_hyphen_values = true)]
        from: i64,
        /// The last time point.
        #[arg(long = "to", value_name = "T2", allow_hyphen_values = true)]
        to: i64,
        /// The name of the time column.
        #[arg(long, value_name = "NAME", default_value = "t")]
        time_column: String,
        /// Output format: csv or json.
        #[arg(long, value_parser = ["csv", "json"], default_value = "csv")]
        format: String,
        #[command(flatten)]
        budget: Budget,
    },
    /// List the sources that the proofs of a goal's answers rest on, with
    /// their citations.
    Cite {
        /// The goal, e.g. `supports(turkey, Who)`.
        goal: String,
        /// Rule files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output format: text, or BibTeX-like entries.
        #[arg(long, value_parser = ["text", "bib"], default_value = "text")]
        format: String,
        #[command(flatten)]
        budget: Budget,
    },
    /// Show which derived facts would appear and disappear if given facts
    /// or rules were retracted and others added; the files are unchanged.
    #[command(name = "what-if")]
    WhatIf {
        /// Rule files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// A fact or rule to add, e.g. `treaty(iran, armenia, defense, 2024)`.
        #[arg(long, value_name = "FACT")]
        add: Vec<String>,
        /// A given fact or a rule to retract (the final `.` is optional).
        #[arg(long, value_name = "FACT")]
        retract: Vec<String>,
        /// Show the proof of each fact that would appear, and the proof lost
        /// by each fact that would disappear.
        #[arg(long)]
        explain: bool,
        /// Output format: text or json.
        #[arg(long, value_enum, default_value = "text", value_parser = ["text", "json"])]
        format: String,
        #[command(flatten)]
        budget: Budget,
    },
    /// An interactive session: statements extend the program, queries are
    /// answered at once, `:help` lists the commands (reads a script from
    /// stdin when it is not a terminal).
    Repl {
        /// Rule files to start with.
        files: Vec<PathBuf>,
        #[command(flatten)]
        budget: Budget,
        #[command(flatten)]
        engine: cluster::EngineArgs,
    },
    /// Each answer of a goal with the intervals in which it holds, e.g.
    /// `defends(X, armenia)` over rule files that say when facts hold.
    Timeline {
        /// The goal: literals separated by `,` or `and`.
        goal: String,
        /// Rule files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Say which given facts' starts and ends open and close each
        /// interval.
        #[arg(long)]
        explain: bool,
        /// List time in order instead, cut where the answers change, each
        /// stretch with the answers that hold then (text only; a count
        /// over time reads best so).
        #[arg(long, conflicts_with_all = ["explain", "format"])]
        by_time: bool,
        #[command(flatten)]
        budget: Budget,
        #[command(flatten)]
        engine: cluster::EngineArgs,
    },
    /// Print a completion script for a shell.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `entente man > entente.1`.
    Man,
    /// Parse and check rule files; print every diagnostic, run nothing.
    Check {
        /// Rule files to check together.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print the evaluation plan: each rule's join steps in the order
        /// they run, and the indexes they use.
        #[arg(long)]
        plan: bool,
    },
    /// Rewrite rule files in the canonical layout (comments kept, one
    /// statement a line, long bodies a literal a line); without files,
    /// format stdin to stdout.
    Fmt {
        /// Rule files to rewrite.
        files: Vec<PathBuf>,
        /// Change nothing; list the files that would change and exit 1 if
        /// any would.
        #[arg(long)]
        check: bool,
    },
    /// A language server (Language Server Protocol over stdin and stdout)
    /// for editors: diagnostics as you type, formatting, symbols.
    Lsp,
}

/// A `--timeout` value: seconds, possibly fractional, above zero.
fn seconds(text: &str) -> Result<Duration, String> {
    match text.parse::<f64>() {
        Ok(s) if s > 0.0 && s.is_finite() && s < 1e9 => Ok(Duration::from_secs_f64(s)),
        _ => Err("a number of seconds above 0, such as 2 or 0.5".into()),
    }
}

/// `--max-facts`, `--timeout`, `--jobs`, `--quiet` and `--at`, shared by
/// the commands that evaluate.
#[derive(clap::Args)]
struct Budget {
    /// Stop with an error after this many derived facts.
    #[arg(long, default_value_t = Config::default().max_facts)]
    max_facts: u64,
    /// Stop with an error when an evaluation takes longer than this many
    /// seconds.
    #[arg(long, value_name = "SECONDS", value_parser = seconds)]
    timeout: Option<Duration>,
    /// Threads a large join may be split across [default: every core];
    /// the output does not depend on it.
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// No live progress line on stderr (shown only on a terminal, for
    /// evaluations longer than a second).
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Ask about one time point (a year in the examples): only the facts
    /// that hold then count, and facts print without when they hold.
    #[arg(long, value_name = "T", allow_hyphen_values = true)]
    at: Option<i64>,
}

impl Budget {
    /// The evaluation settings.
    fn config(&self) -> Config {
        let default = Config::with_max_facts(self.max_facts);
        Config {
            timeout: self.timeout,
            jobs: self.jobs.map_or(default.jobs, usize::from),
            progress: progress::wanted(self.quiet),
            at: self.at,
            ..default
        }
    }
}

/// The settings of a command that can run on the `dd` engine; options
/// that do not fit are a usage error. A process of a cluster other than
/// process 0 prints nothing.
fn evaluating(budget: &Budget, engine: &cluster::EngineArgs) -> Config {
    match engine.apply(budget.config()) {
        Ok(config) => {
            if engine.process() != 0 {
                cluster::quiet_stdout();
            }
            config
        }
        Err(message) => Cli::command()
            .error(clap::error::ErrorKind::ArgumentConflict, message)
            .exit(),
    }
}

/// What `entente explain --format` asks for.
fn explain_shape(format: Option<&str>, output: Option<&Path>) -> explain::Shape {
    let extension = output.and_then(Path::extension).and_then(|e| e.to_str());
    match format.or(extension) {
        Some("json") => explain::Shape::Text(Format::Json),
        Some("svg") => explain::Shape::Picture(graph::Picture::Svg),
        Some("dot" | "gv") => explain::Shape::Picture(graph::Picture::Dot),
        _ => explain::Shape::Text(Format::Text),
    }
}

/// `entente graph PRED... FILE...`: the predicates and files told apart,
/// and a usage error when either is missing.
fn graph_command(
    arguments: &[String],
    format: Option<graph::Picture>,
    output: Option<&Path>,
    max_edges: Option<usize>,
    config: Config,
) -> ExitCode {
    let (predicates, files) = graph::split(arguments);
    if predicates.is_empty() || files.is_empty() {
        Cli::command()
            .error(
                clap::error::ErrorKind::MissingRequiredArgument,
                "name one predicate or more, then one rule file or more \
                 (e.g. `entente graph supports rivals rules/caucasus.rules`)",
            )
            .exit();
    }
    let format = format.unwrap_or_else(|| graph::Picture::of_path(output));
    graph::run(&predicates, &files, format, output, max_edges, config)
}

/// Runs the command line and returns the process's exit code: one arm
/// per command, each handing its options to the command's module.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { files, plan } => check::run(&files, plan),
        Command::Fmt { files, check } => fmt::run(&files, check),
        Command::Lsp => lsp::run(),
        Command::Run {
            files,
            all,
            derived,
            format,
            budget,
            engine,
            stats,
        } => run::run(
            &files,
            run::RunOptions {
                all,
                derived,
                format,
                config: evaluating(&budget, &engine),
                stats,
            },
        ),
        Command::Explain {
            fact,
            files,
            format,
            output,
            budget,
            engine,
        } => explain::run(
            &fact,
            &files,
            explain_shape(format.as_deref(), output.as_deref()),
            output.as_deref(),
            evaluating(&budget, &engine),
        ),
        Command::Graph {
            arguments,
            format,
            output,
            max_edges,
            budget,
        } => graph_command(
            &arguments,
            format,
            output.as_deref(),
            max_edges,
            budget.config(),
        ),
        Command::Query {
            goal,
            files,
            format,
            budget,
            engine,
        } => run::query(&goal, &files, format, evaluating(&budget, &engine)),
        Command::Panel {
            goal,
            files,
            from,
            to,
            time_column,
            format,
            budget,
        } => {
            let format = if format == "json" {
                Format::Json
            } else {
                Format::Csv
            };
            run::panel(
                &goal,
                &files,
                (from, to),
                &time_column,
                format,
                budget.config(),
            )
        }
        Command::Cite {
            goal,
            files,
            format,
            budget,
        } => run::cite(&goal, &files, format == "bib", budget.config()),
        Command::Timeline {
            goal,
            files,
            format,
            explain,
            by_time,
            budget,
            engine,
        } => {
            let shape = match (by_time, explain) {
                (true, _) => run::TimelineShape::ByTime,
                (false, true) => run::TimelineShape::Explained,
                (false, false) => run::TimelineShape::ByAnswer,
            };
            run::timeline(&goal, &files, format, shape, evaluating(&budget, &engine))
        }
        // The REPL answers at once; it has no progress line.
        Command::Repl {
            files,
            budget,
            engine,
        } => {
            if engine.is_cluster() {
                // Every process of a cluster takes the same steps; a REPL's
                // steps are typed into one of them.
                Cli::command()
                    .error(
                        clap::error::ErrorKind::ArgumentConflict,
                        "the REPL runs in one process: `--processes`, `--process` and `--hosts` go with run, query, explain and timeline",
                    )
                    .exit()
            }
            repl::run(
                &files,
                Config {
                    progress: None,
                    ..evaluating(&budget, &engine)
                },
            )
        }
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "entente",
                &mut std::io::stdout(),
            );
            ExitCode::SUCCESS
        }
        Command::Man => {
            match clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(_) => ExitCode::from(1),
            }
        }
        Command::WhatIf {
            files,
            add,
            retract,
            explain,
            format,
            budget,
        } => what_if::run(
            &files,
            what_if::WhatIfOptions {
                add,
                retract,
                explain,
                format: if format == "json" {
                    Format::Json
                } else {
                    Format::Text
                },
                config: budget.config(),
            },
        ),
    }
}
