"""The ``%%entente`` cell magic (``%load_ext entente``).

A cell's statements extend one engine shared by the notebook; its queries
(``? goal.``, ``? goal at 1995.``) are shown as tables, in order, each
after the statements above it; a line ``:why FACT`` (or ``:whynot FACT``)
shows the fact's proof, or why it does not hold, as a picture. The
engine is ``entente.magic.engine()``, to use from Python cells too.
"""

from typing import List, Optional, Tuple

from . import Core, Engine

_engine: Optional[Engine] = None


def engine() -> Engine:
    """The notebook's engine, made on first use."""
    global _engine
    if _engine is None:
        _engine = Engine()
    return _engine


def _pieces(cell: str) -> List[Tuple[str, str]]:
    """The cell as ("statements", text), ("query", text) and ("why",
    fact) pieces, in order. A cell that does not parse is one piece of
    statements, which the engine refuses with its diagnostic."""
    pieces: List[Tuple[str, str]] = []
    text: List[str] = []

    def flush() -> None:
        chunk = "\n".join(text)
        text.clear()
        if chunk.strip():
            data = chunk.encode()
            found = Core.statements(chunk)
            if found is None:
                pieces.append(("statements", chunk))
                return
            pending = []
            for start, end, query in found:
                piece = data[start:end].decode()
                if query:
                    if pending:
                        pieces.append(("statements", "\n".join(pending)))
                        pending = []
                    pieces.append(("query", piece))
                else:
                    pending.append(piece)
            if pending:
                pieces.append(("statements", "\n".join(pending)))

    for line in cell.splitlines():
        stripped = line.strip()
        for command in (":why ", ":whynot "):
            if stripped.startswith(command):
                flush()
                pieces.append(("why", stripped[len(command):].strip().rstrip(".")))
                break
        else:
            text.append(line)
    flush()
    return pieces


def run_cell(cell: str) -> list:
    """Runs a cell's pieces against the notebook's engine; returns what to
    show: Answers for queries, Explanations for ``:why`` lines."""
    kb = engine()
    shown = []
    for kind, text in _pieces(cell):
        if kind == "statements":
            kb.add_rules(text)
        elif kind == "query":
            shown.append(kb.query(text))
        else:
            shown.append(kb.explain(text))
    return shown


def register(ipython) -> None:
    """Registers ``%%entente`` with IPython."""

    def entente(line: str, cell: str) -> None:
        from IPython.display import display

        for result in run_cell(cell):
            display(result)

    ipython.register_magic_function(entente, magic_kind="cell", magic_name="entente")
