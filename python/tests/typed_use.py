"""Not a test module: a use of the API that `mypy --strict` checks
(scripts/test), so that the stubs and annotations stay true. Not run."""

from typing import Dict, List

import entente


def partners(kb: entente.Engine, state: str, year: int) -> List[str]:
    answers: entente.Answers = kb.query(f"defends(Who, {state})", at=year)
    rows: List[Dict[str, object]] = list(answers)
    return [str(r["Who"]) for r in rows]


def report(kb: entente.Engine) -> str:
    change: entente.Change = kb.add_facts("membership", [("azerbaijan", "csto")])
    lost: List[str] = kb.what_if(retract=["membership(armenia, csto)"]).disappeared
    proof: entente.Explanation = kb.explain("defends(russia, armenia)", at=1995)
    timeline: entente.Timeline = kb.timeline("defends(X, azerbaijan)")
    graph: entente.Graph = kb.graph(["agreement", "conflict"], at=2012)
    held: bool = kb.holds("defends(russia, armenia)")
    panel: entente.Panel = kb.panel("defends(X, azerbaijan)", start=2009, end=2012, time_column="year")
    rows: int = len(panel)
    try:
        kb.load_source("p(X) if q(X", name="bad.rules")
    except entente.ParseError as e:
        where = f"{e.file}:{e.line}:{e.column} {e.code}"
    return "\n".join(
        [str(change), *lost, str(proof), str(timeline), graph.svg[:4], str(held), str(rows), where]
    )
