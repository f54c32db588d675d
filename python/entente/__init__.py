"""Entente: a rules engine for reasoning about alliances between states.

Write what you know as facts and what follows as rules; ask questions,
get pandas DataFrames, and see why each answer holds::

    import entente
    kb = entente.Engine()
    kb.load("rules/caucasus.rules")
    kb.query("supports(turkey, Who)").to_pandas()
    kb.explain("supports(turkey, azerbaijan)")   # a proof picture in Jupyter

``%load_ext entente`` adds the ``%%entente`` cell magic. The contract is
SPEC §11 of the project; errors are in :mod:`entente.errors`.
"""

import os
import warnings
from typing import Any, Iterable, List, Optional, Sequence, Tuple, Union

from . import errors
from ._entente import Core, __version__
from ._results import Answers, Change, Explanation, Graph, Panel, Timeline, Unknown, columns_of
from .errors import (
    CheckError,
    DataError,
    EntenteError,
    EntenteWarning,
    Interrupted,
    LimitError,
    ParseError,
)

__all__ = [
    "Engine",
    "Answers",
    "Timeline",
    "Panel",
    "Unknown",
    "Change",
    "Explanation",
    "Graph",
    "EntenteError",
    "ParseError",
    "CheckError",
    "LimitError",
    "Interrupted",
    "DataError",
    "EntenteWarning",
    "errors",
    "__version__",
]

Path = Union[str, "os.PathLike[str]"]


def _warn(rendered: List[str], depth: int = 3) -> None:
    """Warns, pointing at the caller of the method (``depth`` frames up)."""
    for text in rendered:
        warnings.warn(text, EntenteWarning, stacklevel=depth)


def _changed(result) -> Change:
    appeared, disappeared, warned = result
    _warn(warned, depth=4)
    return Change(appeared, disappeared)


def _facts_data(rows: Any) -> Tuple[Any, bool]:
    """Rows as the native module takes them: a DataFrame as one list per
    column (no tuple per row), anything else as rows."""
    if hasattr(rows, "columns") and hasattr(rows, "iloc"):
        return [rows.iloc[:, i].tolist() for i in range(rows.shape[1])], True
    return rows, False


class Engine:
    """A program and its model: load rules and data, add and retract facts,
    ask questions.

    ``max_facts`` stops an evaluation that derives more facts than that
    (``LimitError``; ``None``: the library's ten million), ``timeout`` one
    that takes longer than that many seconds (``None``: no limit), and
    ``jobs`` is how many threads a large join may use (``None``: every
    core). The model is evaluated when a question or a change first needs
    it, within these budgets; every method releases the GIL while the
    engine works, and Ctrl-C (or :meth:`interrupt` from another thread)
    stops it with :class:`Interrupted`, leaving the engine as it was.

    Methods that ask about a time point take ``at=`` (a year in the
    examples); ``at=None`` asks about every time: answers then say when
    they hold.
    """

    def __init__(
        self,
        max_facts: Optional[int] = None,
        timeout: Optional[float] = None,
        jobs: Optional[int] = None,
    ) -> None:
        self._core = Core(max_facts, timeout, jobs)

    def load(self, *paths: Union[Path, Sequence[Path]]) -> Change:
        """Loads rule files, following their includes and imports, as one
        unit: on any error nothing of them is kept. Returns what changed
        in the model when it was evaluated already."""
        files: List[str] = []
        for p in paths:
            if isinstance(p, (str, os.PathLike)):
                files.append(os.fspath(p))
            else:
                files.extend(os.fspath(q) for q in p)
        return _changed(self._core.load(files))

    def load_source(self, text: str, name: str = "<source>") -> Change:
        """Loads rules and facts given as text; diagnostics call it
        ``name``. Includes and imports resolve against the current
        directory."""
        return _changed(self._core.load_source(text, name))

    def add_rules(self, text: str) -> Change:
        """Adds statements (rules, facts, queries) given as text, and says
        which derived facts appeared and disappeared."""
        return _changed(self._core.add_rules(text))

    def add_facts(self, predicate: str, rows: Any) -> Change:
        """Adds facts of ``predicate``: ``rows`` is an iterable of tuples,
        or a pandas DataFrame (one fact per row, its columns in order).
        ``str`` is a symbol or string, ``int`` an integer, ``float`` a
        decimal. Returns the derived facts that appeared and disappeared."""
        return _changed(self._core.add_facts(predicate, *_facts_data(rows)))

    def retract_facts(self, predicate: str, rows: Any) -> Change:
        """Retracts given facts of ``predicate`` (tuples or a DataFrame, as
        :meth:`add_facts`); what depended on them goes."""
        return _changed(self._core.retract_facts(predicate, *_facts_data(rows)))

    def query(self, goal: str, at: Optional[int] = None) -> Answers:
        """The answers to ``goal`` (``"supports(turkey, Who)"``), at time
        point ``at`` or over every time."""
        variables, columns, count, validity, _, warned, unknown = self._core.query(goal, at)
        _warn(warned)
        return Answers(goal, variables, columns_of(columns), validity, count, _unknown(unknown))

    def holds(self, goal: str, at: Optional[int] = None) -> bool:
        """Whether ``goal`` has an answer (at ``at``, or at some time)."""
        return bool(self.query(goal, at))

    def explain(self, fact: str, at: Optional[int] = None) -> Explanation:
        """Why ``fact`` holds (its proof, pointing at the rules and facts
        in their files), or why it does not."""
        holds, text, data, svg, warned = self._core.explain(fact, at)
        _warn(warned)
        return Explanation(fact, holds, text, data, svg)

    def what_if(
        self,
        add: Iterable[str] = (),
        retract: Iterable[str] = (),
        at: Optional[int] = None,
    ) -> Change:
        """Which derived facts would appear and disappear if the facts
        ``add`` were added and ``retract`` retracted (each a fact as text,
        ``"membership(azerbaijan, csto)"``); the engine is unchanged."""
        appeared, disappeared, details = self._core.what_if(list(add), list(retract), at)
        return Change(appeared, disappeared, details)

    def timeline(self, goal: str) -> Timeline:
        """Each answer of ``goal`` with the intervals in which it holds."""
        variables, columns, _, _, intervals, warned, unknown = self._core.timeline(goal)
        _warn(warned)
        return Timeline(goal, variables, columns_of(columns), intervals, _unknown(unknown))

    def panel(self, goal: str, start: int, end: int, time_column: str = "t") -> Panel:
        """The answers of ``goal`` at every time point from ``start`` to
        ``end``: one row per answer and point, as unit-year data
        (``to_pandas()``); a value coverage leaves unknown is ``None``."""
        variables, columns, times, warned = self._core.panel(goal, start, end)
        _warn(warned)
        if time_column in variables:
            raise ValueError(
                f"the goal has a variable {time_column!r}, the time column's name; "
                "choose another with time_column="
            )
        return Panel(goal, variables, columns, times, time_column)

    def graph(self, predicates: Union[str, Sequence[str]], at: Optional[int] = None) -> Graph:
        """The facts of ``predicates`` (names, or goals of one atom such as
        ``'supports(turkey, X)'``) as a network: the first two arguments
        are the nodes, the rest label the line."""
        if isinstance(predicates, str):
            predicates = [predicates]
        svg, data = self._core.graph(list(predicates), at)
        return Graph(svg, data)

    def interrupt(self) -> None:
        """Stops the evaluation in progress (from another thread): it
        raises :class:`Interrupted`, and the engine stays as it was."""
        self._core.interrupt()

    @property
    def program(self) -> str:
        """The program's statements as text, in canonical form."""
        return self._core.program_text()

    def __repr__(self) -> str:
        return "<entente.Engine>"


def _unknown(native: Optional[Tuple[List[str], Optional[str]]]) -> Optional[Unknown]:
    """Where the goal is unknown, as the native module says it."""
    if native is None:
        return None
    sources, when = native
    return Unknown(sources, when)


def load_ipython_extension(ipython) -> None:
    """``%load_ext entente``: the ``%%entente`` cell magic."""
    from .magic import register

    register(ipython)
