"""What the engine's questions return: answers, timelines, changes,
explanations and networks, each with its text, its pandas DataFrame and
its notebook picture or table."""

import array
import html
import json
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

Value = Any  # str, int or float
Interval = Tuple[Optional[int], Optional[int]]


def _pandas():
    try:
        import pandas
    except ImportError as e:  # pragma: no cover - depends on the machine
        raise ImportError(
            "to_pandas() needs pandas: pip install pandas"
        ) from e
    return pandas


def _html_table(header: Sequence[str], rows: Sequence[Sequence[Any]], empty: str) -> str:
    if not rows:
        return f"<p><em>{html.escape(empty)}</em></p>"
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def columns_of(native: List[Tuple[str, Any]]) -> List[Sequence[Value]]:
    """The native module's columns as sequences: a list, or for numbers
    only an ``array.array`` of 64-bit integers (``"q"``) or floats
    (``"d"``), which ``to_pandas()`` hands to numpy without a Python object
    per value."""
    out: List[Sequence[Value]] = []
    for kind, data in native:
        if kind == "o":
            out.append(data)
        else:
            numbers = array.array(kind)
            numbers.frombytes(data)
            out.append(numbers)
    return out


def _pandas_column(column: Sequence[Value]) -> Any:
    if isinstance(column, array.array):
        import numpy

        return numpy.frombuffer(column, dtype=numpy.int64 if column.typecode == "q" else numpy.float64)
    return column


def _interval_text(interval: Interval) -> str:
    start, end = interval
    if start is None and end is None:
        return "always"
    if start is None:
        return f"until {end}"
    if end is None:
        return f"since {start}"
    if start == end:
        return f"in {start}"
    return f"from {start} to {end}"


class Unknown:
    """Where a goal's answer is unknown (SPEC §14): it reads facts of
    ``sources`` that do not cover the time asked about; ``when`` says at
    which points (``"since 2019"``), or is ``None`` for an answer at one
    time point. The answers given hold whatever those facts are."""

    def __init__(self, sources: List[str], when: Optional[str]) -> None:
        self.sources = sources
        self.when = when

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unknown) and (self.sources, self.when) == (other.sources, other.when)

    def __repr__(self) -> str:
        where = f" {self.when}" if self.when else ""
        return f"<unknown{where}: not covered by {', '.join(self.sources)}>"


class Answers:
    """The answers to a query: iterate for one dict per answer (variable
    to value), ``len()`` for how many, ``bool()`` for whether the goal
    holds, ``to_pandas()`` for a DataFrame (one column per variable, and
    ``validity`` when the program says when facts hold and no time point
    was asked)."""

    def __init__(
        self,
        goal: str,
        variables: List[str],
        columns: List[Sequence[Value]],
        validity: Optional[List[str]],
        count: int,
        unknown: Optional[Unknown] = None,
    ) -> None:
        self.goal = goal
        self.variables = variables
        self._columns = columns
        self.validity = validity
        self._count = count
        #: Where the goal is unknown (a source's coverage), else ``None``.
        self.unknown = unknown

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __getitem__(self, i: int) -> Dict[str, Value]:
        if i < 0:
            i += self._count
        if not 0 <= i < self._count:
            raise IndexError("answer index out of range")
        return {v: c[i] for v, c in zip(self.variables, self._columns)}

    def __iter__(self) -> Iterator[Dict[str, Value]]:
        for i in range(self._count):
            yield self[i]

    def columns(self) -> Dict[str, Sequence[Value]]:
        """The answers as one sequence per variable (and ``validity``)."""
        out: Dict[str, Sequence[Value]] = dict(zip(self.variables, self._columns))
        if self.validity is not None:
            out["validity"] = self.validity
        return out

    def to_pandas(self) -> Any:
        """The answers as a pandas DataFrame."""
        pandas = _pandas()
        columns = {k: _pandas_column(v) for k, v in self.columns().items()}
        return pandas.DataFrame(columns, columns=list(columns))

    def _rows(self) -> List[List[Value]]:
        columns = list(self.columns().values())
        return [[c[i] for c in columns] for i in range(self._count)]

    def __str__(self) -> str:
        unknown = None
        if self.unknown is not None:
            unknown = f"unknown {self.unknown.when}." if self.unknown.when else "unknown."
        if not self.variables:
            if unknown and not self:
                return unknown
            lines = ["true." if self else "false."]
        elif not self:
            return unknown or "no answers."
        else:
            lines = []
            for i, row in enumerate(self):
                line = ", ".join(f"{k} = {v}" for k, v in row.items())
                if self.validity is not None and self.validity[i] != "always":
                    line += f" {self.validity[i]}"
                lines.append(line)
        if unknown:
            lines.append(unknown)
        return "\n".join(lines)

    def __repr__(self) -> str:
        count = self._count
        return f"<Answers to {self.goal!r}: {count} answer{'' if count == 1 else 's'}>"

    def _repr_html_(self) -> str:
        if not self.variables:
            said = "true" if self else ("unknown" if self.unknown else "false")
            return f"<p><code>{html.escape(self.goal)}</code>: {said}</p>"
        return _html_table(list(self.columns()), self._rows(), "no answers")


class Timeline:
    """Each answer of a goal with the intervals in which it holds.
    Iterate for dicts with the variables and ``intervals`` (``(from,
    to)`` pairs, ``None`` for an open end); ``to_pandas()`` gives one row
    per answer and interval, with ``from`` and ``to`` columns."""

    def __init__(
        self,
        goal: str,
        variables: List[str],
        columns: List[Sequence[Value]],
        intervals: List[List[Interval]],
        unknown: Optional[Unknown] = None,
    ) -> None:
        self.goal = goal
        self.variables = variables
        self._columns = columns
        self.intervals = intervals
        #: Where the goal is unknown (a source's coverage), else ``None``.
        self.unknown = unknown

    def __len__(self) -> int:
        return len(self.intervals)

    def __bool__(self) -> bool:
        return bool(self.intervals)

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        for i, spans in enumerate(self.intervals):
            row: Dict[str, Any] = {v: c[i] for v, c in zip(self.variables, self._columns)}
            row["intervals"] = list(spans)
            yield row

    def to_pandas(self) -> Any:
        """One row per answer and interval: the variables, ``from`` and
        ``to`` (``None`` for an open end)."""
        pandas = _pandas()
        data: Dict[str, List[Any]] = {v: [] for v in self.variables}
        data["from"], data["to"] = [], []
        for i, spans in enumerate(self.intervals):
            for start, end in spans:
                for v, c in zip(self.variables, self._columns):
                    data[v].append(c[i])
                data["from"].append(start)
                data["to"].append(end)
        frame = pandas.DataFrame(data, columns=list(data))
        # Open ends as missing values in integer columns.
        for column in ("from", "to"):
            frame[column] = frame[column].astype("Int64")
        return frame

    def __str__(self) -> str:
        lines = []
        for row in self:
            spans = ", ".join(_interval_text(s) for s in row.pop("intervals"))
            answer = ", ".join(f"{k} = {v}" for k, v in row.items()) or "true"
            lines.append(f"{answer}: {spans}")
        return "\n".join(lines) if lines else "holds at no time."

    def __repr__(self) -> str:
        count = len(self)
        return f"<Timeline of {self.goal!r}: {count} answer{'' if count == 1 else 's'}>"

    def _repr_html_(self) -> str:
        rows = []
        for row in self:
            spans = ", ".join(_interval_text(s) for s in row.pop("intervals"))
            rows.append(list(row.values()) + [spans])
        return _html_table(self.variables + ["holds"], rows, "holds at no time")


class Panel:
    """A goal's answers at every time point of a range (SPEC §14): one
    row per answer and point. Iterate for dicts of the variables and the
    time column; ``to_pandas()`` gives the DataFrame a statistics package
    reads. A value a source's coverage leaves unknown is ``None`` (a
    missing value in the DataFrame), never 0."""

    def __init__(
        self,
        goal: str,
        variables: List[str],
        columns: List[List[Optional[Value]]],
        times: List[int],
        time_column: str = "t",
    ) -> None:
        self.goal = goal
        self.variables = variables
        self._columns = columns
        self.times = times
        self.time_column = time_column

    def __len__(self) -> int:
        return len(self.times)

    def __bool__(self) -> bool:
        return bool(self.times)

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        for i, t in enumerate(self.times):
            row: Dict[str, Any] = {v: c[i] for v, c in zip(self.variables, self._columns)}
            row[self.time_column] = t
            yield row

    def to_pandas(self) -> Any:
        """One row per answer and time point: the variables, then the
        time column."""
        pandas = _pandas()
        data: Dict[str, Any] = dict(zip(self.variables, self._columns))
        data[self.time_column] = self.times
        return pandas.DataFrame(data, columns=list(data))

    def __repr__(self) -> str:
        count = len(self)
        return f"<Panel of {self.goal!r}: {count} row{'' if count == 1 else 's'}>"

    def _repr_html_(self) -> str:
        rows = [list(row.values()) for row in self]
        return _html_table(self.variables + [self.time_column], rows, "no rows")


class Change:
    """What a change did, or would do (``what_if``): the derived facts
    that ``appeared`` and ``disappeared``, as text in canonical form
    (followed by when, over time: ``alone(armenia) since 1997``)."""

    def __init__(self, appeared: List[str], disappeared: List[str], details: Optional[str] = None) -> None:
        self.appeared = appeared
        self.disappeared = disappeared
        self._details = details

    def __bool__(self) -> bool:
        return bool(self.appeared or self.disappeared)

    def to_dict(self) -> Any:
        """As ``entente what-if --format json`` prints it: ``{"changes":
        [...]}``, one entry per predicate (``predicate``, ``appeared``,
        ``disappeared``, and over time when) for ``what_if``; else the
        two lists."""
        if self._details is not None:
            return json.loads(self._details)
        return {"appeared": self.appeared, "disappeared": self.disappeared}

    def __str__(self) -> str:
        lines = [f"+ {f}." for f in self.appeared] + [f"- {f}." for f in self.disappeared]
        return "\n".join(lines) if lines else "no derived fact appeared or disappeared."

    def __repr__(self) -> str:
        return f"<Change: +{len(self.appeared)}, -{len(self.disappeared)}>"


class Explanation:
    """Why a fact holds (a proof) or why it does not: ``holds``,
    ``str()`` as ``entente explain`` prints it, ``to_dict()`` as its JSON,
    and the picture in a notebook (``_repr_svg_``, ``svg``)."""

    def __init__(self, fact: str, holds: bool, text: str, data: str, svg: str) -> None:
        self.fact = fact
        self.holds = holds
        self._text = text
        self._json = data
        self.svg = svg

    def __bool__(self) -> bool:
        return self.holds

    def to_dict(self) -> Dict[str, Any]:
        """The explanation as ``entente explain --format json`` prints it."""
        return json.loads(self._json)

    def __str__(self) -> str:
        return self._text.rstrip("\n")

    def __repr__(self) -> str:
        return f"<Explanation of {self.fact!r}: {'holds' if self.holds else 'does not hold'}>"

    def _repr_svg_(self) -> str:
        return self.svg


class Graph:
    """A network of facts, as ``entente graph`` draws it: ``svg``, the
    picture in a notebook, and ``to_dict()`` (nodes, edges, legend)."""

    def __init__(self, svg: str, data: str) -> None:
        self.svg = svg
        self._json = data

    def to_dict(self) -> Dict[str, Any]:
        """Nodes and edges, as ``entente graph --format json`` prints them."""
        return json.loads(self._json)

    def __repr__(self) -> str:
        d = self.to_dict()
        return f"<Graph {d.get('title', '')!r}: {len(d['nodes'])} nodes, {len(d['edges'])} lines>"

    def _repr_svg_(self) -> str:
        return self.svg

