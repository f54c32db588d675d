"""DataFrames in and out."""

import math

import pandas as pd
import pytest

import entente


def frame(n):
    return pd.DataFrame(
        {
            "atopid": [1000 + i // 3 for i in range(n)],
            "member": [f"state_{i % 97}" for i in range(n)],
            "share": [round(i / 7, 3) for i in range(n)],
            "name": [f"Pact number {i}" for i in range(n)],
        }
    )


def test_a_dataframe_in_gives_the_same_rows_out():
    df = frame(500)
    kb = entente.Engine()
    kb.add_facts("pact", df)
    out = kb.query("pact(A, M, S, N)").to_pandas()
    out.columns = list(df.columns)
    expected = df.sort_values(list(df.columns)).reset_index(drop=True)
    got = out.sort_values(list(df.columns)).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected)
    assert out["atopid"].dtype == df["atopid"].dtype
    assert out["share"].dtype == df["share"].dtype


def test_ten_thousand_facts_from_a_dataframe_in_one_call():
    df = frame(10_000)
    kb = entente.Engine()
    kb.add_rules("members(A, N) if pact(A, _, _, _), N = count : { pact(A, M, _, _) }.")
    change = kb.add_facts("pact", df)
    assert len(change.appeared) == df["atopid"].nunique()
    counts = kb.query("members(A, N)").to_pandas().set_index("A")["N"]
    expected = df.groupby("atopid")["member"].count()
    assert counts.sort_index().tolist() == expected.sort_index().tolist()
    assert len(kb.query("pact(A, M, S, N)")) == len(df.drop_duplicates())


def test_retracting_a_dataframe_takes_its_rows_back():
    df = frame(300)
    kb = entente.Engine()
    kb.add_facts("pact", df)
    kb.retract_facts("pact", df.iloc[:100])
    assert len(kb.query("pact(A, M, S, N)")) == 200


def test_missing_values_are_empty_strings_as_in_an_imported_file(tmp_path):
    (tmp_path / "rows.csv").write_text("a,b,c\n1,,x\n2,3,\n")
    (tmp_path / "rows.rules").write_text('import row(a, b, c) from "rows.csv".\n')
    from_file = entente.Engine()
    from_file.load(tmp_path / "rows.rules")
    df = pd.DataFrame({"a": [1, 2], "b": pd.array([None, 3], dtype="Int64"), "c": ["x", None]})
    from_frame = entente.Engine()
    from_frame.add_facts("row", df)
    assert list(from_frame.query("row(A, B, C)")) == list(from_file.query("row(A, B, C)"))
    floats = entente.Engine()
    floats.add_facts("v", [(math.nan,), (1.5,)])
    assert sorted(r["X"] for r in floats.query("v(X)") if isinstance(r["X"], str)) == [""]


def test_numpy_scalars_convert_like_python_numbers():
    import numpy as np

    kb = entente.Engine()
    kb.add_facts("p", [(np.int64(7), np.float64(0.5), np.str_("a"))])
    assert list(kb.query("p(X, Y, Z)")) == [{"X": 7, "Y": 0.5, "Z": "a"}]


def test_answers_over_time_have_a_validity_column(kb):
    df = kb.query("defends(X, Y)").to_pandas()
    assert list(df.columns) == ["X", "Y", "validity"]
    assert "since 2010" in df["validity"].tolist()
    at = kb.query("defends(X, Y)", at=2012).to_pandas()
    assert list(at.columns) == ["X", "Y"]


def test_columns_of_different_lengths_are_refused():
    kb = entente.Engine()
    with pytest.raises(TypeError):
        kb._core.add_facts("p", [[1, 2], [3]], True)
