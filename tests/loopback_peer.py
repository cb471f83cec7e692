"""A misbehaving "Telegram" on a loopback socket: the only thing the network-fault tests
replace. Telethon connects to it for real (the session holds its address and port).

Modes: ``refused`` (nothing listens), ``garbage`` (answers every packet with random bytes),
``closed`` (closes the connection on the first packet: IncompleteReadError), ``silent``
(reads and never answers: a timeout).
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Iterator

MODES = ("refused", "garbage", "closed", "silent")


@contextlib.contextmanager
def peer(mode: str) -> Iterator[int]:
    """Run the peer; yield its port."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    port = server.getsockname()[1]
    if mode == "refused":
        server.close()
        yield port
        return
    server.listen(16)
    server.settimeout(0.2)
    stop = threading.Event()
    conns: list[socket.socket] = []

    def serve(conn: socket.socket) -> None:
        while not stop.is_set():
            try:
                data = conn.recv(65536)
                if not data or mode == "closed":
                    break
                if mode == "garbage":
                    conn.sendall(os.urandom(48) + b"\xff" * 80)
            except TimeoutError:
                continue  # silent: keep reading, never answer
            except OSError:
                break
        with contextlib.suppress(OSError):
            conn.close()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            conn.settimeout(0.5)
            conns.append(conn)
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        stop.set()
        thread.join(2)
        server.close()
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.close()


def string_session(port: int) -> str:
    """A signed-in-looking string session whose data centre is the loopback peer."""
    from telethon.crypto import AuthKey
    from telethon.sessions import StringSession

    session = StringSession()
    session.set_dc(2, "127.0.0.1", port)
    session.auth_key = AuthKey(os.urandom(256))
    return session.save()


def session_file(path: str, port: int) -> None:
    """A session file (no auth key yet, as before `relay login`) pointing at the peer."""
    from telethon.sessions import SQLiteSession

    session = SQLiteSession(path)
    session.set_dc(2, "127.0.0.1", port)
    session.save()
    session.close()
