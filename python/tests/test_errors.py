"""Errors as exception classes with their code and place; budgets;
interrupts (Ctrl-C and from another thread); the GIL released."""

import _thread
import threading
import time

import pytest

import entente
from entente import errors

RUNAWAY = "n(0).\nn(Y) if n(X), Y = X + 1.\n"


def words(error):
    """The diagnostic's text, its lines joined (it is wrapped to fit)."""
    return " ".join(line.strip() for line in str(error).splitlines())


def test_a_syntax_error_is_a_parse_error_with_its_place():
    kb = entente.Engine()
    with pytest.raises(entente.ParseError) as caught:
        kb.load_source("treaty(a, b).\nally(X, Y) if treaty(X, Y)", name="bad.rules")
    e = caught.value
    assert isinstance(e, entente.EntenteError)
    assert e.code == "entente::parse"
    assert (e.file, e.line) == ("bad.rules", 2)
    assert e.column >= 1
    assert "entente::parse" in str(e) and "bad.rules:2" in str(e)
    assert kb.program == "", "nothing of a failed load is kept"


def test_an_unsafe_rule_is_a_check_error():
    kb = entente.Engine()
    with pytest.raises(entente.CheckError) as caught:
        kb.add_rules("p(X) if not q(X).\nq(a).")
    assert caught.value.code == "entente::unsafe_variable"
    assert caught.value.line == 1


def test_an_arity_clash_is_a_check_error():
    kb = entente.Engine()
    with pytest.raises(entente.CheckError) as caught:
        kb.load_source("p(a).\np(a, b).", name="a.rules")
    assert caught.value.code == "entente::arity"


def test_a_missing_file_is_a_data_error(tmp_path):
    kb = entente.Engine()
    with pytest.raises(entente.DataError) as caught:
        kb.load(tmp_path / "no_such.rules")
    assert caught.value.code == "entente::io"


def test_a_bad_import_is_a_data_error(tmp_path):
    (tmp_path / "t.csv").write_text("a,b\nx\n")
    (tmp_path / "t.rules").write_text('import t(a, b) from "t.csv".\n')
    kb = entente.Engine()
    with pytest.raises(entente.DataError) as caught:
        kb.load(tmp_path / "t.rules")
    assert caught.value.code == "entente::import"


def test_a_bad_goal_is_a_parse_error_and_the_engine_goes_on(kb):
    with pytest.raises(entente.ParseError) as caught:
        kb.query("supports(turkey, Who")
    assert caught.value.file == "<goal>"
    assert kb.query("supports(turkey, Who)")


def test_a_value_that_is_no_term_is_refused():
    kb = entente.Engine()
    with pytest.raises(TypeError):
        kb.add_facts("p", [(object(),)])
    with pytest.raises(entente.EntenteError) as caught:
        kb.add_facts("p", [(float("inf"),)])
    assert caught.value.code == "entente::value"
    with pytest.raises(entente.EntenteError):
        kb.add_facts("Not_a_predicate", [("a",)])
    with pytest.raises(entente.EntenteError):
        kb.add_facts("p", [(2**70,)])
    assert kb.program == ""


def test_retracting_what_is_not_given_is_an_error(kb):
    with pytest.raises(entente.EntenteError) as caught:
        kb.retract_facts("membership", [("azerbaijan", "csto")])
    assert caught.value.code == "entente::retract"


def test_the_fact_budget_stops_a_runaway_program():
    kb = entente.Engine(max_facts=1000)
    kb.load_source(RUNAWAY, name="runaway.rules")
    with pytest.raises(entente.LimitError) as caught:
        kb.query("n(X)")
    assert caught.value.code == "entente::fact_limit"
    assert "raise the fact limit with `Engine(max_facts=...)`" in words(caught.value)


def test_the_time_budget_stops_a_runaway_program():
    kb = entente.Engine(timeout=0.3)
    kb.load_source(RUNAWAY, name="runaway.rules")
    started = time.monotonic()
    with pytest.raises(entente.LimitError) as caught:
        kb.query("n(X)")
    assert caught.value.code == "entente::time_limit"
    assert "raise the time limit with `Engine(timeout=...)`" in words(caught.value)
    assert time.monotonic() - started < 30


def test_interrupt_from_another_thread_stops_and_keeps_the_engine():
    kb = entente.Engine()
    kb.load_source("base(1).\n", name="base.rules")
    kb.query("base(X)")
    with pytest.raises(entente.Interrupted) as caught:
        threading.Timer(0.3, kb.interrupt).start()
        kb.add_rules(RUNAWAY)
    assert caught.value.code == "entente::interrupted"
    # The interrupted change left nothing behind.
    assert "n(" not in kb.program
    assert list(kb.query("base(X)")) == [{"X": 1}]


def test_ctrl_c_stops_an_evaluation_as_a_keyboard_interrupt():
    kb = entente.Engine()
    kb.load_source("base(1).\n", name="base.rules")
    assert kb.holds("base(1)")
    # What Ctrl-C does: a SIGINT handled in the main thread.
    threading.Timer(0.3, _thread.interrupt_main).start()
    with pytest.raises(KeyboardInterrupt) as caught:
        kb.add_rules(RUNAWAY)
    assert isinstance(caught.value, entente.Interrupted)
    # The engine is as it was, and goes on.
    assert "n(" not in kb.program
    kb.add_rules("m(1).")
    assert kb.holds("m(1)") and kb.holds("base(1)")


def test_the_gil_is_released_while_the_engine_works():
    kb = entente.Engine(timeout=1.0)
    kb.load_source(RUNAWAY, name="runaway.rules")
    ticks = 0
    stop = threading.Event()

    def count():
        nonlocal ticks
        while not stop.is_set():
            ticks += 1

    counter = threading.Thread(target=count)
    counter.start()
    time.sleep(0.05)
    before = ticks
    with pytest.raises(entente.LimitError):
        kb.query("n(X)")
    during = ticks - before
    stop.set()
    counter.join()
    # A held GIL would have frozen the counter for the whole second.
    assert during > 10_000, during


def test_the_classes_are_in_entente_errors():
    for name in ["EntenteError", "ParseError", "CheckError", "LimitError", "Interrupted", "DataError"]:
        assert getattr(errors, name) is getattr(entente, name)
    assert issubclass(entente.Interrupted, KeyboardInterrupt)
    assert issubclass(entente.Interrupted, entente.EntenteError)


def test_interrupt_stops_every_call_in_progress():
    kb = entente.Engine()
    kb.load_source(RUNAWAY, name="runaway.rules")
    raised = []

    def ask():
        try:
            kb.query("n(X)")
        except entente.Interrupted as e:
            raised.append(e.code)

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    kb.interrupt()
    for t in threads:
        t.join(timeout=30)
    assert raised == ["entente::interrupted"] * 2


def test_no_input_crashes_the_interpreter():
    import random

    rng = random.Random(7)
    pieces = list("abXY_(),.?:-!\"\\ \n0123456789=<>+*/#{}é") + [
        "if ", "not ", "and ", "since ", "at ", "from ", "to ", "count", "\x00",
    ]
    kb = entente.Engine(max_facts=10_000, timeout=2)
    kb.load_source("p(a, b). q(X, Y) if p(X, Y). r(X) if p(X, _), not q(_, X).", name="base")
    calls = [
        kb.query,
        kb.explain,
        kb.timeline,
        kb.holds,
        kb.add_rules,
        lambda t: kb.graph([t]),
        lambda t: kb.what_if(add=[t], retract=[t]),
        lambda t: kb.load_source(t, name="x"),
        lambda t: kb.add_facts(t, [(t, 1, 2.5)]),
    ]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        for call in calls:
            try:
                call(text)
            except (entente.EntenteError, TypeError, ValueError):
                pass
    assert kb.holds("q(a, b)")
