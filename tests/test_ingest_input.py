"""The ingest benchmark's realistic input (bench/ingest_input.py): distinct statements that the
matcher keeps apart, and a stated share of copies and forwards in the other channel."""

from __future__ import annotations

import functools
import json

import pytest

from bench.ingest_input import ALBUM_SIZE, COPY_SHARE, Plan, make_plan_file, plan
from relay.core.matching import StatementIndex
from tests.dedup_set import find_dev_set

MESSAGES = 3_000


@functools.cache
def _texts() -> list[tuple[str, str]]:
    path = find_dev_set()
    if path is None:
        pytest.fail("language-ID dev set not found: set $RELAY_LANGID_DEV or place it at "
                    "<repo>/../shared/langid/dev.jsonl")
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [(r["text"], r["lang"]) for r in rows]


@functools.cache
def _plan(kind: str) -> Plan:
    return plan(_texts(), MESSAGES, 50, kind)


@pytest.mark.parametrize("kind", ["realistic", "cyclic"])
def test_plans_add_up_to_the_messages_asked_and_are_deterministic(kind: str) -> None:
    posts = _plan(kind)
    assert sum(len(u.texts) for u in posts.units) == MESSAGES
    assert any(len(u.texts) == ALBUM_SIZE for u in posts.units)
    assert plan(_texts(), MESSAGES, 50, kind).units == posts.units


def test_realistic_posts_are_distinct_statements_but_the_copies() -> None:
    posts = _plan("realistic")
    index = StatementIndex()
    matched = []
    for n, unit in enumerate(posts.units):
        found = index.match(unit.texts[0], 0.0)
        index.add(n, unit.texts[0], 0.0)
        if found is not None:
            matched.append(n)
    copies = [n for n, u in enumerate(posts.units) if u.copy]
    assert set(matched) <= set(copies)  # no composed post matches an earlier one
    assert len(matched) >= 0.9 * len(copies)  # short copied texts are never matched
    assert 0.5 * COPY_SHARE <= len(copies) / len(posts.units) <= 1.5 * COPY_SHARE
    assert {posts.units[n].copy for n in copies} == {"exact", "footer", "forward"}


def test_copies_are_posted_in_the_other_channel_and_forwards_name_their_origin() -> None:
    units = _plan("realistic").units
    for n, unit in enumerate(units):
        if unit.copy and unit.forward_of is None:  # an exact copy or one with a footer
            assert any(unit.texts[0].startswith(u.texts[0]) and u.channel != unit.channel
                       for u in units[:n])
        if unit.forward_of is not None:
            origin = units[unit.forward_of]
            assert unit.copy == "forward" and unit.channel != origin.channel
            assert unit.texts[0] == origin.texts[0]


def test_cyclic_input_is_mostly_repeats() -> None:
    texts = [u.texts[0] for u in _plan("cyclic").units]
    assert len(set(texts)) <= len(_texts()) < len(texts) / 4


def test_a_plan_written_to_a_file_reads_back_the_same_posts(tmp_path) -> None:
    """bench/ingest.py feeds the plan from a file, a batch at a time (its memory is relay's)."""
    posts = _plan("realistic")
    written = make_plan_file(_texts(), MESSAGES, 50, "realistic", tmp_path / "plan.jsonl")
    assert list(written) == posts.units and list(written) == posts.units  # read twice
    assert len(written) == len(posts.units) and written.copies == posts.copies
    assert (written.kind, written.recomposed) == (posts.kind, posts.recomposed)
