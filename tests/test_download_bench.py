"""bench/download.py measures what it says: every getFile answer of a real Telethon download
is decrypted by Telethon's MTProtoState, and the AES path it forces is the one Telethon uses."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from pathlib import Path

import telethon.crypto.aes as telethon_aes
from telethon.crypto import libssl

ROOT = Path(__file__).resolve().parent.parent


def _bench():
    spec = importlib.util.spec_from_file_location("bench_download", ROOT / "bench" / "download.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_download"] = module
    spec.loader.exec_module(module)
    return module


def test_cryptg_is_installed_and_used_by_telethon() -> None:
    import cryptg

    assert telethon_aes.cryptg is cryptg


def test_the_download_goes_through_mtproto_decryption() -> None:
    bench = _bench()
    calls: list[int] = []
    real = telethon_aes.AES.decrypt_ige

    def counting(cipher: bytes, key: bytes, iv: bytes) -> bytes:
        calls.append(len(cipher))
        return real(cipher, key, iv)

    telethon_aes.AES.decrypt_ige = staticmethod(counting)
    try:
        seconds, chunks = asyncio.run(bench.download(300 * 1024, "cryptg"))
    finally:
        telethon_aes.AES.decrypt_ige = staticmethod(real)
    assert chunks == 3 and len(calls) == 3  # 128 KB parts, each decrypted once
    assert sum(calls) > 300 * 1024 and seconds > 0


def test_the_forced_paths_are_restored() -> None:
    bench = _bench()
    before = (telethon_aes.cryptg, libssl.decrypt_ige)
    with bench.aes_path("python"):
        assert telethon_aes.cryptg is None and libssl.decrypt_ige is None
    assert (telethon_aes.cryptg, libssl.decrypt_ige) == before
