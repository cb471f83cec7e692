"""Time one of relay's store functions on a plain sqlite3 connection and explain the
statements it really ran (caught with a trace callback), so a benchmark shows the plans relay
uses rather than hand-copied SQL."""

from __future__ import annotations

import sqlite3
import statistics
import time
from collections.abc import Callable
from typing import Any


def time_and_explain(conn: sqlite3.Connection, fn: Callable[..., Any], args: tuple, *,
                     runs: int, warm_up: int = 0,
                     ) -> tuple[float, list[list[tuple]]]:
    """Median milliseconds of ``fn(conn, *args)`` over ``runs`` (after ``warm_up`` untimed
    runs), and the EXPLAIN QUERY PLAN rows of each distinct SELECT it ran. Each call is
    committed: some store functions write (search indexes what is pending first)."""
    samples = []
    for i in range(warm_up + runs):
        t0 = time.perf_counter()
        fn(conn, *args)
        if i >= warm_up:
            samples.append((time.perf_counter() - t0) * 1000)
        conn.commit()
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    fn(conn, *args)
    conn.commit()
    conn.set_trace_callback(None)
    plans = [conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
             for sql in dict.fromkeys(statements) if sql.lstrip().upper().startswith("SELECT")]
    return statistics.median(samples), plans
