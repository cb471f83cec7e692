"""The store's interface: SqliteStore implements every Store method, and only the store speaks
SQL."""

from __future__ import annotations

import ast
import inspect
import io
import json
from pathlib import Path

import pytest

from relay.cli.export import export
from relay.core.records import MessageRow, QueuePolicy
from relay.core.sanitize import Cleaned
from relay.core.workflow import Action, Actor, Rules, Status
from relay.store import api
from relay.store.errors import DatabaseUnreadable, StoreError
from relay.store.reports import JOB_STATES
from relay.store.sqlite_store import SqliteStore, open_store, read_only

RELAY = Path(__file__).resolve().parents[1] / "relay"
POLICY = QueuePolicy(languages=frozenset({"fa"}), targets=(("en", "en"),))
FARSI = "اعتصاب رانندگان شرکت واحد در تهران ادامه دارد"


def _protocol_methods(protocol: type) -> dict[str, inspect.Signature]:
    methods = {}
    for cls in protocol.__mro__:
        if cls is object or not getattr(cls, "_is_protocol", False):
            continue
        for name, value in vars(cls).items():
            if not name.startswith("_") and inspect.isfunction(value):
                methods.setdefault(name, inspect.signature(value))
    return methods


def test_sqlite_store_implements_every_store_method_with_the_same_signature():
    wanted = _protocol_methods(api.Store)
    assert len(wanted) > 50  # every area: ingest, bulk, review, publishing, reports, ...
    for name, signature in wanted.items():
        method = getattr(SqliteStore, name, None)
        assert method is not None, f"SqliteStore lacks {name}"
        assert inspect.iscoroutinefunction(method), f"SqliteStore.{name} is not async"
        assert str(inspect.signature(method)) == str(signature), name


def test_every_protocol_method_is_async_and_documented():
    for name, _ in _protocol_methods(api.Store).items():
        fn = next(vars(c)[name] for c in api.Store.__mro__ if name in vars(c))
        assert inspect.iscoroutinefunction(fn), name
        assert (fn.__doc__ or "").strip(), f"Store.{name} has no docstring"


def test_sqlite_store_has_no_public_method_outside_the_protocol():
    wanted = set(_protocol_methods(api.Store))
    public = {n for n, v in vars(SqliteStore).items()
              if not n.startswith("_") and inspect.isfunction(v)}
    assert public <= wanted, public - wanted


def test_job_states_are_the_workflows():
    from relay.cli import status
    from relay.service import metrics

    assert tuple(s.value for s in Status) == JOB_STATES
    assert status.JOB_STATES is JOB_STATES and metrics.STATES is JOB_STATES


def _imports(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_no_sqlite_import_and_no_sql_outside_the_store():
    for path in RELAY.rglob("*.py"):
        if path.relative_to(RELAY).parts[0] == "store":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert not _imports(tree) & {"sqlite3", "aiosqlite"}, path
        calls = [n.func.attr for n in ast.walk(tree) if isinstance(n, ast.Call)
                 and isinstance(n.func, ast.Attribute)
                 and n.func.attr in ("execute", "executemany", "executescript")]
        assert not calls, f"{path} runs SQL"


async def test_a_post_through_the_interface(tmp_path):
    store: api.Store = await open_store(tmp_path / "relay.db")
    try:
        row = MessageRow(channel_id=100, message_id=1, date=1_700_000_000, text=FARSI)
        await store.upsert_channel(100, username="vahed", title="Vahed", display_name=None,
                                   is_source=True, now=1_700_000_000)
        result = await store.store_message(row, "fa", 0.99, POLICY, 1_700_000_001)
        assert result.stored and len(result.jobs_created) == 1
        job_id = result.jobs_created[0]
        job = await store.load_job(job_id)
        assert job is not None and job.status == "queued"
        counts = await store.job_counts()
        assert counts.by_state["queued"] == 1 and counts.oldest_queued.job_id == job_id
        assert list(counts.by_state) == list(JOB_STATES)
        translator = Actor(5, is_translator=True)
        editor = Actor(6, is_translator=True, is_editor=True)
        tr = await store.apply(job_id, Action.SUBMIT, translator, Rules(), 1_700_000_100,
                               draft=Cleaned("The strike goes on", ()))
        assert tr.ok and tr.job.status == "drafted"
        assert (await store.apply(job_id, Action.APPROVE, editor, Rules(), 1_700_000_200)).ok
        (item,) = await store.outbox_heads()
        await store.mark_sending(item.id, 0, 1_700_000_300, "The strike goes on")
        await store.record_part(item, 777, 0, 501, "The strike goes on", 1_700_000_300)
        assert await store.finish(item, 1_700_000_300)
        assert [p.message_id for p in await store.posted_parts(job_id)] == [501]
        assert (await store.stats()).by_status == {"published": 1}
        assert (await store.search("اعتصاب"))[0].job_ids == (job_id,)
        await store.beat(1_700_000_400, 42, "running", "ok")
        assert (await store.last_beat()).pid == 42
        figures = await store.metrics_figures(1_700_000_500)
        assert (figures.ingested, figures.published, figures.backlog) == (1, 1, 0)
    finally:
        await store.close()

    # Read-only, from outside a running loop's store: status figures and the archive.
    def use(store: api.Store):
        return store.status_figures(1_700_000_500)

    figures = read_only(tmp_path / "relay.db", use)
    assert figures.jobs.by_state["published"] == 1 and figures.publications == 1
    out = io.StringIO()
    counts = read_only(tmp_path / "relay.db",
                       lambda store: store.read_archive(lambda a: export(a, out, what="jobs")))
    assert counts == {"job": 1}
    assert json.loads(out.getvalue().splitlines()[1])["translation"] == "The strike goes on"


async def test_read_only_store_refuses_what_is_not_a_relay_database(tmp_path):
    with pytest.raises(DatabaseUnreadable, match="no database at"):
        await open_store(tmp_path / "missing.db", readonly=True)
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    with pytest.raises(DatabaseUnreadable, match="not a relay database"):
        read_only(empty, lambda store: store.status_figures(0))
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot (read|open)"):
        read_only(garbage, lambda store: store.status_figures(0))
