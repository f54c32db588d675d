//! A plan as text: each stratum's rules, each variant's steps in the
//! order they run, the index each lookup uses. `entente check --plan`
//! prints it, and `tests/cases/plan/` pins it, so that a change of join
//! order shows up in review as a change of text.

use std::fmt::{self, Display, Formatter};

use super::types::*;
use crate::intern::Names;

/// A [`Plan`] with the values its constants stand for: [`Plan::show`].
pub struct Shown<'a> {
    plan: &'a Plan,
    names: &'a dyn Names,
}

impl Plan {
    /// The plan as text, its constants read from `names`.
    pub fn show<'a>(&'a self, names: &'a dyn Names) -> Shown<'a> {
        Shown { plan: self, names }
    }
}

/// What a step is printed with: the plan, the constants, and the rule's
/// variable names by slot.
struct Context<'a> {
    plan: &'a Plan,
    names: &'a dyn Names,
    variables: &'a [String],
    /// The local variables of the aggregates around the step: slot, name.
    locals: Vec<(Slot, &'a str)>,
}

impl Display for Shown<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let plan = self.plan;
        for (s, stratum) in plan.strata.iter().enumerate() {
            let preds: Vec<&str> = stratum.predicates.iter().map(|&p| name(plan, p)).collect();
            writeln!(f, "stratum {}: {}", s + 1, preds.join(", "))?;
            for rule in &stratum.rules {
                let cx = Context {
                    plan,
                    names: self.names,
                    variables: &rule.names,
                    locals: Vec::new(),
                };
                let head: Vec<String> = rule.head_args.iter().map(|o| cx.operand(*o)).collect();
                let head = atom(name(plan, rule.head), &head);
                writeln!(f, "  rule {head}")?;
                cx.variant(f, "first round", &rule.base)?;
                for steps in &rule.deltas {
                    cx.variant(f, "delta", steps)?;
                }
                for change in &rule.changes {
                    let not = if change.negated { "not " } else { "" };
                    let label = format!("change of {not}{}", name(plan, change.pred));
                    cx.variant(f, &label, &change.steps)?;
                }
            }
        }
        for (p, list) in plan
            .indexes
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.is_empty())
        {
            let list: Vec<String> = list.iter().map(|c| format!("on {}", columns(c))).collect();
            writeln!(f, "index of {}: {}", name(plan, p), list.join("; "))?;
        }
        Ok(())
    }
}

fn name(plan: &Plan, pred: PredId) -> &str {
    plan.predicates.get_index(pred).map_or("?", |(n, _)| n)
}

/// `p(a, b)`, or `p` without arguments, as the language writes them.
fn atom(name: &str, args: &[String]) -> String {
    if args.is_empty() {
        return name.to_string();
    }
    format!("{name}({})", args.join(", "))
}

fn columns(columns: &[usize]) -> String {
    let list: Vec<String> = columns.iter().map(usize::to_string).collect();
    list.join(", ")
}

impl<'a> Context<'a> {
    fn variant(&self, f: &mut Formatter<'_>, label: &str, steps: &[Step]) -> fmt::Result {
        writeln!(f, "    {label}:")?;
        self.steps(f, steps, 6)
    }

    fn steps(&self, f: &mut Formatter<'_>, steps: &[Step], indent: usize) -> fmt::Result {
        for step in steps {
            self.step(f, step, indent)?;
        }
        Ok(())
    }

    /// One step as text: one arm per kind of step, each a few lines.
    fn step(&self, f: &mut Formatter<'_>, step: &Step, indent: usize) -> fmt::Result {
        let pad = " ".repeat(indent);
        match step {
            Step::Scan {
                pred,
                version,
                access,
                key,
                columns: cols,
                ..
            } => {
                let key_columns = self.key_columns(*pred, *access, cols.len());
                let mut keys = key.iter();
                let args: Vec<String> = (cols.iter().enumerate())
                    .map(|(c, column)| match column {
                        _ if key_columns.contains(&c) => {
                            keys.next().map_or("?".into(), |o| self.operand(*o))
                        }
                        Column::Skip => "_".into(),
                        Column::Bind(s) | Column::Check(s) => self.slot(*s),
                        Column::Const(id) => self.names.value(*id).to_string(),
                    })
                    .collect();
                let version = match version {
                    Version::Full => "full",
                    Version::Old => "old",
                    Version::Delta => "delta",
                    Version::Change => "changes",
                    Version::All => "all",
                };
                let atom = atom(name(self.plan, *pred), &args);
                writeln!(f, "{pad}{} ({version})", self.access(*pred, *access, &atom))
            }
            Step::Absent { pred, access, key } => {
                let arity = self.plan.predicates.get_index(*pred).map_or(0, |(_, &a)| a);
                let key_columns = self.key_columns(*pred, *access, arity);
                let mut keys = key.iter();
                let args: Vec<String> = (0..arity)
                    .map(|c| match key_columns.contains(&c).then(|| keys.next()) {
                        Some(Some(o)) => self.operand(*o),
                        _ => "_".into(),
                    })
                    .collect();
                let atom = atom(name(self.plan, *pred), &args);
                writeln!(f, "{pad}not {}", self.access(*pred, *access, &atom))
            }
            Step::Filter { op, left, right } => {
                writeln!(
                    f,
                    "{pad}test {} {} {}",
                    self.expr(left),
                    op.symbol(),
                    self.expr(right)
                )
            }
            Step::Assign { slot, expr } => {
                writeln!(f, "{pad}let {} = {}", self.slot(*slot), self.expr(expr))
            }
            Step::Aggregate(agg) => {
                let test = if agg.result_bound { " (a test)" } else { "" };
                let mut inner = Context {
                    locals: self.locals.clone(),
                    ..*self
                };
                let names = agg.local_names.iter().map(String::as_str);
                inner.locals.extend(agg.locals.iter().copied().zip(names));
                let target = (agg.target).map(|o| format!(" {}", inner.operand(o)));
                let target = target.unwrap_or_default();
                let locals = agg.local_names.join(", ");
                writeln!(
                    f,
                    "{pad}{} = {}{target} over {}{test}:",
                    self.slot(agg.result),
                    agg.function.name(),
                    if locals.is_empty() {
                        "nothing"
                    } else {
                        &locals
                    },
                )?;
                inner.steps(f, &agg.steps, indent + 2)
            }
            Step::Exists(steps) => {
                writeln!(f, "{pad}exists:")?;
                self.steps(f, steps, indent + 2)
            }
        }
    }

    /// The columns a lookup's key matches, in order.
    fn key_columns(&self, pred: PredId, access: Access, arity: usize) -> Vec<usize> {
        match access {
            Access::Scan => Vec::new(),
            Access::Member => (0..arity).collect(),
            Access::Index(i) => (self.plan.indexes.get(pred))
                .and_then(|list| list.get(i))
                .cloned()
                .unwrap_or_default(),
        }
    }

    /// How `atom` (a step on `pred`) finds its rows.
    fn access(&self, pred: PredId, access: Access, atom: &str) -> String {
        match access {
            Access::Scan => format!("scan {atom}"),
            Access::Member => format!("member {atom}"),
            Access::Index(_) => {
                let on = columns(&self.key_columns(pred, access, 0));
                format!("lookup {atom} on {on}")
            }
        }
    }

    fn slot(&self, slot: Slot) -> String {
        if let Some((_, name)) = self.locals.iter().rev().find(|(s, _)| *s == slot) {
            return name.to_string();
        }
        match self.variables.get(slot) {
            Some(name) if !name.is_empty() => name.clone(),
            _ => format!("${slot}"),
        }
    }

    fn operand(&self, operand: Operand) -> String {
        match operand {
            Operand::Slot(s) => self.slot(s),
            Operand::Const(id) => self.names.value(id).to_string(),
        }
    }

    fn expr(&self, expr: &Expr) -> String {
        let inner = |e: &Expr| match e {
            Expr::Binary { .. } => format!("({})", self.expr(e)),
            _ => self.expr(e),
        };
        match expr {
            Expr::Operand(o) => self.operand(*o),
            Expr::Binary {
                op, left, right, ..
            } => {
                format!("{} {} {}", inner(left), op.symbol(), inner(right))
            }
            Expr::Neg { operand, .. } => format!("-{}", inner(operand)),
        }
    }
}
