//! `Core`: one engine, shared by the Python threads that hold it. Every
//! call takes the GIL off while the engine works (guard.rs), and returns
//! plain data (lists, strings, tuples) that `entente/__init__.py` shapes
//! into the classes of SPEC §11.
//!
//! The engine sits behind a read-write lock: questions (`query`,
//! `explain`, `graph`, ...) share it, as the library allows (`&self`);
//! changes take it alone. The model is evaluated when a question or a
//! change first needs it, within the engine's budgets, never behind the
//! caller's back: a budget spent is the call's error.

use std::path::PathBuf;
use std::sync::{PoisonError, RwLock};
use std::time::Duration;

use entente::{Answers, Change, ChangeSet, Config, Engine, Error, Explanation, Fact};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::calls::{Call, Calls, Failure};
use crate::errors::{interrupted, rendered, to_py};
use crate::guard::guarded;
use crate::values::{columns, facts_of_columns, facts_of_rows};

/// What a change did: the facts that appeared and disappeared (canonical
/// text, with when they changed over time unless always), and warnings.
type Changed = (Vec<String>, Vec<String>, Vec<String>);

/// Answers as data: variables, one column per variable (values.rs), how
/// many answers, and when each answer holds as text (over every time of a
/// program that says when facts hold) or as intervals (`None` for an open
/// end), warnings, and where the goal is unknown (SPEC §14): the sources
/// that do not cover, and when as text (`None` at a time point).
type Table<'py> = (
    Vec<String>,
    Vec<(&'static str, Bound<'py, PyAny>)>,
    usize,
    Option<Vec<String>>,
    Option<Vec<Vec<(Option<i64>, Option<i64>)>>>,
    Vec<String>,
    Option<(Vec<String>, Option<String>)>,
);

/// A panel as data: variables, a column per variable, the time points,
/// warnings.
type PanelColumns<'py> = (Vec<String>, Vec<Bound<'py, PyList>>, Vec<i64>, Vec<String>);

/// The engine of one `entente.Engine`.
#[pyclass(frozen, module = "entente._entente")]
pub struct Core {
    engine: RwLock<Engine>,
    /// The budgets and time point every call starts from.
    settings: Config,
    /// The calls in progress (threads may share the engine), for
    /// `interrupt()` from another thread.
    calls: Calls,
}

#[pymethods]
impl Core {
    #[new]
    #[pyo3(signature = (max_facts=None, timeout=None, jobs=None))]
    fn new(max_facts: Option<u64>, timeout: Option<f64>, jobs: Option<usize>) -> PyResult<Core> {
        let mut settings = Config::default();
        if let Some(n) = max_facts {
            settings.max_facts = n;
        }
        if let Some(seconds) = timeout {
            settings.timeout = Some(Duration::try_from_secs_f64(seconds).map_err(|_| {
                PyValueError::new_err("timeout must be a number of seconds, 0 or more")
            })?);
        }
        if let Some(jobs) = jobs {
            if jobs == 0 {
                return Err(PyValueError::new_err("jobs must be 1 or more"));
            }
            settings.jobs = jobs;
        }
        Ok(Core {
            engine: RwLock::new(Engine::with_config(settings.clone())),
            settings,
            calls: Calls::default(),
        })
    }

    /// Loads rule files (includes and imports followed) as one unit; an
    /// evaluated model is maintained, else it waits for the first
    /// question (several loads, one evaluation).
    fn load(&self, py: Python<'_>, paths: Vec<PathBuf>) -> PyResult<Changed> {
        self.load_with(py, |engine, config| engine.load_files_with(&paths, config))
    }

    /// Loads source text named `name` in diagnostics, as `load`.
    fn load_source(&self, py: Python<'_>, text: &str, name: &str) -> PyResult<Changed> {
        self.load_with(py, |engine, config| {
            engine.load_source_with(name, text, config)
        })
    }

    /// Adds statements (rules, facts) given as text.
    fn add_rules(&self, py: Python<'_>, text: &str) -> PyResult<Changed> {
        self.change(py, |engine, config| {
            engine.add_source_with("<rules>", text, config)
        })
    }

    /// Adds facts of `predicate`: `data` is rows (sequences of values),
    /// or with `columnar` a list of columns of equal length.
    fn add_facts(
        &self,
        py: Python<'_>,
        predicate: &str,
        data: &Bound<'_, PyAny>,
        columnar: bool,
    ) -> PyResult<Changed> {
        let facts = self.facts(py, predicate, data, columnar)?;
        self.change(py, |engine, config| engine.add_facts_with(&facts, config))
    }

    /// Retracts given facts of `predicate`, as `add_facts` takes them.
    fn retract_facts(
        &self,
        py: Python<'_>,
        predicate: &str,
        data: &Bound<'_, PyAny>,
        columnar: bool,
    ) -> PyResult<Changed> {
        let facts = self.facts(py, predicate, data, columnar)?;
        self.change(py, |engine, config| {
            engine.retract_facts_with(&facts, config)
        })
    }

    /// The answers to a goal, at a time point or over every time.
    #[pyo3(signature = (goal, at=None))]
    fn query<'py>(&self, py: Python<'py>, goal: &str, at: Option<i64>) -> PyResult<Table<'py>> {
        let (answers, warnings) =
            self.ask(py, at, |engine, config| engine.query_with(goal, config))?;
        table(py, &answers, false, &warnings)
    }

    /// Each answer of a goal with the intervals in which it holds.
    fn timeline<'py>(&self, py: Python<'py>, goal: &str) -> PyResult<Table<'py>> {
        let (answers, warnings) = self.ask(py, None, |engine, config| {
            engine.timeline_with(goal, config)
        })?;
        table(py, &answers, true, &warnings)
    }

    /// A goal's answers at every time point from `start` to `end`: the
    /// variables, then one column per variable (a Python value, `None`
    /// where coverage leaves it unknown) and the column of time points,
    /// one entry per row; and warnings.
    fn panel<'py>(
        &self,
        py: Python<'py>,
        goal: &str,
        start: i64,
        end: i64,
    ) -> PyResult<PanelColumns<'py>> {
        let (panel, warnings) = self.ask(py, None, |engine, config| {
            engine.panel_with(goal, start, end, config)
        })?;
        let mut strings = crate::values::Strings::default();
        let made: PyResult<Vec<Vec<Option<Bound<'py, PyAny>>>>> = (panel.rows.iter())
            .map(|row| {
                (row.iter())
                    .map(|v| v.as_ref().map(|v| strings.make(py, v)).transpose())
                    .collect()
            })
            .collect();
        let made = made?;
        let columns: Vec<Bound<'py, PyList>> =
            panel.variables.iter().map(|_| PyList::empty(py)).collect();
        let mut times = Vec::with_capacity(panel.len());
        for (t, i) in panel.point_rows() {
            for (column, value) in columns.iter().zip(&made[i]) {
                column.append(value.clone())?;
            }
            times.push(t);
        }
        Ok((panel.variables.clone(), columns, times, rendered(&warnings)))
    }

    /// Why a fact holds, or why not: whether it holds, the text, the
    /// JSON, the SVG picture, and warnings.
    #[pyo3(signature = (fact, at=None))]
    fn explain(
        &self,
        py: Python<'_>,
        fact: &str,
        at: Option<i64>,
    ) -> PyResult<(bool, String, String, String, Vec<String>)> {
        let (explanation, warnings) =
            self.ask(py, at, |engine, config| engine.explain_with(fact, config))?;
        let holds = matches!(explanation, Explanation::Holds(_));
        Ok((
            holds,
            explanation.to_string(),
            explanation.to_json(),
            explanation.to_graph().to_svg(),
            rendered(&warnings),
        ))
    }

    /// The network of predicates (or goals of one atom): SVG and JSON.
    #[pyo3(signature = (predicates, at=None))]
    fn graph(
        &self,
        py: Python<'_>,
        predicates: Vec<String>,
        at: Option<i64>,
    ) -> PyResult<(String, String)> {
        let names: Vec<&str> = predicates.iter().map(String::as_str).collect();
        let graph = self.ask(py, at, |engine, config| engine.graph_with(&names, config))?;
        Ok((graph.to_svg(), graph.to_json()))
    }

    /// What would appear and disappear if the facts `add` were added and
    /// `retract` retracted; the engine is unchanged.
    #[pyo3(signature = (add, retract, at=None))]
    fn what_if(
        &self,
        py: Python<'_>,
        add: Vec<String>,
        retract: Vec<String>,
        at: Option<i64>,
    ) -> PyResult<(Vec<String>, Vec<String>, String)> {
        let mut changes: Vec<Change> = retract.iter().map(|s| Change::retract(s)).collect();
        changes.extend(add.iter().map(|s| Change::add(s)));
        let what_if = self.run_change(py, at, |engine, config| {
            engine.what_if_with(&changes, false, config)
        })?;
        let (appeared, disappeared) = described(&what_if.changes);
        Ok((appeared, disappeared, what_if.to_json(false)))
    }

    /// Stops the calls in progress, from another thread; each raises
    /// `entente.Interrupted` and leaves the engine as it was.
    fn interrupt(&self) {
        self.calls.interrupt();
    }

    /// The statements of `text` as (start, end, is a query), byte offsets;
    /// `None` when it does not parse (adding it says why).
    #[staticmethod]
    fn statements(text: &str) -> Option<Vec<(usize, usize, bool)>> {
        entente::statements_of(text).map(|pieces| {
            pieces
                .iter()
                .map(|p| (p.range.start, p.range.end, p.query))
                .collect()
        })
    }

    /// The program as text, canonical (what `:save` writes).
    fn program_text(&self, py: Python<'_>) -> String {
        py.detach(|| read(&self.engine).program_text())
    }
}

impl Core {
    /// The facts of `data` (rows, or columns), or the library's error
    /// about a value raised.
    fn facts(
        &self,
        py: Python<'_>,
        predicate: &str,
        data: &Bound<'_, PyAny>,
        columnar: bool,
    ) -> PyResult<Vec<Fact>> {
        let facts = if columnar {
            facts_of_columns(predicate, &data.extract::<Vec<Bound<'_, PyList>>>()?)?
        } else {
            facts_of_rows(predicate, data)?
        };
        facts.map_err(|e| to_py(py, &e))
    }

    /// Runs `work` guarded, as one call in progress; raises its error, or
    /// `Interrupted` when Ctrl-C or `interrupt()` stopped it.
    fn guard<T: Send>(
        &self,
        py: Python<'_>,
        at: Option<i64>,
        work: impl FnOnce(&Config, &Call) -> Result<T, Failure> + Send,
    ) -> PyResult<T> {
        let call = self.calls.begin();
        let config = Config {
            at,
            cancel: Some(call.token.clone()),
            ..self.settings.clone()
        };
        let (done, _signal) = guarded(py, &call.token, || work(&config, &call));
        self.calls.end(&call);
        // A signal's KeyboardInterrupt gives way to the engine's own
        // `Interrupted` (a KeyboardInterrupt too), or to the result when
        // the work finished before it could stop.
        done.map_err(|failure| match failure {
            Failure::Engine(e) => to_py(py, &e),
            Failure::Stopped => interrupted(py),
        })
    }

    /// Brings the model up to date (within the budgets) when it is not.
    fn evaluated(&self, config: &Config, call: &Call) -> Result<(), Failure> {
        if read(&self.engine).is_current() {
            return Ok(());
        }
        let mut engine = write(&self.engine);
        call.check()?;
        if engine.is_current() {
            return Ok(());
        }
        // The model of every time; a question's time point is asked of it.
        Ok(engine.run_with(&Config {
            at: None,
            ..config.clone()
        })?)
    }

    /// A question, asked of the evaluated model.
    fn ask<T: Send>(
        &self,
        py: Python<'_>,
        at: Option<i64>,
        question: impl FnOnce(&Engine, &Config) -> Result<T, Error> + Send,
    ) -> PyResult<T> {
        self.guard(py, at, |config, call| {
            self.evaluated(config, call)?;
            let engine = read(&self.engine);
            call.check()?;
            Ok(question(&engine, config)?)
        })
    }

    /// A change to the evaluated model (evaluated first, so that the
    /// change says what it did).
    fn run_change<T: Send>(
        &self,
        py: Python<'_>,
        at: Option<i64>,
        change: impl FnOnce(&mut Engine, &Config) -> Result<T, Error> + Send,
    ) -> PyResult<T> {
        self.guard(py, at, |config, call| {
            self.evaluated(config, call)?;
            let mut engine = write(&self.engine);
            call.check()?;
            Ok(change(&mut engine, config)?)
        })
    }

    /// A load: a change that does not evaluate the model first.
    fn load_with(
        &self,
        py: Python<'_>,
        load: impl FnOnce(&mut Engine, &Config) -> Result<entente::Update, Error> + Send,
    ) -> PyResult<Changed> {
        let update = self.guard(py, None, |config, call| {
            let mut engine = write(&self.engine);
            call.check()?;
            Ok(load(&mut engine, config)?)
        })?;
        let (appeared, disappeared) = described(&update.changes);
        Ok((appeared, disappeared, rendered(&update.warnings)))
    }

    /// A change that returns the library's `Update`.
    fn change(
        &self,
        py: Python<'_>,
        change: impl FnOnce(&mut Engine, &Config) -> Result<entente::Update, Error> + Send,
    ) -> PyResult<Changed> {
        let update = self.run_change(py, None, change)?;
        let (appeared, disappeared) = described(&update.changes);
        Ok((appeared, disappeared, rendered(&update.warnings)))
    }
}

/// Facts that appeared and disappeared, as text: canonical, followed by
/// when they changed when that is not always (`alone(armenia) since 1997`).
fn described(changes: &ChangeSet) -> (Vec<String>, Vec<String>) {
    let mut appeared = Vec::new();
    let mut disappeared = Vec::new();
    for p in &changes.predicates {
        for (which, list, out) in [
            (true, &p.appeared, &mut appeared),
            (false, &p.disappeared, &mut disappeared),
        ] {
            for (i, args) in list.iter().enumerate() {
                let fact = Fact {
                    predicate: p.predicate.clone(),
                    args: args.clone(),
                };
                let when = p.when(which, i);
                out.push(if when.is_always() {
                    fact.to_string()
                } else {
                    format!("{fact} {when}")
                });
            }
        }
    }
    (appeared, disappeared)
}

/// Answers as columns, with when each holds: as text, or (for a
/// timeline) as intervals.
fn table<'py>(
    py: Python<'py>,
    answers: &Answers,
    intervals: bool,
    warnings: &[entente::Problem],
) -> PyResult<Table<'py>> {
    let columns = columns(py, answers.variables.len(), &answers.rows)?;
    let timed = !answers.validities.is_empty();
    let texts =
        (timed && !intervals).then(|| answers.validities.iter().map(ToString::to_string).collect());
    let spans = intervals.then(|| {
        (0..answers.rows.len())
            .map(|i| {
                let validity = answers
                    .validity(i)
                    .unwrap_or_else(entente::time::Validity::always);
                (validity.intervals().iter())
                    .map(|iv| {
                        (
                            (iv.from != entente::time::NEVER_BEFORE).then_some(iv.from),
                            (iv.to != entente::time::NEVER_AFTER).then_some(iv.to),
                        )
                    })
                    .collect()
            })
            .collect()
    });
    Ok((
        answers.variables.clone(),
        columns,
        answers.rows.len(),
        texts,
        spans,
        rendered(warnings),
        (answers.unknown.as_ref())
            .zip(answers.unknown_when())
            .map(|(unknown, when)| (unknown.sources.clone(), when.map(|w| w.to_string()))),
    ))
}

fn read(engine: &RwLock<Engine>) -> std::sync::RwLockReadGuard<'_, Engine> {
    engine.read().unwrap_or_else(PoisonError::into_inner)
}

fn write(engine: &RwLock<Engine>) -> std::sync::RwLockWriteGuard<'_, Engine> {
    engine.write().unwrap_or_else(PoisonError::into_inner)
}
