"""The exceptions Entente raises (SPEC §11).

Every error is an :class:`EntenteError`, or one of its subclasses by kind.
Each carries the diagnostic's stable ``code`` (``"entente::parse"``), and
where it points: ``file`` (a path, or a name such as ``<goal>``), ``line``
and ``column`` (1-based; ``None`` when the error has no place, such as a
budget spent). ``str(error)`` is the diagnostic as the command line draws
it.
"""

from typing import Optional

__all__ = [
    "EntenteError",
    "ParseError",
    "CheckError",
    "LimitError",
    "Interrupted",
    "DataError",
    "EntenteWarning",
]


class EntenteError(Exception):
    """An error of the engine: its code, place and rendered diagnostic."""

    code: Optional[str]
    file: Optional[str]
    line: Optional[int]
    column: Optional[int]

    def __init__(
        self,
        message: str,
        code: Optional[str] = None,
        file: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.file = file
        self.line = line
        self.column = column


class ParseError(EntenteError):
    """Syntax (``entente::parse``)."""


class CheckError(EntenteError):
    """A program that parses but cannot run: an unsafe variable, an arity
    clash, negation through recursion, a bad validity."""


class LimitError(EntenteError):
    """A budget spent: ``max_facts`` (``entente::fact_limit``) or
    ``timeout`` (``entente::time_limit``)."""


class Interrupted(EntenteError, KeyboardInterrupt):
    """An evaluation stopped by Ctrl-C or ``Engine.interrupt()``; the
    engine is left as it was. Also a ``KeyboardInterrupt``, so that code
    that stops on Ctrl-C stops on it."""


class DataError(EntenteError):
    """A file that cannot be read, an include cycle, or an import whose
    data does not fit (``entente::io``, ``entente::import``)."""


class EntenteWarning(UserWarning):
    """A warning of the checker (an undefined predicate, a variable used
    once, a fact that does not hold at the time asked about)."""
