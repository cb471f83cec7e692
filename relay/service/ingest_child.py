"""The ingest process itself: ``python -m relay.service.ingest_child FD DATABASE WINDOW_DAYS``.

Started by :class:`relay.service.ingest_process.ProcessIngest`, never by hand. It reads
requests from the socket ``FD`` (frames: a 4-byte length, then a pickle of a list of
requests), decides and stores posts in order with :class:`relay.telegram.ingest_step.
PostDecider` and :class:`relay.store.ingest_writer.IngestWriter`, and answers each batch of
writes once it has committed. It holds the statement index (rebuilt from the store at start)
and each channel's recent languages. Signals are the service's business: the process ignores
SIGINT, SIGTERM, SIGHUP and SIGUSR1 and ends when the service closes the socket, after the
batch in hand, so a stop or a kill of the service never cuts a transaction short.
"""

from __future__ import annotations

import logging
import pickle
import signal
import socket
import struct
import sys
import time
from typing import Any

from relay.core.language_context import HISTORY
from relay.core.matching import MatchSettings
from relay.logs import event
from relay.review.statement_index import StatementMatcher
from relay.store.ingest_writer import IngestWriter, MarkDeleted, StorePost, Write
from relay.telegram.ingest_step import PostDecider

log = logging.getLogger("relay.watcher")

HEADER = struct.Struct("!I")
#: Writes per transaction, as the service's own group commit (relay.store.db.BatchWriter).
MAX_WRITES = 256

Reply = tuple[int, bool, Any]


def pack(value: Any) -> bytes:
    body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(body)) + body


#: Bytes read from the socket at a time, into one buffer kept for the process's life.
RECEIVE_SIZE = 1 << 20


class FrameReader:
    """Frames from a blocking socket. :meth:`next_batch` waits for one frame, then takes every
    frame already in the socket too (up to ``limit`` requests): the posts that arrived while
    the last batch was written go into one transaction, not one each.

    The socket is read into one receive buffer that lives as long as the reader, not with
    ``recv(RECEIVE_SIZE)``: that allocated a 1 MiB bytes object per read and shrank it to the
    few hundred bytes a post takes. Once glibc's malloc has raised its mmap threshold (it
    does when the statement index frees a table of more than a megabyte), such reads come
    from the heap, and what is allocated between them pins the pieces: over hours the
    process grew by megabytes, all of them free memory inside its heap."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buffer = bytearray()
        self.closed = False
        self._received = memoryview(bytearray(RECEIVE_SIZE))

    def next_batch(self, limit: int) -> list[tuple] | None:
        """The requests of one or more frames; None when the service closed the socket."""
        requests: list[tuple] = []
        while True:
            frame = self._frame()
            if frame is not None:
                requests.extend(frame)
                if len(requests) >= limit:
                    return requests
                continue
            if requests and not self._more(block=False):
                return requests
            if not requests and not self._more(block=True):
                return None

    def _frame(self) -> list[tuple] | None:
        if len(self.buffer) < HEADER.size:
            return None
        size = HEADER.unpack_from(self.buffer)[0]
        end = HEADER.size + size
        if len(self.buffer) < end:
            return None
        value: list[tuple] = pickle.loads(bytes(self.buffer[HEADER.size:end]))
        del self.buffer[:end]
        return value

    def _more(self, *, block: bool) -> bool:
        """Read what the socket holds (waiting for it when ``block``); False at its end."""
        if self.closed:
            return False
        try:
            size = self.sock.recv_into(self._received, 0, 0 if block else socket.MSG_DONTWAIT)
        except BlockingIOError:
            return False
        if not size:
            self.closed = True  # the requests in hand are still done first
            return False
        self.buffer += self._received[:size]
        return True


def sendable(replies: list[Reply]) -> bytes:
    """The replies as a frame; an exception that cannot be pickled is sent as its text."""
    try:
        return pack(replies)
    except Exception:  # noqa: BLE001 - a store error of an odd type must still reach the caller
        return pack([(rid, ok, value if ok else RuntimeError(f"{type(value).__name__}: {value}"))
                     for rid, ok, value in replies])


class Worker:
    """Applies batches of requests; see the module docstring."""

    def __init__(self, writer: IngestWriter, decider: PostDecider):
        self.writer = writer
        self.decider = decider

    def reindex(self) -> int:
        """The statement index read again from the store (posts another command stored)."""
        statements = self.decider.statements
        if statements is None:
            return 0
        return statements.rebuild_from(
            self.writer.statement_posts(int(time.time()) - statements.window_seconds))

    def handle(self, requests: list[tuple], send: Any) -> None:
        """Decide and write ``requests`` in order; ``send`` each group's replies once written."""
        writes: list[Write] = []
        owners: list[tuple[int, Any]] = []
        failed: list[Reply] = []  # one post that could not be decided fails alone, as inline
        for request in requests:
            if request[0] == "reindex":  # after the writes before it, which it must see
                if writes or failed:
                    send(failed + self.write(writes, owners))
                    writes, owners, failed = [], [], []
                send([self._answer(request[1], self.reindex)])
                continue
            try:
                self._take(request, writes, owners)
            except Exception as exc:  # noqa: BLE001 - told to the post's caller (or logged)
                if request[0] in ("post", "delete"):
                    failed.append((request[1], False, exc))
                else:
                    log.exception(event("ingest.request_failed", request=request[0]))
            if len(writes) >= MAX_WRITES:
                send(failed + self.write(writes, owners))
                writes, owners, failed = [], [], []
        if writes or failed:
            send(failed + self.write(writes, owners))

    def _take(self, request: tuple, writes: list[Write], owners: list[tuple[int, Any]]) -> None:
        """Decide one request; a post or deletion becomes a write of the next transaction."""
        kind, statements = request[0], self.decider.statements
        if kind == "post":
            _, rid, row, policy, now = request
            if self.decider.needs_history(row.channel_id):
                self.decider.learn(row.channel_id,
                                   self.writer.recent_languages(row.channel_id, HISTORY))
            decision, same_as = self.decider.decide(row, policy)
            writes.append(StorePost(row, decision.lang, decision.confidence, policy, now,
                                    same_as, decision.reason))
            owners.append((rid, (row.channel_id, decision)))
        elif kind == "delete":
            _, rid, channel_id, message_ids, now = request
            writes.append(MarkDeleted(channel_id, message_ids, now))
            owners.append((rid, None))
        elif kind == "forget" and statements is not None:
            statements.forget(request[1])
        elif kind == "replace" and statements is not None:
            statements.replace(*request[1:])

    @staticmethod
    def _answer(rid: int, work: Any) -> Reply:
        try:
            return rid, True, work()
        except Exception as exc:  # noqa: BLE001 - told to the caller
            return rid, False, exc

    def write(self, writes: list[Write], owners: list[tuple[int, Any]]) -> list[Reply]:
        if not writes:
            return []
        try:
            outcomes = self.writer.write(writes)
        except Exception as exc:  # noqa: BLE001 - the commit failed: every caller is told
            return [(rid, False, exc) for rid, _ in owners]
        replies: list[Reply] = []
        for (rid, post), (ok, value) in zip(owners, outcomes, strict=True):
            if ok and post is not None:
                channel_id, decision = post
                if value.stored:
                    self.decider.stored(channel_id, decision.lang)
                value = (decision, value)
            replies.append((rid, ok, value))
        return replies


def serve(sock: socket.socket, database: str, window_days: float) -> int:
    try:
        writer = IngestWriter(database)
        statements = StatementMatcher(MatchSettings(window_days=window_days))
        worker = Worker(writer, PostDecider(statements))
        indexed = worker.reindex()
    except Exception as exc:  # noqa: BLE001 - told to the service, which says it in one line
        sock.sendall(pack(("failed", f"{type(exc).__name__}: {exc}")))
        return 1
    sock.sendall(pack(("ready", indexed)))
    frames = FrameReader(sock)
    try:
        while (requests := frames.next_batch(MAX_WRITES)) is not None:
            worker.handle(requests, lambda replies: sock.sendall(sendable(replies)))
    except (BrokenPipeError, ConnectionResetError):
        pass  # the service is gone; what was committed stays committed
    finally:
        writer.close()
    return 0


def main(argv: list[str]) -> int:
    for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGUSR1"):
        signal.signal(getattr(signal, name), signal.SIG_IGN)
    fd, database, window = argv
    with socket.socket(fileno=int(fd)) as sock:
        return serve(sock, database, float(window))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
