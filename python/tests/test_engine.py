"""Every method of entente.Engine, on the knowledge base and small programs."""

import warnings

import pytest

import entente


def test_query_answers_as_dicts_with_len_and_bool(kb):
    answers = kb.query("supports(turkey, Who)")
    assert list(answers) == [{"Who": "azerbaijan"}]
    assert len(answers) == 1 and answers
    assert answers[0] == {"Who": "azerbaijan"}
    assert answers.variables == ["Who"]
    none = kb.query("supports(iran, Who)")
    assert len(none) == 0 and not none and list(none) == []


def test_query_over_time_says_when_and_at_a_time_point_does_not(kb):
    over_time = kb.query("defends(X, azerbaijan)")
    assert list(over_time) == [{"X": "turkey"}]
    assert over_time.validity == ["since 2010"]
    before = kb.query("defends(X, azerbaijan)", at=1995)
    assert not before and before.validity is None
    after = kb.query("defends(X, azerbaijan)", at=2012)
    assert list(after) == [{"X": "turkey"}] and after.validity is None


def test_a_ground_goal_holds_or_not(kb):
    assert kb.holds("defends(russia, armenia)", at=1995)
    assert kb.holds("defends(turkey, azerbaijan)", at=2012)
    assert not kb.holds("defends(turkey, azerbaijan)", at=2005)
    assert kb.holds("defends(turkey, azerbaijan)")  # at some time
    ground = kb.query("defends(russia, armenia)")
    assert len(ground) == 1 and list(ground) == [{}]


def test_load_source_and_add_rules_say_what_changed():
    kb = entente.Engine()
    kb.load_source("treaty(armenia, russia).", name="inline")
    changed = kb.add_rules("ally(X, Y) if treaty(X, Y).\nally(Y, X) if ally(X, Y).")
    assert sorted(changed.appeared) == ["ally(armenia, russia)", "ally(russia, armenia)"]
    assert changed.disappeared == [] and changed
    again = kb.load_source("treaty(azerbaijan, turkey).", name="more")
    assert sorted(again.appeared) == ["ally(azerbaijan, turkey)", "ally(turkey, azerbaijan)"]
    assert "treaty(azerbaijan, turkey)." in kb.program


def test_add_and_retract_facts_from_tuples():
    kb = entente.Engine()
    kb.load_source("partner(X, Y) if treaty(X, Y, _, _).", name="rules")
    added = kb.add_facts("treaty", [("a", "b", "x", 2010), ("c", "d", "y", 2012)])
    assert sorted(added.appeared) == ["partner(a, b)", "partner(c, d)"]
    gone = kb.retract_facts("treaty", [("a", "b", "x", 2010)])
    assert gone.disappeared == ["partner(a, b)"] and gone.appeared == []
    assert [r["X"] for r in kb.query("partner(X, Y)")] == ["c"]


def test_values_map_to_symbols_strings_integers_and_decimals():
    kb = entente.Engine()
    kb.add_facts("row", [("armenia", "South Korea", 1997, 2.5, -3)])
    (answer,) = kb.query("row(A, B, C, D, E)")
    assert answer == {"A": "armenia", "B": "South Korea", "C": 1997, "D": 2.5, "E": -3}
    assert type(answer["C"]) is int and type(answer["D"]) is float
    assert kb.holds('row(armenia, "South Korea", 1997, 2.5, -3)')


def test_explain_gives_text_dict_and_picture(kb):
    ex = kb.explain("supports(turkey, azerbaijan)", at=2012)
    assert ex.holds and ex
    text = str(ex)
    assert text.startswith("supports(turkey, azerbaijan) at 2012")
    assert "rules/alliance_theory.rules:" in text
    data = ex.to_dict()
    assert data["holds"] is True and data["fact"] == "supports(turkey, azerbaijan)"
    assert ex._repr_svg_().startswith("<svg")
    not_holding = kb.explain("supports(iran, armenia)")
    assert not not_holding.holds
    assert "fails at" in str(not_holding)
    assert not_holding.to_dict()["holds"] is False


def test_what_if_leaves_the_engine_unchanged(kb):
    change = kb.what_if(retract=["membership(armenia, csto)"])
    assert "defends(russia, armenia)" in change.disappeared
    assert change.appeared == []
    per_predicate = {p["predicate"]: p for p in change.to_dict()["changes"]}
    assert per_predicate["defends"]["disappeared"] == [
        "defends(armenia, russia)",
        "defends(russia, armenia)",
    ]
    assert kb.holds("defends(russia, armenia)", at=2000)
    gained = kb.what_if(add=["membership(azerbaijan, csto)."], at=2000)
    assert "defends(russia, azerbaijan)" in gained.appeared


def test_timeline_has_a_row_per_interval(kb):
    timeline = kb.timeline("defends(X, azerbaijan)")
    assert list(timeline) == [{"X": "turkey", "intervals": [(2010, None)]}]
    frame = timeline.to_pandas()
    assert list(frame.columns) == ["X", "from", "to"]
    assert frame["from"].tolist() == [2010]
    assert frame["to"].isna().tolist() == [True]
    kb2 = entente.Engine()
    kb2.load_source("war(a, b) from 1988 to 1994.\nwar(a, b) in 2020.\n", name="w")
    (row,) = kb2.timeline("war(a, Who)")
    assert row == {"Who": "b", "intervals": [(1988, 1994), (2020, 2020)]}


def test_graph_draws_the_network(kb):
    graph = kb.graph(["agreement", "conflict"], at=2012)
    data = graph.to_dict()
    assert data["title"] == "agreement, conflict at 2012"
    assert data["nodes"] and data["edges"]
    assert graph._repr_svg_().startswith("<svg")
    one = kb.graph("defends(X, armenia)")
    assert [e["facts"] for e in one.to_dict()["edges"]] == [["defends(russia, armenia)"]]


def test_load_takes_several_files_and_lists(root):
    kb = entente.Engine()
    kb.load([root / "rules" / "alliance_theory.rules"], str(root / "rules" / "examples" / "quickstart.rules"))
    assert kb.program


def test_warnings_are_python_warnings():
    kb = entente.Engine()
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        kb.load_source("p(X) if q(X).", name="w.rules")
    assert any(issubclass(w.category, entente.EntenteWarning) for w in seen)
    assert any("entente::undefined" in str(w.message) for w in seen)


def test_one_engine_serves_threads(kb):
    from concurrent.futures import ThreadPoolExecutor

    goals = ["supports(turkey, Who)", "defends(X, armenia)", "rivals(armenia, Y)"] * 20
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda g: len(kb.query(g)), goals))
    assert results == [len(kb.query(g)) for g in goals]


@pytest.mark.parametrize("at", [1995, 2012])
def test_every_question_takes_at(kb, at):
    assert isinstance(kb.query("defends(X, Y)", at=at), entente.Answers)
    assert isinstance(kb.holds("defends(russia, armenia)", at=at), bool)
    assert isinstance(kb.explain("defends(russia, armenia)", at=at), entente.Explanation)
    assert isinstance(kb.what_if(add=["membership(georgia, csto)"], at=at), entente.Change)
    assert isinstance(kb.graph(["defends"], at=at), entente.Graph)


def test_panel_is_unit_year_data_with_unknowns_missing():
    kb = entente.Engine()
    kb.load_source(
        'source mid "MID 5.0" covers 1816 to 2014.\n'
        "state(a). state(b).\n"
        "from mid.\n"
        "dispute(a, b) in 2014.\n"
        "fought(X, Y, 1) if dispute(X, Y).\n"
        "fought(X, Y, 0) if state(X), state(Y), X != Y, not dispute(X, Y).\n",
        name="kb",
    )
    panel = kb.panel("state(X), state(Y), X != Y, fought(X, Y, F)", start=2013, end=2015, time_column="year")
    assert len(panel) == 6
    assert list(panel)[:2] == [{"X": "a", "Y": "b", "F": 0, "year": 2013}, {"X": "b", "Y": "a", "F": 0, "year": 2013}]
    frame = panel.to_pandas()
    assert list(frame.columns) == ["X", "Y", "F", "year"]
    assert frame["F"].isna().tolist() == [False, False, False, False, True, True]
    assert frame["year"].tolist() == [2013, 2013, 2014, 2014, 2015, 2015]


def test_proofs_name_sources_and_constraints_refuse_changes():
    kb = entente.Engine()
    kb.load_source(
        'source weitz2012 "R. Weitz, 2012".\nfrom weitz2012.\nat_war(a, b).\n'
        "ally(X, Y) if treaty(X, Y).\nnever ally(X, Y) and at_war(X, Y).\n",
        name="kb",
    )
    assert kb.explain("at_war(a, b)").to_dict()["source"] == {"name": "weitz2012", "citation": "R. Weitz, 2012"}
    with pytest.raises(entente.EntenteError) as refused:
        kb.add_rules("treaty(a, b).")
    assert refused.value.code == "entente::violation"
    assert not kb.holds("treaty(a, b)")


def test_answers_say_where_a_source_does_not_cover():
    kb = entente.Engine()
    kb.load_source(
        'source atop "ATOP 5.1" covers 1815 to 2018.\nfrom atop.\nally(armenia, russia).\n'
        "allied(X) if ally(X, _).\n",
        name="kb",
    )
    unknown = kb.query("allied(azerbaijan)", at=2020)
    assert not unknown and unknown.unknown == entente.Unknown(["atop"], None)
    assert str(unknown) == "unknown."
    assert kb.query("allied(azerbaijan)", at=2010).unknown is None
    assert str(kb.query("allied(azerbaijan)", at=2010)) == "false."
    known = kb.query("allied(armenia)", at=2020)
    assert known and known.unknown is None and str(known) == "true."
    more = kb.query("allied(X)", at=2020)
    assert list(more) == [{"X": "armenia"}] and str(more) == "X = armenia\nunknown."
    timeline = kb.timeline("allied(X)")
    assert timeline.unknown == entente.Unknown(["atop"], "until 1814, since 2019")
