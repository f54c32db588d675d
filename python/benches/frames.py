"""The Python package's DataFrame paths (issue 22), against the same work
through the Rust API (`cargo bench -p entente-bench --bench frames`):
a million facts of four columns added from a pandas DataFrame in one
`add_facts`, and the million answers of a query read into a DataFrame
with `to_pandas()`. Median of 5 runs each, wall clock.

Run (in an environment where the package and pandas are installed):
    python python/benches/frames.py [ROWS]
"""

import statistics
import sys
import time

import pandas as pd

import entente


def frame(n: int) -> pd.DataFrame:
    """The rows `benches/benches/frames.rs` makes."""
    return pd.DataFrame(
        {
            "atopid": [1000 + i // 3 for i in range(n)],
            "member": [f"state_{i % 200}" for i in range(n)],
            "year": [1900 + i % 120 for i in range(n)],
            "share": [(i % 1000) / 8.0 for i in range(n)],
        }
    )


def median_seconds(runs, setup, work) -> float:
    times = []
    for _ in range(runs):
        state = setup()
        start = time.perf_counter()
        work(state)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    df = frame(n)

    def fresh() -> entente.Engine:
        kb = entente.Engine()
        kb.add_rules("ready.")  # evaluated: adding facts maintains the model
        return kb

    add = median_seconds(5, fresh, lambda kb: kb.add_facts("pact", df))
    kb = fresh()
    kb.add_facts("pact", df)
    read = median_seconds(5, lambda: kb, lambda kb: kb.query("pact(A, M, Y, S)").to_pandas())
    out = kb.query("pact(A, M, Y, S)").to_pandas()
    assert len(out) == len(df.drop_duplicates()), (len(out), len(df))
    print(f"add_facts from a DataFrame, {n} rows: {add:.3f} s")
    print(f"query into a DataFrame, {len(out)} answers: {read:.3f} s")


if __name__ == "__main__":
    main()
