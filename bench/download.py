"""Benchmark a media download with and without cryptg (issue 12).

    python bench/download.py [--mb 20] [--python-mb 2]

What it measures: the watcher's client (relay's ReadOnlyClient, the real Telethon) downloads a
document of ``--mb`` MB posted in a channel of the simulated Telegram, with Telethon's own
download loop (``download_media`` -> ``iter_download``: ``upload.getFile`` requests of 128 KB, the part size
Telethon picks for files up to 100 MB).

The simulator replaces Telethon's network sender (``relay/telegram/sim/sender.py``), so on its
own it runs no MTProto encryption at all: requests and answers only go through their TL bytes
(``sim/wire.py``). The bench therefore puts each ``upload.getFile`` round trip through the
cryptography a real connection does, with Telethon's ``MTProtoState``: the client encrypts the
request (``encrypt_message_data``: AES-256-IGE, SHA-256 msg_key), the "server" encrypts the
answer with its own key half (MTProto 2.0, x = 8), and the client decrypts and checks it
(``decrypt_message_data``: AES-256-IGE, SHA-256 msg_key check, session id, msg_id) and reads the
``upload.File`` out of the decrypted bytes; the file written is compared with the original.
The server's encryption is timed apart and subtracted: the figure is what the client's
side costs. Not included: the network, TCP framing, transport obfuscation.

The AES paths, forced in this one process (``telethon/crypto/aes.py`` picks at each call:
``cryptg`` if the module imported, else OpenSSL through ctypes if ``telethon.crypto.libssl``
found it, else pure Python ``pyaes``):

* cryptg: as installed;
* "without cryptg, OpenSSL": ``telethon.crypto.aes.cryptg = None`` (what an install without
  cryptg gets where Telethon finds libssl);
* "without cryptg, pure Python": also ``libssl.encrypt_ige = libssl.decrypt_ige = None`` (where
  it does not); ``--python-mb`` MB only by default, it is slow.

Also printed: the same download with no cryptography at all (the simulator's own ceiling),
for scale. Floor: with cryptg, >= 20 MB/s (ten times the fastest path without it).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import logging
import os
import struct
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cryptg  # noqa: E402
import telethon.crypto.aes as telethon_aes  # noqa: E402
from telethon.crypto import AuthKey, libssl  # noqa: E402
from telethon.network.mtprotostate import MTProtoState  # noqa: E402
from telethon.tl import functions as fn  # noqa: E402

import relay.telegram.sim.sender as sim_sender  # noqa: E402
from relay.telegram.client import ReadOnlyClient  # noqa: E402
from relay.telegram.sim.cast import VAHED, WATCHER  # noqa: E402
from relay.telegram.sim.wire import encode_result  # noqa: E402
from relay.telegram.sim.world import SimTelegram  # noqa: E402

FLOOR_MB_S = 20.0
MB = 1024 * 1024


class _Loggers(dict):
    def __missing__(self, name: str) -> logging.Logger:
        return logging.getLogger(name)


class MTProtoLink:
    """One authorised MTProto 2.0 session between the client and the simulated server."""

    def __init__(self) -> None:
        self.auth_key = AuthKey(os.urandom(256))
        self.client = MTProtoState(self.auth_key, _Loggers())
        self.client.salt = struct.unpack("<q", os.urandom(8))[0]
        self._server_msg = 0
        self.server_seconds = 0.0  # the server's own work, subtracted from the figures
        self.chunks = 0

    def send(self, request: Any) -> None:
        """The client encrypts the request, as MTProtoSender does before writing it."""
        body = bytes(request)
        self._server_msg += 1
        self.client.encrypt_message_data(
            struct.pack("<qii", self.client._get_new_msg_id(), self._server_msg * 2 + 1,
                        len(body)) + body)

    def answer(self, result: Any) -> Any:
        """The server encrypts the answer; the client decrypts, checks and reads it."""
        started = time.perf_counter()
        body = encode_result(result)
        self._server_msg += 1
        msg_id = (int(time.time()) << 32) | (self._server_msg * 4 + 1)  # odd: from the server
        plain = struct.pack("<qqqii", self.client.salt, self.client.id, msg_id, 1, len(body))
        plain += body
        plain += os.urandom(-(len(plain) + 12) % 16 + 12)
        key = self.auth_key.key
        msg_key = hashlib.sha256(key[96:128] + plain).digest()[8:24]
        aes_key, aes_iv = MTProtoState._calc_key(key, msg_key, False)
        cipher = (struct.pack("<Q", self.auth_key.key_id) + msg_key
                  + cryptg.encrypt_ige(plain, aes_key, aes_iv))
        self.server_seconds += time.perf_counter() - started
        message = self.client.decrypt_message_data(cipher)
        if message is None:
            raise RuntimeError("the client ignored a server message")
        self.chunks += 1
        return message.obj


@contextmanager
def encrypted_file_requests(link: MTProtoLink) -> Iterator[None]:
    """The simulated sender carries every ``upload.getFile`` through ``link``."""
    plain_request, plain_result = sim_sender.roundtrip_request, sim_sender.decode_result

    def roundtrip(request: Any) -> Any:
        if isinstance(request, fn.upload.GetFileRequest):
            link.send(request)
        return plain_request(request)

    def decode(request: Any, result: Any) -> Any:
        if isinstance(request, fn.upload.GetFileRequest):
            return link.answer(result)
        return plain_result(request, result)

    sim_sender.roundtrip_request, sim_sender.decode_result = roundtrip, decode
    try:
        yield
    finally:
        sim_sender.roundtrip_request, sim_sender.decode_result = plain_request, plain_result


@contextmanager
def aes_path(name: str) -> Iterator[None]:
    """Force Telethon's AES to ``cryptg``, ``openssl`` or ``python`` for the duration."""
    saved = (telethon_aes.cryptg, libssl.encrypt_ige, libssl.decrypt_ige)
    if name == "none":
        yield
        return
    if name in ("openssl", "python"):
        telethon_aes.cryptg = None
    if name == "python":
        libssl.encrypt_ige = libssl.decrypt_ige = None
    if name == "openssl" and libssl.decrypt_ige is None:
        raise SystemExit("Telethon found no libssl here: no OpenSSL path to measure")
    try:
        yield
    finally:
        telethon_aes.cryptg, libssl.encrypt_ige, libssl.decrypt_ige = saved


async def download(size: int, path: str) -> tuple[float, int]:
    """Client-side seconds for one download of ``size`` bytes, and the chunks it took."""
    tg = SimTelegram()
    watcher = WATCHER.add_user(tg)
    chan = VAHED.add_to(tg, members=[watcher])
    data = os.urandom(size)
    post = tg.post(chan, "", media=tg.document(data, mime_type="video/mp4", file_name="a.mp4"))
    client = tg.client(watcher, cls=ReadOnlyClient)
    await client.connect()
    [message] = await client.get_messages(await client.get_input_entity("@" + VAHED.username),
                                          ids=[post.id])
    link = MTProtoLink()
    out = io.BytesIO()
    with aes_path(path), encrypted_file_requests(link) if path != "none" else nullcontext():
        started = time.perf_counter()
        await client.download_media(message, file=out)
        wall = time.perf_counter() - started
    await client.disconnect()
    if out.getvalue() != data:
        raise SystemExit("the downloaded file differs from the posted one")
    return wall - link.server_seconds, link.chunks


def run(label: str, mb: float, path: str, say: Callable[[str], None]) -> float:
    size = int(mb * MB)
    seconds, chunks = asyncio.run(download(size, path))
    rate = size / MB / seconds
    parts = f"{chunks} chunks" if chunks else "no crypto"
    say(f"{label:<32} {mb:>5g} MB in {seconds:6.2f} s  ({parts})  {rate:8.2f} MB/s")
    return rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0, help="file size (default 20)")
    parser.add_argument("--python-mb", type=float, default=2.0,
                        help="file size for the pure-Python path (default 2; it is slow)")
    args = parser.parse_args(argv)
    say = print
    say("download through the simulator, MTProto 2.0 crypto per chunk (client side only)")
    run("no crypto (simulator ceiling)", args.mb, "none", say)
    fast = run("with cryptg", args.mb, "cryptg", say)
    rates = {"cryptg": fast}
    if libssl.decrypt_ige is not None:
        rates["openssl"] = run("without cryptg (OpenSSL/ctypes)", args.mb, "openssl", say)
    else:
        say("without cryptg (OpenSSL/ctypes)  not available: Telethon found no libssl")
    if args.python_mb > 0:
        rates["python"] = run("without cryptg (pure Python)", args.python_mb, "python", say)
    for name, rate in rates.items():
        if name != "cryptg":
            say(f"speed-up of cryptg over {name}: {fast / rate:.1f}x")
    ok = fast >= FLOOR_MB_S
    say(f"{'PASS' if ok else 'FAIL'}: with cryptg {fast:.1f} MB/s (floor {FLOOR_MB_S:g} MB/s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
