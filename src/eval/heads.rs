//! What a rule variant's join needs to produce head facts, shared by the
//! derivation on one thread and the joins split across threads: the
//! variant and the state it reads ([`RuleJoin`]), where its facts go
//! ([`Sink`]), and the buffer of a candidate fact.

use super::join::Window;
use super::relation::Relation;
use crate::intern::Id;
use crate::plan::{self, Operand, Step};

/// One variant of a rule and the state its join reads: what
/// [`Database::derive`] and maintenance's overdeletion run.
#[derive(Clone, Copy)]
pub(crate) struct RuleJoin<'a> {
    /// The rule (its head, slots and span).
    pub rule: &'a plan::RulePlan,
    /// The variant's steps.
    pub steps: &'a [Step],
    /// What each relation shows.
    pub windows: &'a [Window],
    /// The changed facts its [`plan::Version::Change`] scan reads.
    pub changes: &'a [Relation],
}

/// Where a derivation puts the new facts it finds: per head predicate,
/// aside in `pending` until the round's commit appends them.
pub(super) enum Sink<'p> {
    /// A round of [`Database::run_stratum`]. A split join whose head has
    /// nothing pending yet appends its facts to the relation at once, with
    /// the round's stamp: the facts of that head found later in the round
    /// come after them either way, so the order is the one a single thread
    /// gives, and the commit takes the relation's length when the round
    /// began for the start of the delta.
    Round(&'p mut [Option<Relation>]),
    /// Outside the rounds (maintenance gathering the seed of a stratum):
    /// everything goes to `pending`.
    Aside(&'p mut [Option<Relation>]),
}

/// The buffer of a candidate head fact: an array when its length is known
/// when compiling, so that projecting and hashing it unroll. It is hashed
/// value by value (`hash_ids` over an iterator): hashing a copy of the
/// whole array read the values just stored one by one as one wider load,
/// which the processor cannot forward from the stores (a stall a
/// candidate, a third of Andersen's time).
pub(super) trait HeadRow: AsRef<[Id]> + AsMut<[Id]> + Clone {}

impl<T: AsRef<[Id]> + AsMut<[Id]> + Clone> HeadRow for T {}

/// Runs `$body` with `$row` bound to a [`HeadRow`] buffer of `$arity`
/// values: an array for up to three, a `Vec` beyond.
macro_rules! with_head_row {
    ($arity:expr, $row:ident => $body:expr) => {
        match $arity {
            1 => {
                let $row = [0; 1];
                $body
            }
            2 => {
                let $row = [0; 2];
                $body
            }
            3 => {
                let $row = [0; 3];
                $body
            }
            n => {
                let $row = vec![0; n];
                $body
            }
        }
    };
}
pub(super) use with_head_row;

/// A head's row from a match's slots, into `row` (as long as the head).
#[inline]
pub(super) fn project(head: &[Operand], slots: &[Id], row: &mut [Id]) {
    for (value, o) in row.iter_mut().zip(head) {
        *value = match *o {
            Operand::Slot(s) => slots[s],
            Operand::Const(c) => c,
        };
    }
}
