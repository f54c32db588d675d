//! The program's given facts, kept as rows of value ids rather than syntax
//! trees.
//!
//! A rule file of a million facts is mostly facts, and a fact as a syntax
//! tree (a `Rule` with its atom, arguments and spans) costs over two
//! hundred bytes. Kept here, a fact of two arguments costs sixteen: its
//! row of ids and its statement's span, packed ([`Packed`]). Its file and
//! line come from the span when a proof cites it; the predicate's span is
//! the statement's first word.
//!
//! A fact goes here when its statement is a ground atom and nothing else
//! (`treaty(armenia, russia, 1997).`); a statement with a variable but no
//! body stays a rule, for the checker to refuse. Facts are grouped in one
//! table per predicate name and arity, in the order each first appeared;
//! within a table, in the order read. The values that are not inline
//! integers have ids in this table's own [`Interner`]: the program's
//! facts are read before any plan exists, and a plan's interner takes
//! them by [`Facts::translation`].

use std::sync::Arc;

use hashbrown::HashMap;

use crate::ast::{Rule, Term};
use crate::compact::Packed;
use crate::hash::FxBuild;
use crate::intern::{Id, Interner};
use crate::source::Span;
use crate::value::Value;

/// Every given fact of a program.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    values: Interner,
    tables: Vec<Table>,
    /// Each table's place in `tables`, by predicate name and arity.
    by_name: HashMap<(Arc<str>, usize), usize, FxBuild>,
    /// The table the last fact went to: most facts follow one of their
    /// own predicate.
    last: Option<usize>,
}

/// The facts of one predicate name and arity.
#[derive(Clone, Debug)]
pub struct Table {
    /// The predicate.
    pub name: Arc<str>,
    /// Its arguments per fact.
    pub arity: usize,
    /// The facts' rows, one after another.
    ids: Vec<Id>,
    /// Each fact's statement.
    spans: Packed<Span>,
}

/// One fact of a [`Facts`], by its table and place.
#[derive(Clone, Copy, Debug)]
pub struct FactRef<'f> {
    /// Its table.
    pub table: &'f Table,
    /// Its place in the table.
    pub at: usize,
}

/// Where the facts ended once: every table's length (later facts are
/// appended after it).
#[derive(Clone, Debug, Default)]
pub struct Mark {
    lens: Vec<usize>,
}

/// A fact taken out, to put back.
#[derive(Clone, Debug)]
pub struct Removed {
    table: usize,
    at: usize,
    ids: Vec<Id>,
    span: Span,
}

impl Facts {
    /// Keeps `rule` if it is a ground fact, and gives it back otherwise.
    pub fn take(&mut self, rule: Rule) -> Option<Rule> {
        if !rule.is_fact() || !rule.head.args.iter().all(|t| matches!(t, Term::Const(..))) {
            return Some(rule);
        }
        debug_assert_eq!(rule.head.predicate.span.start, rule.span.start);
        let table = self.table(&rule.head.predicate.text, rule.head.args.len());
        for t in &rule.head.args {
            if let Term::Const(v, _) = t {
                let id = self.values.intern(v.clone());
                self.tables[table].ids.push(id);
            }
        }
        self.tables[table].spans.push(rule.span);
        None
    }

    /// The table of `name` and `arity`, made if new.
    fn table(&mut self, name: &Arc<str>, arity: usize) -> usize {
        if let Some(t) = self.last {
            let table = &self.tables[t];
            if table.arity == arity && table.name == *name {
                return t;
            }
        }
        let next = self.tables.len();
        let t = *self.by_name.entry((name.clone(), arity)).or_insert(next);
        if t == next {
            self.tables.push(Table {
                name: name.clone(),
                arity,
                ids: Vec::new(),
                spans: Packed::default(),
            });
        }
        self.last = Some(t);
        t
    }

    /// Appends `other`'s facts after these.
    pub fn extend(&mut self, other: Facts) {
        if self.tables.is_empty() {
            // A first load: the facts move, and are not held twice.
            *self = other;
            return;
        }
        let map = other.translation(&mut self.values);
        for table in other.tables {
            let t = self.table(&table.name, table.arity);
            let into = &mut self.tables[t];
            into.ids.extend(table.ids.iter().map(|&id| map.id(id)));
            into.spans.reserve(table.spans.len());
            table.spans.iter().for_each(|s| into.spans.push(s));
        }
    }

    /// The number of facts.
    pub fn len(&self) -> usize {
        self.tables.iter().map(Table::len).sum()
    }

    /// True when there is none.
    pub fn is_empty(&self) -> bool {
        self.tables.iter().all(|t| t.len() == 0)
    }

    /// The tables, in the order each first had a fact.
    pub fn tables(&self) -> &[Table] {
        &self.tables
    }

    /// Every fact, table by table.
    pub fn iter(&self) -> impl Iterator<Item = FactRef<'_>> {
        (self.tables.iter()).flat_map(|table| (0..table.len()).map(move |at| FactRef { table, at }))
    }

    /// The value of an id of a fact's row.
    pub fn value(&self, id: Id) -> Value {
        self.values.value(id)
    }

    /// A fact's arguments as values.
    pub fn values(&self, fact: FactRef<'_>) -> Vec<Value> {
        fact.ids().iter().map(|&id| self.value(id)).collect()
    }

    /// The ids that `interner` gives these facts' values (each interned
    /// there once).
    pub fn translation(&self, interner: &mut Interner) -> Translation {
        let count = self.values.table_len();
        Translation {
            ids: (0..count)
                .map(|id| interner.intern(self.values.value(id as Id)))
                .collect(),
        }
    }

    /// The facts of the tables `keep` accepts.
    pub fn filtered(&self, keep: impl Fn(&str) -> bool) -> Facts {
        let mut facts = Facts {
            values: self.values.clone(),
            ..Facts::default()
        };
        for table in self.tables.iter().filter(|t| keep(&t.name)) {
            facts
                .by_name
                .insert((table.name.clone(), table.arity), facts.tables.len());
            facts.tables.push(table.clone());
        }
        facts
    }

    /// Where the facts end now.
    pub fn mark(&self) -> Mark {
        Mark {
            lens: self.tables.iter().map(Table::len).collect(),
        }
    }

    /// The facts added since `mark`.
    pub fn since<'f>(&'f self, mark: &'f Mark) -> impl Iterator<Item = FactRef<'f>> + 'f {
        self.tables.iter().enumerate().flat_map(move |(t, table)| {
            let from = mark.lens.get(t).copied().unwrap_or(0);
            (from..table.len()).map(move |at| FactRef { table, at })
        })
    }

    /// How many facts of each predicate were added since `mark`.
    pub fn counts_since<'f>(&'f self, mark: &'f Mark) -> impl Iterator<Item = (&'f str, usize)> {
        self.tables.iter().enumerate().filter_map(|(t, table)| {
            let from = mark.lens.get(t).copied().unwrap_or(0);
            (table.len() > from).then(|| (&*table.name, table.len() - from))
        })
    }

    /// Forgets the facts added since `mark` (tables made since stay,
    /// empty: a table's place never changes).
    pub fn truncate(&mut self, mark: &Mark) {
        for (t, table) in self.tables.iter_mut().enumerate() {
            let len = mark.lens.get(t).copied().unwrap_or(0);
            table.ids.truncate(len * table.arity);
            table.spans.truncate(len);
        }
    }

    /// Takes out every fact of `predicate` with `args` that `take_if`
    /// (given its statement's span) accepts, noting each in `removed`.
    pub fn remove(
        &mut self,
        predicate: &str,
        args: &[Value],
        mut take_if: impl FnMut(Span) -> bool,
        removed: &mut Vec<Removed>,
    ) {
        let Some(&t) = self.by_name.get(&(Arc::from(predicate), args.len())) else {
            return;
        };
        let Some(ids) = args
            .iter()
            .map(|v| self.values.get(v))
            .collect::<Option<Vec<Id>>>()
        else {
            return;
        };
        let table = &mut self.tables[t];
        let mut at = 0;
        while at < table.len() {
            if table.row(at) == ids.as_slice() && take_if(table.spans.get(at)) {
                let span = table.spans.remove(at);
                let row = table.ids.drain(at * table.arity..(at + 1) * table.arity);
                removed.push(Removed {
                    table: t,
                    at,
                    ids: row.collect(),
                    span,
                });
            } else {
                at += 1;
            }
        }
    }

    /// Puts back facts taken out (in the reverse order of their removal).
    pub fn restore(&mut self, removed: Vec<Removed>) {
        for fact in removed.into_iter().rev() {
            let table = &mut self.tables[fact.table];
            let at = fact.at * table.arity;
            table.ids.splice(at..at, fact.ids);
            table.spans.insert(fact.at, fact.span);
        }
    }
}

impl Table {
    /// The number of facts.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when it has none.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Fact `at`'s row of ids.
    pub fn row(&self, at: usize) -> &[Id] {
        &self.ids[at * self.arity..(at + 1) * self.arity]
    }

    /// Fact `at`'s statement.
    pub fn span(&self, at: usize) -> Span {
        self.spans.get(at)
    }

    /// Where the predicate is written in fact `at`: its statement's
    /// first word.
    pub fn name_span(&self, at: usize) -> Span {
        let start = self.span(at).start;
        Span::new(start, start + self.name.len())
    }
}

impl<'f> FactRef<'f> {
    /// The predicate.
    pub fn name(&self) -> &'f str {
        &self.table.name
    }

    /// The row of ids.
    pub fn ids(&self) -> &'f [Id] {
        self.table.row(self.at)
    }

    /// The statement.
    pub fn span(&self) -> Span {
        self.table.span(self.at)
    }
}

/// A [`Facts`]'s ids as another interner's.
pub struct Translation {
    /// By the facts' id, for the ids that are not inline integers.
    ids: Vec<Id>,
}

impl Translation {
    /// The other interner's id for `id`.
    pub fn id(&self, id: Id) -> Id {
        if Interner::int_key(id).is_some() {
            id
        } else {
            self.ids[id as usize]
        }
    }

    /// A row in the other interner's ids.
    pub fn row<'r>(&'r self, ids: &'r [Id]) -> impl Iterator<Item = Id> + 'r {
        ids.iter().map(|&id| self.id(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(text: &str, base: usize) -> Facts {
        let mut facts = Facts::default();
        for statement in crate::parse::statements(text, base) {
            if let Ok(crate::ast::Statement::Rule(rule, _)) = statement {
                assert!(facts.take(rule).is_none());
            }
        }
        facts
    }

    fn listed(facts: &Facts) -> Vec<String> {
        (facts.iter())
            .map(|f| format!("{}{:?}@{}", f.name(), facts.values(f), f.span().start))
            .collect()
    }

    #[test]
    fn tables_by_name_and_arity_keep_their_facts_and_spans_through_changes() {
        let mut all = facts("p(a, 1). q(\"x y\"). p(b, 2). p(c).", 0);
        assert_eq!(all.tables().len(), 3);
        let more = facts("q(z). p(a, 3).", 100);
        let mark = all.mark();
        all.extend(more);
        let added: Vec<String> = (all.since(&mark))
            .map(|f| format!("{}{:?}", f.name(), all.values(f)))
            .collect();
        assert_eq!(added, ["p[Str(\"a\"), Int(3)]", "q[Str(\"z\")]"]);
        let before = listed(&all);
        let mut removed = Vec::new();
        all.remove(
            "p",
            &[Value::from("a"), Value::Int(1)],
            |_| true,
            &mut removed,
        );
        all.remove(
            "p",
            &[Value::from("nowhere"), Value::Int(1)],
            |_| true,
            &mut removed,
        );
        assert_eq!(removed.len(), 1);
        assert_eq!(all.len(), 5);
        all.restore(removed);
        assert_eq!(listed(&all), before);
        all.truncate(&mark);
        assert_eq!(all.len(), 4);
        let kept = all.filtered(|name| name == "q");
        assert_eq!(listed(&kept), ["q[Str(\"x y\")]@9"]);
        let p = &all.tables()[0];
        assert_eq!(
            (p.name_span(1), p.span(1)),
            (Span::new(19, 20), Span::new(19, 27))
        );
    }
}
