//! Diagnostics: one error enum per stage, and the edge where sources attach.
//!
//! Every variant has a stable `entente::...` code (SPEC §5), labels on
//! [`Span`]s and, where one helps, a help line. Spans are global offsets
//! into [`Sources`], so a variant never carries text or file names: the
//! [`Problem`] wrapper attaches the one `Sources` at the edge, and labels in
//! several files render, each under its own `file:line:col`.
//!
//! The library never prints; [`render`] turns a problem into text for the CLI
//! and the tests, which therefore see the same bytes.
//!
//! Why one file: it is the catalogue of every diagnostic (each a small
//! type with its code, message, labels and help), kept together so that
//! codes stay unique and the wording of each kind reads like the others'.

use std::fmt;

use miette::{Diagnostic, LabeledSpan, Severity};

pub use crate::source::Location;
use crate::source::{Sources, Span};

/// Syntax errors (`entente::parse`).
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
pub enum ParseError {
    /// pest could not go on.
    #[error("expected {expected}")]
    #[diagnostic(
        code(entente::parse),
        help("every statement is a fact, a rule, a query, an include or an import, and ends with `.`")
    )]
    Syntax {
        /// What the grammar would have accepted.
        expected: String,
        /// Where it stopped.
        #[label("here")]
        span: Span,
    },
    /// A validity or a question's `at` without its time point.
    #[error("expected a time point")]
    #[diagnostic(
        code(entente::parse),
        help("a time point is an integer, such as a year: `since 2010`, `from 1994 to 2001`, `in 2008`, `until 1991`, `? goal at 1995.`")
    )]
    TimePoint {
        /// Where the time point should be.
        #[label("not a time point")]
        span: Span,
    },
    /// A string whose closing quote is missing on its line.
    #[error("unterminated string")]
    #[diagnostic(
        code(entente::parse),
        help("close the string with `\"` on the same line; write a line break as `\\n`")
    )]
    UnterminatedString {
        /// From the opening quote to the end of the line.
        #[label("this string is not closed")]
        span: Span,
    },
    /// A backslash that starts no known escape.
    #[error("unknown escape in string")]
    #[diagnostic(
        code(entente::parse),
        help("the escapes are `\\\"`, `\\\\`, `\\n` and `\\t`; write a backslash as `\\\\`")
    )]
    BadEscape {
        /// The backslash and the character after it.
        #[label("not an escape")]
        span: Span,
    },
    /// A keyword where a name or term was expected.
    #[error("`{keyword}` is a keyword")]
    #[diagnostic(
        code(entente::parse),
        help("keywords cannot name predicates or constants; write the constant as a string, e.g. `\"{keyword}\"`")
    )]
    Keyword {
        /// The keyword.
        keyword: &'static str,
        /// Where it stands.
        #[label("a keyword cannot stand here")]
        span: Span,
    },
    /// An integer outside 64 bits, or a decimal outside a float's range.
    #[error("number out of range")]
    #[diagnostic(
        code(entente::parse),
        help("integers are 64-bit signed, from -9223372036854775808 to 9223372036854775807")
    )]
    NumberTooLarge {
        /// The number.
        #[label("does not fit in 64 bits")]
        span: Span,
    },
    /// Parentheses, braces or operators nested beyond the parser's limits.
    #[error("nested too deeply")]
    #[diagnostic(
        code(entente::parse),
        help("split the expression with intermediate variables")
    )]
    TooDeep {
        /// Where the limit was passed.
        #[label("too deep here")]
        span: Span,
    },
    /// A statement with more literals than the evaluator will nest.
    #[error("statement too long")]
    #[diagnostic(
        code(entente::parse),
        help("a statement has at most 1024 literals; split the rule with intermediate predicates")
    )]
    TooLong {
        /// The literal past the limit.
        #[label("literal 1025")]
        span: Span,
    },
    /// A goal text that holds more than one statement.
    #[error("expected one goal")]
    #[diagnostic(
        code(entente::parse),
        help("ask one goal at a time; join literals with `,` or `and` to ask them together")
    )]
    OneGoal {
        /// The statement after the goal.
        #[label("a second statement")]
        span: Span,
    },
    /// Bytes that are not UTF-8.
    #[error("the file is not valid UTF-8")]
    #[diagnostic(code(entente::parse), help("save the file as UTF-8"))]
    InvalidUtf8 {
        /// The first bad byte.
        #[label("invalid byte here")]
        span: Span,
    },
}

/// Reading files and resolving includes.
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
pub enum LoadError {
    /// A file that cannot be read.
    #[error("cannot read `{path}`: {reason}")]
    #[diagnostic(code(entente::io))]
    Io {
        /// The path as resolved.
        path: String,
        /// The operating system's words.
        reason: String,
        /// The include or import that named it, if any.
        #[label("named here")]
        span: Option<Span>,
    },
    /// A file that includes itself, directly or through others.
    #[error("include cycle: {cycle}")]
    #[diagnostic(
        code(entente::io),
        help("a file can only include files that do not include it back")
    )]
    IncludeCycle {
        /// The files on the cycle, `a -> b -> a`.
        cycle: String,
        /// The include that closes the cycle.
        #[label("this include closes the cycle")]
        span: Span,
    },
}

/// Problems the checker finds in a parsed program (SPEC §4).
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
pub enum CheckError {
    /// A variable that no positive atom or assignment binds.
    #[error("variable `{name}` is not bound ({place})")]
    #[diagnostic(code(entente::unsafe_variable))]
    UnsafeVariable {
        /// The variable.
        name: String,
        /// Where it occurs: "in the head", "in a negated atom", ...
        place: &'static str,
        /// The occurrence.
        #[label("`{name}` must first be bound by a positive body atom or an assignment")]
        span: Span,
        /// What to do about it.
        #[help]
        help: Option<String>,
    },
    /// A predicate used with two arities.
    #[error("`{predicate}` is used with {} here but with {} elsewhere", arguments(*found), arguments(*expected))]
    #[diagnostic(
        code(entente::arity),
        help("a predicate has one arity; rename one of them if they are different relations")
    )]
    Arity {
        /// The predicate.
        predicate: String,
        /// The arity of its first definition (its first use when nothing
        /// defines it).
        expected: usize,
        /// The arity here.
        found: usize,
        /// This use.
        #[label("{} here", arguments(*found))]
        span: Span,
        /// The definition (or first use), shown after this one.
        #[related]
        first: Vec<Note>,
    },
    /// Negation or aggregation inside a recursive cycle.
    #[error("{through} through recursion: {cycle}")]
    #[diagnostic(
        code(entente::negation_cycle),
        help("a predicate cannot depend on its own negation or aggregate; break the cycle")
    )]
    NegationCycle {
        /// "negation" or "aggregation".
        through: &'static str,
        /// The predicates on the cycle, `p -> q -> p`.
        cycle: String,
        /// The literal that negates or aggregates.
        #[label("{through} here")]
        span: Span,
        /// The rules that close the cycle, shown after it.
        #[related]
        rules: Vec<Note>,
    },
    /// A validity on a rule: only given facts say when they hold.
    #[error("a rule cannot say when its conclusion holds")]
    #[diagnostic(
        code(entente::validity),
        help("a derived fact holds when its premises do; give the validity to the facts it is derived from")
    )]
    ValidityOnRule {
        /// The validity.
        #[label("validity on a rule with premises")]
        span: Span,
    },
    /// An interval whose end is before its start.
    #[error("the interval ends ({to}) before it starts ({from})")]
    #[diagnostic(
        code(entente::validity),
        help("write the first time point first: `from {to} to {from}`")
    )]
    InvertedInterval {
        /// The first point as written.
        from: i64,
        /// The last point as written.
        to: i64,
        /// The validity.
        #[label("ends before it starts")]
        span: Span,
    },
    /// A `from NAME.` line or an import's `source NAME` naming no
    /// declared source.
    #[error("no source is called `{name}`")]
    #[diagnostic(code(entente::source))]
    UnknownSource {
        /// The name.
        name: String,
        /// Where it is named.
        #[label("not declared")]
        span: Span,
        /// A close name, or how to declare one.
        #[help]
        help: String,
    },
    /// One source name declared twice with different citations or
    /// coverage.
    #[error("source `{name}` is declared twice, differently")]
    #[diagnostic(
        code(entente::source),
        help("a source has one citation and one coverage; give the second one another name")
    )]
    SourceTwice {
        /// The name.
        name: String,
        /// The second declaration.
        #[label("declared again here")]
        span: Span,
        /// The first declaration.
        #[related]
        first: Vec<Note>,
    },
}

/// An instance of a constraint's body that holds (SPEC §14): the
/// constraint, the values, and the proofs of the premises.
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
#[error("constraint violated{}{when}", if instance.is_empty() { String::new() } else { format!(" with {instance}") })]
#[diagnostic(code(entente::violation))]
pub struct Violated {
    /// The variables' values, `X = a, Y = b`.
    pub instance: String,
    /// ` (from 1994 to 2000)` when the instance holds at some times only.
    pub when: String,
    /// The constraint.
    #[label("this constraint")]
    pub span: Span,
    /// The proofs of its premises.
    #[help]
    pub because: String,
}

/// Errors while evaluating (SPEC §3–4): they stop the run.
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
pub enum EvalError {
    /// Overflow, division by zero or arithmetic on a string.
    #[error("{message}")]
    #[diagnostic(
        code(entente::arithmetic),
        help("arithmetic is checked: no result is better than a wrong one; guard the rule with a comparison")
    )]
    Arithmetic {
        /// What went wrong, with the values.
        message: String,
        /// The expression or aggregate.
        #[label("while computing this")]
        span: Span,
    },
    /// Stopped on request (Ctrl-C, or the caller's cancellation flag).
    #[error("evaluation interrupted")]
    #[diagnostic(
        code(entente::interrupted),
        help("nothing of the interrupted work was kept")
    )]
    Interrupted {
        /// A rule that was being evaluated.
        #[label("evaluating this rule")]
        span: Span,
    },
    /// Longer than the time limit.
    #[error("evaluation took longer than {seconds} s")]
    #[diagnostic(
        code(entente::time_limit),
        help("a rule may be creating new values without bound; raise the time limit (`Config::timeout`) if the program is right")
    )]
    TimeLimit {
        /// The limit, in seconds.
        seconds: f64,
        /// A rule that was being evaluated.
        #[label("evaluating this rule")]
        span: Span,
    },
    /// A question stopped on request.
    #[error("question interrupted")]
    #[diagnostic(
        code(entente::interrupted),
        help("the engine is as it was; ask again, or a narrower question")
    )]
    QuestionInterrupted {
        /// The question.
        #[label("asking this")]
        span: Span,
    },
    /// A question longer than the time limit.
    #[error("answering took longer than {seconds} s")]
    #[diagnostic(
        code(entente::time_limit),
        help("a question that joins large relations can take long: narrow it, or raise the time limit (`Config::timeout`)")
    )]
    QuestionTimeLimit {
        /// The limit, in seconds.
        seconds: f64,
        /// The question.
        #[label("asking this")]
        span: Span,
    },
    /// More derived facts than allowed.
    #[error("more than {limit} derived facts")]
    #[diagnostic(
        code(entente::fact_limit),
        help("a rule may be creating new values without bound; raise the fact limit (`Config::max_facts`) if the program is right")
    )]
    FactLimit {
        /// The limit.
        limit: u64,
        /// The rule that passed it.
        #[label("this rule passed the limit")]
        span: Span,
    },
    /// The `dd` engine's workers could not run: a process of the cluster
    /// could not be reached, or a worker stopped.
    #[error("the dataflow could not run: {message}")]
    #[diagnostic(
        code(entente::cluster),
        help("every process of a cluster must start with the same program, the same hosts file and its own `--process`")
    )]
    Cluster {
        /// What timely dataflow said.
        message: String,
        /// A rule of the program run.
        #[label("running this program")]
        span: Span,
    },
}

impl EvalError {
    /// The error as a question's: a budget that stopped answering names
    /// the question, not a rule being evaluated.
    pub(crate) fn of_question(self) -> EvalError {
        match self {
            EvalError::Interrupted { span } => EvalError::QuestionInterrupted { span },
            EvalError::TimeLimit { seconds, span } => {
                EvalError::QuestionTimeLimit { seconds, span }
            }
            other => other,
        }
    }
}

/// A Rust value or name that is no term of the language
/// (`entente::value`): the text it was given as is the source its label
/// points into.
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
pub enum ValueError {
    /// A predicate name that the language cannot write.
    #[error("`{name}` is not a predicate name")]
    #[diagnostic(
        code(entente::value),
        help("a predicate starts with a lower-case letter, has only letters, digits and `_`, and is not a keyword")
    )]
    NotPredicate {
        /// The name.
        name: String,
        /// The name in the text.
        #[label("not a predicate")]
        span: Span,
    },
    /// A variable name that the language cannot write.
    #[error("`{name}` is not a variable name")]
    #[diagnostic(
        code(entente::value),
        help("a variable starts with an upper-case letter (or `_` and a letter or digit) and has only letters, digits and `_`; `Arg::Any` stands for `_`")
    )]
    NotVariable {
        /// The name.
        name: String,
        /// The name in the text.
        #[label("not a variable")]
        span: Span,
    },
    /// An integer beyond 64-bit signed.
    #[error("{text} does not fit in a 64-bit signed integer")]
    #[diagnostic(
        code(entente::value),
        help("integers are 64-bit signed, from -9223372036854775808 to 9223372036854775807")
    )]
    TooLarge {
        /// The number.
        text: String,
        /// The number in the text.
        #[label("too large")]
        span: Span,
    },
    /// A float that is NaN or infinite.
    #[error("{text} is not a finite number")]
    #[diagnostic(
        code(entente::value),
        help("decimals are finite: no constant stands for NaN or an infinity")
    )]
    NotFinite {
        /// The number.
        text: String,
        /// The number in the text.
        #[label("not finite")]
        span: Span,
    },
    /// An answer's value read as a type it is not.
    #[error("`{value}` is not {wanted}")]
    #[diagnostic(code(entente::value))]
    WrongType {
        /// The value, in canonical form.
        value: String,
        /// What was asked for ("an integer", "a string", ...).
        wanted: &'static str,
        /// The value in the text.
        #[label("here")]
        span: Span,
    },
    /// A variable an answer does not have.
    #[error("the answers have no variable `{name}`")]
    #[diagnostic(code(entente::value))]
    NoVariable {
        /// The name asked for.
        name: String,
        /// The name in the text.
        #[label("not a variable of the goal")]
        span: Span,
        /// The variables there are.
        #[help]
        help: String,
    },
}

/// A question asked before the program was evaluated.
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
#[error("the program is not evaluated")]
#[diagnostic(
    code(entente::not_evaluated),
    help("evaluate it first (`Engine::run`): a first load and a change that failed leave it unevaluated")
)]
pub struct NotEvaluated {
    /// The question.
    #[label("asked here")]
    pub span: Span,
}

/// A retraction that names nothing the program states (`entente::retract`).
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
pub enum RetractError {
    /// A fact that no fact statement or imported row gives.
    #[error("`{fact}` is not a given fact{}", if *derived { " (it is derived)" } else { "" })]
    #[diagnostic(code(entente::retract))]
    NotGiven {
        /// The fact, in canonical form.
        fact: String,
        /// True when the model derives it.
        derived: bool,
        /// The retraction.
        #[label("{}", if *derived { "derived by rules, not given" } else { "no fact statement or imported row gives this" })]
        span: Span,
        /// What to do instead.
        #[help]
        help: String,
    },
    /// A rule that the program does not have.
    #[error("the program has no such rule")]
    #[diagnostic(
        code(entente::retract),
        help("write the rule as the program has it (variable names included); the list of rules shows them")
    )]
    NoSuchRule {
        /// The rule as given.
        #[label("not a rule of the program")]
        span: Span,
    },
    /// A query, include or import.
    #[error("only facts and rules can be retracted")]
    #[diagnostic(code(entente::retract))]
    NotRetractable {
        /// The statement.
        #[label("not a fact or a rule")]
        span: Span,
    },
}

/// A graph asked of a predicate it cannot draw (`entente::graph`).
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
pub enum GraphError {
    /// No fact, rule or import has the predicate.
    #[error("unknown predicate `{name}`")]
    #[diagnostic(code(entente::graph))]
    UnknownPredicate {
        /// The name asked for.
        name: String,
        /// The name, among those asked for.
        #[label("no fact, rule or import has this predicate")]
        span: Span,
        /// Did you mean, or where the names are listed.
        #[help]
        help: String,
    },
    /// A predicate with fewer than two arguments: no line to draw.
    #[error("`{name}` has {arity} argument{}; a graph needs two or more", if *arity == 1 { "" } else { "s" })]
    #[diagnostic(
        code(entente::graph),
        help("a fact's first two arguments are the two ends of its line (the rest label it): name predicates of two or more arguments")
    )]
    Arity {
        /// The predicate.
        name: String,
        /// Its number of arguments.
        arity: usize,
        /// The name, among those asked for.
        #[label("{arity} argument{}", if *arity == 1 { "" } else { "s" })]
        span: Span,
    },
}

/// A data file that cannot be imported; nothing of it is loaded.
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
#[error("cannot import `{path}`{}: {reason}", line.map(|l| format!(" line {l}")).unwrap_or_default())]
#[diagnostic(code(entente::import))]
pub struct ImportError {
    /// The data file.
    pub path: String,
    /// The line of the file at fault, when one is.
    pub line: Option<u64>,
    /// What is wrong.
    pub reason: String,
    /// The import statement.
    #[label("imported here")]
    pub span: Span,
    /// A way out, when there is one.
    #[help]
    pub help: Option<String>,
}

/// A place that explains another diagnostic ("first used here").
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(severity(Advice))]
pub struct Note {
    /// What the place shows.
    pub message: String,
    /// The place.
    #[label]
    pub span: Span,
}

/// `1 argument`, `2 arguments`.
pub(crate) fn arguments(n: usize) -> String {
    match n {
        1 => "1 argument".to_string(),
        n => format!("{n} arguments"),
    }
}

/// Warnings: the program runs, but probably not as meant.
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
pub enum Warning {
    /// A body predicate with no facts, rules or import.
    #[error("`{predicate}` has no facts and no rules")]
    #[diagnostic(code(entente::undefined), severity(Warning))]
    Undefined {
        /// The predicate.
        predicate: String,
        /// Its use.
        #[label("never defined")]
        span: Span,
        /// A did-you-mean, when a known predicate is close.
        #[help]
        help: Option<String>,
    },
    /// A fact added to an engine that asks about one time point, which
    /// does not hold then: it is kept, but answers at that time do not
    /// see it.
    #[error("`{fact}` does not hold at {at}")]
    #[diagnostic(code(entente::not_at_time), severity(Warning))]
    NotAtTime {
        /// The fact.
        fact: String,
        /// The time point asked about.
        at: i64,
        /// When the fact holds.
        #[label("it holds {validity}")]
        span: Span,
        /// When the fact holds, in words.
        validity: String,
        /// What to do about it.
        #[help]
        help: String,
    },
    /// A file loaded again: its statements are in the program already.
    #[error("`{path}` is loaded already: its statements are in the program")]
    #[diagnostic(
        code(entente::already_loaded),
        severity(Warning),
        help("to read a changed file again, start afresh (`:reset` in the REPL) and load it")
    )]
    AlreadyLoaded {
        /// The path as given.
        path: String,
    },
    /// A named variable used only once in a rule.
    #[error("variable `{name}` is used only once")]
    #[diagnostic(
        code(entente::singleton),
        severity(Warning),
        help("write `_` or `_{name}` if it is meant to match anything")
    )]
    Singleton {
        /// The variable.
        name: String,
        /// Its only occurrence.
        #[label("only use")]
        span: Span,
    },
}

/// What kind of problem a [`Problem`] is, for a host to match on: one
/// kind per stable code, or a few codes together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Syntax (`entente::parse`).
    Parse,
    /// A predicate used with two arities (`entente::arity`).
    Arity,
    /// Another check of the program: an unsafe variable, negation or
    /// aggregation through recursion, a validity on a rule or inverted
    /// (`entente::unsafe_variable`, `entente::negation_cycle`,
    /// `entente::validity`).
    Check,
    /// A budget spent (`entente::fact_limit`, `entente::time_limit`).
    Limit(Limit),
    /// Cancelled through a [`crate::CancelToken`] (`entente::interrupted`).
    Interrupted,
    /// Overflow, division by zero, arithmetic on a string
    /// (`entente::arithmetic`).
    Arithmetic,
    /// A data file that cannot be imported (`entente::import`).
    Import,
    /// A file that cannot be read, an include cycle (`entente::io`).
    Io,
    /// A retraction of what the program does not state
    /// (`entente::retract`).
    Retract,
    /// A graph of a predicate it cannot draw (`entente::graph`).
    Graph,
    /// A Rust value or name that is no term (`entente::value`).
    Value,
    /// A question asked before the program was evaluated
    /// (`entente::not_evaluated`).
    NotEvaluated,
    /// A constraint's body holds (`entente::violation`, SPEC §14).
    Violation,
    /// A warning (`entente::undefined`, `entente::singleton`,
    /// `entente::not_at_time`, `entente::already_loaded`).
    Warning,
}

/// Which budget was spent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Limit {
    /// [`crate::Config::max_facts`].
    Facts,
    /// [`crate::Config::timeout`].
    Time,
}

impl ErrorKind {
    /// The kind of a stable code.
    fn of(code: &str) -> ErrorKind {
        match code {
            "entente::parse" => ErrorKind::Parse,
            "entente::arity" => ErrorKind::Arity,
            "entente::fact_limit" => ErrorKind::Limit(Limit::Facts),
            "entente::time_limit" => ErrorKind::Limit(Limit::Time),
            "entente::interrupted" => ErrorKind::Interrupted,
            "entente::arithmetic" => ErrorKind::Arithmetic,
            "entente::import" => ErrorKind::Import,
            "entente::io" => ErrorKind::Io,
            "entente::retract" => ErrorKind::Retract,
            "entente::graph" => ErrorKind::Graph,
            "entente::value" => ErrorKind::Value,
            "entente::not_evaluated" => ErrorKind::NotEvaluated,
            "entente::violation" => ErrorKind::Violation,
            "entente::undefined"
            | "entente::singleton"
            | "entente::not_at_time"
            | "entente::already_loaded" => ErrorKind::Warning,
            _ => ErrorKind::Check,
        }
    }
}

/// A problem as a face shows it: the help of a spent budget names the
/// face's own way to raise it (the command line's `--max-facts`,
/// Python's `max_facts=`) where the library names its setting
/// (`Config::max_facts`); otherwise the problem itself.
///
/// ```
/// use entente::{render, Config, Engine, Limit, Worded};
///
/// let mut engine = Engine::with_config(Config { max_facts: 10, ..Config::default() });
/// engine.load_source("n.rules", "n(0). n(Y) if n(X), Y = X + 1.")?;
/// let error = engine.run().unwrap_err();
/// let flag = |limit| match limit {
///     Limit::Facts => "with --max-facts",
///     Limit::Time => "with --timeout",
/// };
/// let text = render(&Worded::new(&error.problems()[0], flag), false);
/// assert!(text.contains("raise the fact limit with --max-facts"), "{text}");
/// # Ok::<(), entente::Error>(())
/// ```
#[derive(Debug)]
pub struct Worded<'a> {
    problem: &'a Problem,
    budget: fn(Limit) -> &'static str,
}

impl<'a> Worded<'a> {
    /// `problem`, its budget named by `budget` (what replaces
    /// `` (`Config::max_facts`) `` and `` (`Config::timeout`) ``).
    pub fn new(problem: &'a Problem, budget: fn(Limit) -> &'static str) -> Worded<'a> {
        Worded { problem, budget }
    }
}

impl fmt::Display for Worded<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.problem, f)
    }
}

impl std::error::Error for Worded<'_> {}

impl Diagnostic for Worded<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.problem.code()
    }
    fn severity(&self) -> Option<Severity> {
        self.problem.severity()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let help = self.problem.help()?;
        let ErrorKind::Limit(limit) = self.problem.kind() else {
            return Some(help);
        };
        let setting = ["(`Config::max_facts`)", "(`Config::timeout`)"];
        let words = (self.budget)(limit);
        let text = (setting.iter()).fold(help.to_string(), |text, s| text.replace(s, words));
        Some(Box::new(text))
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.problem.labels()
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        self.problem.related()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.problem.source_code()
    }
}

/// One diagnostic with the sources its spans point into.
pub struct Problem {
    inner: Box<dyn Diagnostic + Send + Sync>,
    sources: Sources,
}

impl Problem {
    /// Attaches the sources to a stage's diagnostic.
    pub fn new(inner: impl Diagnostic + Send + Sync + 'static, sources: &Sources) -> Problem {
        Problem {
            inner: Box::new(inner),
            sources: sources.clone(),
        }
    }

    /// True for a warning, which does not stop evaluation.
    pub fn is_warning(&self) -> bool {
        self.inner.severity() == Some(Severity::Warning)
    }

    /// Where the problem's first label starts (a global offset).
    pub fn first_offset(&self) -> Option<usize> {
        self.inner.labels()?.map(|l| l.offset()).min()
    }

    /// The stable code, e.g. `entente::parse`.
    pub fn code_str(&self) -> String {
        self.inner.code().map(|c| c.to_string()).unwrap_or_default()
    }

    /// What kind of problem this is.
    pub fn kind(&self) -> ErrorKind {
        ErrorKind::of(&self.code_str())
    }

    /// Where the problem's first label is, in the text it points into.
    pub fn location(&self) -> Option<Location> {
        let label = self.inner.labels()?.min_by_key(|l| l.offset())?;
        let span = Span::new(label.offset(), label.offset() + label.len());
        self.sources.locate(span)
    }

    /// Every label of the problem, in order of place: where it points and
    /// what it says there. The first is [`Problem::location`]'s; the
    /// others are the related places (a definition an arity clash
    /// contradicts, say).
    pub fn places(&self) -> Vec<(Location, Option<String>)> {
        let mut labels: Vec<LabeledSpan> = self.inner.labels().into_iter().flatten().collect();
        labels.sort_by_key(|l| l.offset());
        labels
            .into_iter()
            .filter_map(|l| {
                let span = Span::new(l.offset(), l.offset() + l.len());
                Some((self.sources.locate(span)?, l.label().map(str::to_string)))
            })
            .collect()
    }

    /// The help line, when there is one.
    pub fn help_text(&self) -> Option<String> {
        self.inner.help().map(|h| h.to_string())
    }
}

impl fmt::Debug for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Problem")
            .field("code", &self.code_str())
            .field("message", &self.inner.to_string())
            .finish()
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)
    }
}

impl std::error::Error for Problem {}

impl Diagnostic for Problem {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner.code()
    }
    fn severity(&self) -> Option<Severity> {
        self.inner.severity()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner.help()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.inner.labels()
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        self.inner.related()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.sources)
    }
}

/// Every problem of one failed load or run, in source order: the errors,
/// and the warnings found beside them. It is a diagnostic itself, whose
/// `related()` are the individual problems.
#[derive(Debug)]
pub struct Error {
    problems: Vec<Problem>,
}

impl Error {
    /// Wraps problems, sorted by place; callers pass at least one error.
    pub fn new(mut problems: Vec<Problem>) -> Error {
        problems.sort_by_key(|p| p.first_offset().unwrap_or(usize::MAX));
        Error { problems }
    }

    /// One problem alone.
    pub fn single(inner: impl Diagnostic + Send + Sync + 'static, sources: &Sources) -> Error {
        Error::new(vec![Problem::new(inner, sources)])
    }

    /// The individual problems, sorted by place.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The individual problems, sorted by place, taken out.
    pub fn into_problems(self) -> Vec<Problem> {
        self.problems
    }

    /// The kind of the first problem that is not a warning (of the first
    /// problem, if all are warnings).
    ///
    /// ```
    /// use entente::{Engine, ErrorKind};
    ///
    /// let mut engine = Engine::new();
    /// let error = engine.load_source("bad.rules", "p(X) if q(X").unwrap_err();
    /// assert_eq!(error.kind(), ErrorKind::Parse);
    /// let location = error.problems()[0].location().unwrap();
    /// assert_eq!((location.file.as_str(), location.line), ("bad.rules", 1));
    /// ```
    pub fn kind(&self) -> ErrorKind {
        let first = self.problems.iter().find(|p| !p.is_warning());
        first
            .or(self.problems.first())
            .map_or(ErrorKind::Check, Problem::kind)
    }

    /// Where the first problem that is not a warning is.
    pub fn location(&self) -> Option<Location> {
        let first = self.problems.iter().find(|p| !p.is_warning());
        first.or(self.problems.first())?.location()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problems.as_slice() {
            [one] => fmt::Display::fmt(one, f),
            many => write!(f, "{} errors", many.len()),
        }
    }
}

impl std::error::Error for Error {}

/// An error with one problem is that problem (rendered once); with
/// several, a count whose related diagnostics are the problems.
impl Diagnostic for Error {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.one().and_then(Diagnostic::code)
    }
    fn severity(&self) -> Option<Severity> {
        self.one().and_then(Diagnostic::severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.one().and_then(Diagnostic::help)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.one().and_then(Diagnostic::source_code)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.one().and_then(Diagnostic::labels)
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        match self.one() {
            Some(one) => one.related(),
            None => Some(Box::new(self.problems.iter().map(|p| p as &dyn Diagnostic))),
        }
    }
}

impl Error {
    /// The problem, when there is exactly one.
    fn one(&self) -> Option<&Problem> {
        match self.problems.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }
}

/// A diagnostic as plain text, for builds without the `fancy` feature:
/// `code: message`, then `  --> file:line:col: label` per label and
/// `  help: ...`, then the related diagnostics the same way.
#[cfg(not(feature = "fancy"))]
fn plain(
    out: &mut String,
    diagnostic: &dyn Diagnostic,
    source: Option<&dyn miette::SourceCode>,
) -> fmt::Result {
    use fmt::Write as _;
    let source = diagnostic.source_code().or(source);
    match diagnostic.code() {
        Some(code) => writeln!(out, "{code}: {diagnostic}")?,
        None => writeln!(out, "{diagnostic}")?,
    }
    for label in diagnostic.labels().into_iter().flatten() {
        let place = source
            .and_then(|s| s.read_span(label.inner(), 0, 0).ok())
            .map(|c| {
                format!(
                    "{}:{}:{}",
                    c.name().unwrap_or("<unknown>"),
                    c.line() + 1,
                    c.column() + 1
                )
            })
            .unwrap_or_default();
        match label.label() {
            Some(text) => writeln!(out, "  --> {place}: {text}")?,
            None => writeln!(out, "  --> {place}")?,
        }
    }
    if let Some(help) = diagnostic.help() {
        writeln!(out, "  help: {help}")?;
    }
    for related in diagnostic.related().into_iter().flatten() {
        plain(out, related, source)?;
    }
    Ok(())
}

/// Renders a diagnostic as the CLI prints it: with the `fancy` feature,
/// source snippets drawn with arrows (in colour when `color`); without it,
/// the same facts as plain text. Without colour the text is stable, which
/// the expected-output tests rely on.
pub fn render(diagnostic: &dyn Diagnostic, color: bool) -> String {
    let mut out = String::new();
    #[cfg(feature = "fancy")]
    let rendered = {
        let theme = if color {
            miette::GraphicalTheme::unicode()
        } else {
            miette::GraphicalTheme::unicode_nocolor()
        };
        miette::GraphicalReportHandler::new_themed(theme)
            .with_width(100)
            .with_links(false)
            .render_report(&mut out, diagnostic)
    };
    #[cfg(not(feature = "fancy"))]
    let rendered = {
        let _ = color;
        plain(&mut out, diagnostic, diagnostic.source_code())
    };
    if rendered.is_err() {
        out = format!("{diagnostic}\n");
    }
    out
}
