"""How the two Telegram identities reach Telegram: directly, or through a proxy.

One grammar, a URL, for the config file (``[proxy] url``, ``bot_url``) and the environment
(``RELAY_PROXY``, ``RELAY_BOT_PROXY``, which win over the file)::

    socks5://[user:password@]host:port     SOCKS5 (host names resolved by the proxy)
    http://[user:password@]host:port       HTTP CONNECT
    mtproxy://SECRET@host:port             MTProxy; SECRET is 32 hex digits, or dd + 32
    tg://proxy?server=H&port=P&secret=S    an MTProxy link as Telegram shares it
    https://t.me/proxy?server=H&port=P&secret=S
    direct                                  no proxy (``bot_url`` only: the bot connects
                                            directly while the watcher uses ``url``)

User names, passwords and MTProxy secrets are credentials: they are refused in the config
file (put the whole URL in ``RELAY_PROXY``), never appear in a message, a ``repr`` or a log
(:meth:`Proxy.display` shows ``socks5://user:***@host:port``), and are redacted from logs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

#: Environment variables, each overriding its config key.
PROXY_ENV = {"url": "RELAY_PROXY", "bot_url": "RELAY_BOT_PROXY"}
DIRECT = "direct"
_HEX_SECRET = re.compile(r"(dd)?[0-9a-f]{32}")
_HOST = re.compile(r"[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]")


class ProxyError(ValueError):
    """A proxy URL that does not follow the grammar; the message never holds a credential."""


@dataclass(frozen=True, repr=False)
class Proxy:
    """One proxy. ``kind``: ``socks5``, ``http`` or ``mtproxy``."""

    kind: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    secret: str | None = None  # MTProxy, lowercase hex (dd-prefixed: randomized padding)

    @property
    def has_credentials(self) -> bool:
        return bool(self.username or self.password or self.secret)

    def display(self) -> str:
        """The proxy as the operator may see it: credentials replaced by ``***``."""
        if self.kind == "mtproxy":
            return f"mtproxy://***@{self.host}:{self.port}"
        user = ""
        if self.username or self.password:
            user = f"{self.username or ''}:***@" if self.password else f"{self.username}@"
        return f"{self.kind}://{user}{self.host}:{self.port}"

    def secret_values(self) -> list[str]:
        """The strings to redact from logs (the user name too: it often names the account)."""
        return [v for v in (self.password, self.secret, self.username) if v]

    def __repr__(self) -> str:
        return f"Proxy({self.display()})"

    __str__ = display


@dataclass(frozen=True)
class Proxies:
    """The proxy of each identity; None: directly."""

    watcher: Proxy | None = None
    bot: Proxy | None = None

    def secret_values(self) -> list[str]:
        return [v for p in (self.watcher, self.bot) if p for v in p.secret_values()]


def parse_proxy(text: str) -> Proxy | None:
    """``text`` in the grammar above; None for ``direct``; :class:`ProxyError` otherwise."""
    text = text.strip()
    if text.lower() == DIRECT:
        return None
    if text.lower().startswith(("tg://proxy", "https://t.me/proxy", "http://t.me/proxy",
                                "t.me/proxy")):
        return _mtproxy_link(text)
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise ProxyError("not a proxy URL (expected scheme://host:port, "
                         "e.g. socks5://127.0.0.1:1080)") from None
    scheme = parts.scheme.lower()
    if scheme in ("socks5h", "socks"):
        scheme = "socks5"
    if scheme not in ("socks5", "http", "mtproxy"):
        shown = scheme if re.fullmatch(r"[a-z0-9+.-]{1,12}", scheme) else "?"
        raise ProxyError(f"unknown proxy scheme {shown!r}: use socks5://, http:// or "
                         "mtproxy:// (https:// proxies are not supported by Telethon)")
    if port is None or not 0 < port < 65536:
        raise ProxyError(f"{scheme}:// URL without a port (expected host:port, port 1-65535)")
    host = parts.hostname or ""
    if not host or not _HOST.fullmatch(parts.netloc.rpartition("@")[2].rpartition(":")[0]):
        raise ProxyError(f"{scheme}:// URL without a valid host (expected {scheme}://"
                         + ("SECRET@" if scheme == "mtproxy" else "") + "host:port)")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ProxyError(f"{scheme}:// URL must end after host:port")
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if scheme == "mtproxy":
        if password is not None or not username:
            raise ProxyError("mtproxy:// needs the secret before the host: "
                             "mtproxy://SECRET@host:port")
        return Proxy("mtproxy", host, port, secret=_mtproxy_secret(username))
    return Proxy(scheme, host, port, username=username or None, password=password or None)


def _mtproxy_link(text: str) -> Proxy:
    query = parse_qs(urlsplit(text if "://" in text else "https://" + text).query)
    server = (query.get("server") or [""])[0]
    port_text = (query.get("port") or [""])[0]
    secret = (query.get("secret") or [""])[0]
    if not server or not _HOST.fullmatch(server):
        raise ProxyError("MTProxy link without a valid server=")
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ProxyError("MTProxy link without a valid port= (1-65535)")
    if not secret:
        raise ProxyError("MTProxy link without secret=")
    return Proxy("mtproxy", server, int(port_text), secret=_mtproxy_secret(secret))


def _mtproxy_secret(secret: str) -> str:
    lowered = secret.strip().lower()
    if lowered.startswith("ee"):
        raise ProxyError("fake-TLS MTProxy secrets (starting with ee) are not supported by "
                         "Telethon: ask the proxy's operator for a dd secret")
    if not _HEX_SECRET.fullmatch(lowered):
        raise ProxyError("the MTProxy secret must be 32 hex digits, or dd and 32 hex digits")
    return lowered
