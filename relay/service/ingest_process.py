"""The watcher's ingest step in a process of its own (``[watcher] ingest_process``).

Deciding a post's language and matching it against the statements of the last weeks is pure
Python CPU work; in the service's process it shares one interpreter lock with Telethon's
update loop, the review bot and the publisher. :class:`ProcessIngest` hands it, with the
post's write, to a child process (:mod:`relay.service.ingest_child`) on another core: the
watcher sends each post and awaits its language and what storing it did, exactly as with
:class:`relay.telegram.ingest_step.InlineIngest`.

Requests from one turn of the event loop travel in one frame over a socket pair and are
answered once their transaction committed, in order. The child holds the statement index, so
the review desk's splits reach it through :meth:`forget` and :meth:`replace` (same socket, so
in order with the posts). If the child dies, the posts in flight fail (logged) and the next
post starts a new child; :attr:`on_restarted` then lets the service catch up at once, which
reads the posts that failed again from Telegram.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import pickle
import socket
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import relay
from relay.core.language_context import Decision
from relay.core.records import IngestResult, MessageRow, QueuePolicy
from relay.logs import event
from relay.review.statement_index import Unit
from relay.service.ingest_child import HEADER, MAX_WRITES, pack

log = logging.getLogger("relay.watcher")

START_TIMEOUT_SECONDS = 120.0  # importing relay and indexing a month of statements
RESTART_PAUSE_SECONDS = 5.0
ASKED = frozenset({"post", "delete", "reindex"})  # the requests the child answers


class IngestProcessGone(RuntimeError):
    """The ingest process stopped before answering."""


class ProcessIngest:
    """The ingest step in a child process; see the module docstring."""

    def __init__(self, database: Path | str, window_days: float, *,
                 on_error: Callable[[BaseException], Any] | None = None):
        self.database = str(database)
        self.window_days = window_days
        self.on_error = on_error  # told every store error (a full disk stops the service)
        #: called once a new child replaced one that died (the service catches up at once)
        self.on_restarted: Callable[[], Any] | None = None
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future] = {}
        self._outbox: list[tuple] = []
        self._flush_soon = False
        self._in_flight = 0  # requests sent that the child has not answered yet
        self._proc: subprocess.Popen | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._reading: asyncio.Task | None = None
        self._starting: asyncio.Lock | None = None
        self._stopping = False
        self.indexed = 0  # statements' posts indexed by the child at its start

    # ------------------------------------------------------------------ lifecycle
    @property
    def running(self) -> bool:
        return self._writer is not None and self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        """The child's process id (for the benches' CPU and memory figures); None before start."""
        return self._proc.pid if self._proc is not None else None

    async def start(self) -> None:
        """Start the child and wait until it has indexed the statements."""
        self._stopping = False
        if self._starting is None:
            self._starting = asyncio.Lock()
        async with self._starting:
            if not self.running:
                await self._spawn()

    async def _spawn(self) -> None:
        self._in_flight = 0
        ours, theirs = socket.socketpair()
        env = {k: v for k, v in os.environ.items() if not k.startswith("RELAY_")}  # no secrets
        package_root = str(Path(relay.__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH"))
                                            if p)
        with theirs:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "relay.service.ingest_child", str(theirs.fileno()),
                 self.database, str(self.window_days)],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, env=env,
                start_new_session=True)  # a Ctrl-C in the terminal is the service's to handle
        reader, writer = await asyncio.open_unix_connection(sock=ours)
        try:
            hello = await asyncio.wait_for(_read(reader), START_TIMEOUT_SECONDS)
        except (TimeoutError, asyncio.IncompleteReadError):
            hello = ("failed", None)
        except BaseException:  # cancelled (relay stopping while it starts): the child ends
            writer.close()
            raise
        if hello[0] != "ready":
            writer.close()
            await self._end_child()
            raise IngestProcessGone("the ingest process did not start" if hello[1] is None
                                    else f"the ingest process could not start: {hello[1]}")
        self._writer = writer  # running from here on: it has indexed the statements
        self.indexed = hello[1]
        self._reading = asyncio.create_task(self._read_replies(reader), name="ingest-replies")

    async def stop(self, timeout: float = 5.0) -> None:
        """Let the posts in flight be answered, then end the child."""
        self._stopping = True
        if self._waiting:  # (asyncio.wait cancels nothing: a post not answered in time fails)
            await asyncio.wait(list(self._waiting.values()), timeout=timeout)
        await self._end_child()

    async def _end_child(self) -> None:
        writer, proc, reading = self._writer, self._proc, self._reading
        self._writer = self._reading = None
        if writer is not None:
            writer.close()  # the child sees the end of its input and exits
        if reading is not None:
            reading.cancel()
            await asyncio.gather(reading, return_exceptions=True)
        if proc is not None:
            try:
                await asyncio.wait_for(asyncio.to_thread(proc.wait), 10)
            except TimeoutError:
                proc.kill()
                await asyncio.to_thread(proc.wait)
        self._fail_waiting("the ingest process stopped")

    # ------------------------------------------------------------------ the ingest step
    async def store_post(self, row: MessageRow, policy: QueuePolicy | None,
                         now: int) -> tuple[Decision, IngestResult]:
        decision, result = await self._ask("post", row, policy, now)
        return decision, result

    async def mark_deleted(self, channel_id: int, message_ids: Sequence[int],
                           now: int) -> list[int]:
        jobs: list[int] = await self._ask("delete", channel_id, list(message_ids), now)
        return jobs

    async def reindex(self) -> int:
        """Read the statement index again from the store, after the posts sent before
        (posts another command, ``relay import``, stored); how many posts it holds."""
        indexed: int = await self._ask("reindex")
        return indexed

    def forget(self, unit: Unit) -> None:
        """A post split off its statement (the review desk): later copies no longer find it."""
        self._send(("forget", unit))

    def replace(self, unit: Unit, text: str, at: int) -> None:
        """An edited post left its statement: copies of its new text find it."""
        self._send(("replace", unit, text, at))

    async def _ask(self, kind: str, *args: Any) -> Any:
        if not self.running:
            if self._stopping:
                raise IngestProcessGone("relay is stopping")
            await self._restart()
        rid = next(self._ids)
        future = asyncio.get_running_loop().create_future()
        self._waiting[rid] = future
        self._send((kind, rid, *args))
        return await future

    async def _restart(self) -> None:
        """A post came while the child was gone: wait a moment (a child that dies at once
        must not be started in a tight loop), then start a new one."""
        await asyncio.sleep(RESTART_PAUSE_SECONDS)
        await self.revive()

    async def revive(self) -> None:
        """Start a new child if the last one died (nothing if it runs, or relay is stopping):
        the supervisor's restart (the ``ingest`` part of the heartbeat) and the next post's
        both come here, one at a time. :attr:`on_restarted` then reads again what was lost."""
        assert self._starting is not None, "start() first"
        async with self._starting:
            if self.running or self._stopping:
                return
            log.warning(event("ingest.restarting", note="the ingest process had stopped; the"
                                                        " next catch-up reads what it missed"))
            await self._end_child()
            await self._spawn()
        if self.on_restarted is not None:
            self.on_restarted()

    async def reap(self) -> None:
        """Nothing to stop before :meth:`revive` (it ends a dead child itself); the service
        stops the ingest process with :meth:`stop`, after the watcher."""

    def _send(self, request: tuple) -> None:
        """Queue ``request``. While the child is busy with requests already sent, new ones
        wait for its next answer and go together in one frame (so in one transaction), as the
        service's own group commit does; an idle child gets them at the end of this turn."""
        self._outbox.append(request)
        if self._flush_soon:
            return
        if not self._in_flight or len(self._outbox) >= MAX_WRITES:
            self._flush_soon = True
            asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_soon = False
        if not self._outbox:
            return
        batch, self._outbox = self._outbox, []
        if self._writer is None:
            self._fail_waiting("the ingest process is not running")
            return
        self._in_flight += sum(1 for request in batch if request[0] in ASKED)
        self._writer.write(pack(batch))

    async def _read_replies(self, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                replies = await _read(reader)
                self._in_flight -= len(replies)
                self._flush()  # what came in meanwhile: the child is free for it now
                for rid, ok, value in replies:
                    future = self._waiting.pop(rid, None)
                    if future is None or future.done():
                        continue
                    if ok:
                        future.set_result(value)
                    else:
                        if self.on_error is not None:
                            self.on_error(value)
                        future.set_exception(value)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        code = self._proc.poll() if self._proc else None
        if not self._stopping:
            log.error(event("ingest.process_stopped", exit=code,
                            posts_in_flight=len(self._waiting)))
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self._fail_waiting(f"the ingest process stopped (exit {code})")

    def _fail_waiting(self, why: str) -> None:
        waiting, self._waiting = self._waiting, {}
        for future in waiting.values():
            if not future.done():
                future.set_exception(IngestProcessGone(why))


async def _read(reader: asyncio.StreamReader) -> Any:
    head = await reader.readexactly(HEADER.size)
    return pickle.loads(await reader.readexactly(HEADER.unpack(head)[0]))
