"""Proxies for both Telegram identities (issue 12): the URL grammar, config and environment,
the arguments each real ``TelegramClient`` gets, and real connections through a SOCKS5, an HTTP
CONNECT and an MTProxy proxy on loopback, each carrying Telethon's first MTProto request to a
loopback endpoint standing in for Telegram's data centre."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import struct
from collections.abc import Callable
from typing import Any

import pytest
from telethon.crypto import AESModeCTR
from telethon.network.connection import (
    ConnectionTcpFull,
    ConnectionTcpMTProxyRandomizedIntermediate,
)

from relay.cli.check import proxy_line
from relay.config import ConfigError, Settings
from relay.config.proxy import Proxy, ProxyError, parse_proxy
from relay.service.runner import make_bot_client, make_watcher_client
from relay.telegram.client import connection_options

SECRET = "0123456789abcdef0123456789abcdef"
#: req_pq_multi's constructor id, as Telethon writes it (little-endian): the first request
#: of every MTProto connection.
REQ_PQ_MULTI = struct.pack("<I", 0xBE7E8EF1)


# ---------------------------------------------------------------------------- the grammar
@pytest.mark.parametrize(("text", "expected"), [
    ("socks5://127.0.0.1:1080", Proxy("socks5", "127.0.0.1", 1080)),
    ("socks5h://proxy.lan:1080", Proxy("socks5", "proxy.lan", 1080)),
    ("socks5://al%40ice:p%3Ass@host:9050",
     Proxy("socks5", "host", 9050, username="al@ice", password="p:ss")),
    ("http://10.0.0.1:3128", Proxy("http", "10.0.0.1", 3128)),
    ("http://bob:pw@[::1]:3128", Proxy("http", "::1", 3128, username="bob", password="pw")),
    (f"mtproxy://{SECRET}@mt.example:443", Proxy("mtproxy", "mt.example", 443, secret=SECRET)),
    (f"mtproxy://DD{SECRET.upper()}@mt.example:443",
     Proxy("mtproxy", "mt.example", 443, secret="dd" + SECRET)),
    (f"tg://proxy?server=mt.example&port=8443&secret=dd{SECRET}",
     Proxy("mtproxy", "mt.example", 8443, secret="dd" + SECRET)),
    (f"https://t.me/proxy?server=1.2.3.4&port=443&secret={SECRET}",
     Proxy("mtproxy", "1.2.3.4", 443, secret=SECRET)),
    ("direct", None),
])
def test_the_proxy_grammar(text: str, expected: Proxy | None) -> None:
    assert parse_proxy(text) == expected


@pytest.mark.parametrize(("text", "problem"), [
    ("socks4://host:1080", "unknown proxy scheme 'socks4'"),
    ("https://host:443", "https:// proxies are not supported"),
    ("socks5://host", "without a port"),
    ("socks5://host:99999", "not a proxy URL"),
    ("socks5://:1080", "without a valid host"),
    ("http://host:3128/path", "must end after host:port"),
    ("mtproxy://mt.example:443", "needs the secret"),
    ("mtproxy://s3cretpassword@mt.example:443", "32 hex digits"),
    (f"mtproxy://ee{SECRET}6578616d706c652e636f6d@mt.example:443", "fake-TLS"),
    ("tg://proxy?server=mt.example&port=x&secret=00", "valid port="),
    ("localhost:1080", "unknown proxy scheme"),
])
def test_a_bad_proxy_is_one_line_without_its_credentials(text: str, problem: str) -> None:
    with pytest.raises(ProxyError) as caught:
        parse_proxy(text)
    message = str(caught.value)
    assert problem in message and "\n" not in message
    assert "s3cret" not in message and SECRET not in message


def test_credentials_never_show() -> None:
    socks = parse_proxy("socks5://alice:hunter22@host:1080")
    mt = parse_proxy(f"mtproxy://{SECRET}@mt.example:443")
    assert socks is not None and mt is not None
    assert socks.display() == str(socks) == "socks5://alice:***@host:1080"
    assert "hunter22" not in repr(socks)
    assert mt.display() == "mtproxy://***@mt.example:443" and SECRET not in repr(mt)
    assert set(socks.secret_values()) == {"alice", "hunter22"}


# ---------------------------------------------------------------------------- config and env
@pytest.fixture
def config(make_settings: Callable[..., Settings]) -> Callable[..., Settings]:
    """Settings from the usual config file (tests/conftest.py) with ``extra`` added, and
    ``env`` as the environment."""
    return make_settings


def test_no_proxy_by_default(config: Callable[..., Settings]) -> None:
    settings = config()
    assert settings.proxy.watcher is None and settings.proxy.bot is None
    assert proxy_line(settings) == "proxy: direct"


def test_the_config_file_proxy_serves_both_identities(config: Callable[..., Settings]) -> None:
    settings = config('[proxy]\nurl = "socks5://127.0.0.1:1080"\n')
    assert settings.proxy.watcher == settings.proxy.bot == Proxy("socks5", "127.0.0.1", 1080)
    assert proxy_line(settings) == "proxy: socks5://127.0.0.1:1080"


def test_the_environment_wins_and_the_bot_may_go_direct(config: Callable[..., Settings]
                                                         ) -> None:
    settings = config('[proxy]\nurl = "socks5://127.0.0.1:1080"\n',
                      env={"RELAY_PROXY": "http://u:topsecret@10.0.0.1:3128",
                           "RELAY_BOT_PROXY": "direct"})
    assert settings.proxy.watcher == Proxy("http", "10.0.0.1", 3128, username="u",
                                           password="topsecret")
    assert settings.proxy.bot is None
    assert proxy_line(settings) == "proxy: watcher http://u:***@10.0.0.1:3128, bot direct"
    assert "topsecret" in settings.secret_values()


def test_credentials_in_the_config_file_are_refused(config: Callable[..., Settings]) -> None:
    with pytest.raises(ConfigError) as caught:
        config('[proxy]\nurl = "socks5://alice:hunter22@127.0.0.1:1080"\n')
    message = str(caught.value)
    assert message.endswith("proxy.url: credentials (user, password, MTProxy secret) do not "
                            "belong in the config file; put the whole URL in RELAY_PROXY in "
                            ".env instead")
    assert "hunter22" not in message


@pytest.mark.parametrize(("extra", "env", "where"), [
    ('[proxy]\nurl = "socks5://host"\n', {}, "relay.toml: proxy.url: socks5:// URL without"),
    ('[proxy]\nbot_url = "ftp://h:1"\n', {}, "relay.toml: proxy.bot_url: unknown proxy scheme"),
    ('[proxy]\nurl = "direct"\n', {}, "proxy.url: 'direct' is for bot_url only"),
    ('[proxy]\nport = 1\n', {}, "proxy.port: unknown key"),
    ("", {"RELAY_PROXY": "mtproxy://zzsecretzz@h:443"}, "environment: RELAY_PROXY: the MTProxy"),
    ("", {"RELAY_BOT_PROXY": " "}, "environment: RELAY_BOT_PROXY: is empty"),
])
def test_a_bad_proxy_setting_names_its_key(config: Callable[..., Settings], extra: str,
                                           env: dict[str, str], where: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config(extra, env=env)
    assert where in str(caught.value) and "zzsecretzz" not in str(caught.value)


# ---------------------------------------------------------------------------- client arguments
def test_each_client_gets_its_identitys_proxy(config: Callable[..., Settings]) -> None:
    settings = config(env={"RELAY_API_ID": "12345", "RELAY_API_HASH": "abc",
                           "RELAY_PROXY": "socks5://alice:pw@127.0.0.1:1080",
                           "RELAY_BOT_PROXY": f"mtproxy://dd{SECRET}@mt.example:443"})
    watcher, bot = make_watcher_client(settings), make_bot_client(settings)
    assert watcher._proxy == {"proxy_type": "socks5", "addr": "127.0.0.1", "port": 1080,
                              "username": "alice", "password": "pw", "rdns": True}
    assert watcher._connection is ConnectionTcpFull
    assert bot._connection is ConnectionTcpMTProxyRandomizedIntermediate
    assert bot._proxy == ("mt.example", 443, "dd" + SECRET)
    # Telethon tells Telegram the MTProxy it came through (InputClientProxy in initConnection)
    assert bot._init_request.proxy.address == "mt.example"
    direct = config(env={"RELAY_API_ID": "12345", "RELAY_API_HASH": "abc"})
    assert make_watcher_client(direct)._proxy is None
    assert connection_options(None) == {}


# ---------------------------------------------------------------------------- real connections
class Endpoint:
    """A loopback stand-in for a Telegram data centre: keeps what arrives, answers nothing."""

    def __init__(self) -> None:
        self.received = bytearray()
        self.got_request = asyncio.Event()
        self.server: asyncio.Server | None = None
        self.port = 0

    async def start(self, check: Callable[[bytes], bool] | None = None) -> None:
        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            while chunk := await reader.read(65536):
                self.received += chunk
                if (check or (lambda data: REQ_PQ_MULTI in data))(bytes(self.received)):
                    self.got_request.set()
            writer.close()
        self.server = await asyncio.start_server(serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]


async def socks5_proxy(user: str, password: str, log: list[tuple]) -> asyncio.Server:
    """A tiny SOCKS5 proxy (RFC 1928/1929, CONNECT only, user/password required)."""
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        version, count = await reader.readexactly(2)
        methods = await reader.readexactly(count)
        if version != 5 or 2 not in methods:
            writer.write(b"\x05\xff")
            writer.close()
            return
        writer.write(b"\x05\x02")
        _, ulen = await reader.readexactly(2)
        got_user = (await reader.readexactly(ulen)).decode()
        (plen,) = await reader.readexactly(1)
        got_password = (await reader.readexactly(plen)).decode()
        ok = (got_user, got_password) == (user, password)
        writer.write(b"\x01\x00" if ok else b"\x01\x01")
        log.append(("auth", got_user, ok))
        if not ok:
            writer.close()
            return
        _, command, _, kind = await reader.readexactly(4)
        if kind == 1:
            host = ".".join(str(b) for b in await reader.readexactly(4))
        elif kind == 3:
            (length,) = await reader.readexactly(1)
            host = (await reader.readexactly(length)).decode()
        else:
            raise AssertionError(f"address type {kind}")
        (port,) = struct.unpack(">H", await reader.readexactly(2))
        log.append(("connect", command, host, port))
        up_reader, up_writer = await asyncio.open_connection(host, port)
        writer.write(b"\x05\x00\x00\x01" + bytes(4) + bytes(2))
        await _pipe(reader, writer, up_reader, up_writer)
    return await asyncio.start_server(serve, "127.0.0.1", 0)


async def http_connect_proxy(log: list[str]) -> asyncio.Server:
    """A tiny HTTP CONNECT proxy (Basic credentials logged, not checked)."""
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode()
        log.append(head)
        target = head.split()[1]
        host, _, port = target.rpartition(":")
        up_reader, up_writer = await asyncio.open_connection(host, int(port))
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await _pipe(reader, writer, up_reader, up_writer)
    return await asyncio.start_server(serve, "127.0.0.1", 0)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                up_reader: asyncio.StreamReader, up_writer: asyncio.StreamWriter) -> None:
    async def copy(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
        try:
            while data := await src.read(65536):
                dst.write(data)
                await dst.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            dst.close()
    await asyncio.gather(copy(reader, up_writer), copy(up_reader, writer))


async def _first_request_through(settings: Settings, endpoint: Endpoint, *,
                                 bot: bool = False) -> None:
    """A real client from the service's own factory connects; Telegram's data centre is the
    loopback endpoint (the session's DC address), reached only through the proxy."""
    client = make_bot_client(settings) if bot else make_watcher_client(settings)
    client.session.set_dc(2, "127.0.0.1", endpoint.port)
    await _connect_until_a_request(client, endpoint)


async def _connect_until_a_request(client: Any, endpoint: Endpoint) -> None:
    """``client`` connects until ``endpoint`` has its first request, then is disconnected."""
    connecting = asyncio.create_task(client.connect())
    try:
        await asyncio.wait_for(endpoint.got_request.wait(), 15)
    finally:
        connecting.cancel()
        await asyncio.gather(connecting, return_exceptions=True)
        await client.disconnect()


_SECRETS = {"RELAY_API_ID": "12345", "RELAY_API_HASH": "abc"}


async def test_the_watcher_connects_through_a_real_socks5_proxy(
        config: Callable[..., Settings]) -> None:
    endpoint, log = Endpoint(), []
    await endpoint.start()
    proxy = await socks5_proxy("alice", "hunter22", log)
    port = proxy.sockets[0].getsockname()[1]
    settings = config(env={**_SECRETS, "RELAY_PROXY": f"socks5://alice:hunter22@127.0.0.1:{port}"})
    async with proxy, endpoint.server:  # type: ignore[union-attr]
        await _first_request_through(settings, endpoint)
    assert log[:2] == [("auth", "alice", True), ("connect", 1, "127.0.0.1", endpoint.port)]
    assert REQ_PQ_MULTI in endpoint.received


async def test_the_bot_connects_through_a_real_http_connect_proxy(
        config: Callable[..., Settings]) -> None:
    endpoint, log = Endpoint(), []
    await endpoint.start()
    proxy = await http_connect_proxy(log)
    port = proxy.sockets[0].getsockname()[1]
    settings = config(env={**_SECRETS, "RELAY_BOT_PROXY": f"http://bob:pw@127.0.0.1:{port}"})
    assert settings.proxy.watcher is None
    async with proxy, endpoint.server:  # type: ignore[union-attr]
        await _first_request_through(settings, endpoint, bot=True)
    assert log[0].startswith(f"CONNECT 127.0.0.1:{endpoint.port} HTTP/1.1")
    assert "Proxy-Authorization: Basic " + base64.b64encode(b"bob:pw").decode() in log[0]


async def test_the_watcher_speaks_mtproxy_with_the_secret(
        config: Callable[..., Settings]) -> None:
    """The MTProxy endpoint decrypts what arrives with the secret, as a real MTProxy does:
    the obfuscation header names the randomized intermediate protocol and DC 2, and the first
    packet is Telethon's req_pq_multi."""
    secret = bytes.fromhex(SECRET)

    def decrypt(data: bytes) -> bytes | None:
        if len(data) < 64 + 4 + 40:
            return None
        header = data[:64]
        cipher = AESModeCTR(hashlib.sha256(header[8:40] + secret).digest(), header[40:56])
        return cipher.decrypt(data)

    endpoint = Endpoint()
    await endpoint.start(check=lambda data: REQ_PQ_MULTI in (decrypt(data) or b""))
    settings = config(env={**_SECRETS,
                           "RELAY_PROXY": f"mtproxy://dd{SECRET}@127.0.0.1:{endpoint.port}"})
    async with endpoint.server:  # type: ignore[union-attr]
        await _connect_until_a_request(make_watcher_client(settings), endpoint)
    plain = decrypt(bytes(endpoint.received))
    assert plain is not None
    assert plain[56:60] == b"\xdd\xdd\xdd\xdd"  # randomized intermediate, as dd secrets need
    assert int.from_bytes(plain[60:62], "little", signed=True) == 2
