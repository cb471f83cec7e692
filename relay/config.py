"""Configuration: ``config/relay.toml`` plus secrets from the environment / ``.env``.

Everything is validated once, at load, into one frozen :class:`Settings` object. Every problem
is reported as a single-line :class:`ConfigError` of the form ``<file>: <key path>: <problem>``
so that an operator sees exactly what to fix, never a traceback.

Secrets (API id and hash, bot token, string session) live only in the environment or ``.env``;
their values never appear in a ``repr``, a ``str`` or an error message.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import string
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import parse_qs, urlsplit

from dotenv import dotenv_values

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "DEFAULT_TEMPLATE",
    "TEMPLATE_FIELDS",
    "ChannelRef",
    "ConfigError",
    "Logging",
    "Metrics",
    "Person",
    "Publish",
    "Review",
    "Secrets",
    "Settings",
    "Source",
    "Storage",
    "Target",
    "Watcher",
    "load_secrets",
    "load_settings",
    "parse_channel_ref",
    "resolve_config_path",
    "validate_template",
]

DEFAULT_CONFIG_PATH = Path("config/relay.toml")
DEFAULT_TEMPLATE = (
    "{translation}\n\nSource: [Telegram channel of {source_name}]({source_link})\n"
    "Translation: {credit}"
)
TEMPLATE_FIELDS = frozenset(
    {"translation", "source_name", "source_link", "date", "translator", "credit", "language"}
)
ROLES = frozenset({"translator", "editor", "admin"})
INTERFACE_LANGUAGES = ("en", "fa")
SPLIT_MODES = ("reply", "sequence")
ON_SOURCE_DELETED = ("keep", "annotate", "delete")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("kv", "json")

#: Environment variable for each secret field of :class:`Secrets`.
SECRET_ENV = {
    "api_id": "RELAY_API_ID",
    "api_hash": "RELAY_API_HASH",
    "bot_token": "RELAY_BOT_TOKEN",
    "session_string": "RELAY_SESSION",
}
#: Key names that mean "someone put a secret in the TOML file", and where it belongs instead.
_SECRET_KEYS_IN_TOML = {
    "api_id": "RELAY_API_ID",
    "api_hash": "RELAY_API_HASH",
    "bot_token": "RELAY_BOT_TOKEN",
    "token": "RELAY_BOT_TOKEN",
    "session": "RELAY_SESSION",
    "session_string": "RELAY_SESSION",
    "string_session": "RELAY_SESSION",
}
#: Places where one of those names is a legitimate, non-secret key.
_NOT_SECRET_PATHS = frozenset({"storage.session"})

_LANGUAGE_RE = re.compile(r"[a-z]{2,3}")
_USERNAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
_TARGET_KEY_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,15}")
_BOT_TOKEN_RE = re.compile(r"\d+:[A-Za-z0-9_-]+")
_LINK_RE = re.compile(r"\[([^\[\]\n]*)\]\(([^()\s]*)\)")
#: Bare channel ids are below 10**12; the Bot API marks them as -(10**12 + id), i.e. "-100<id>".
_CHANNEL_MARK = 10**12
_TELEGRAM_HOSTS = frozenset({"t.me", "telegram.me", "telegram.dog"})
_INVITE_PATHS = frozenset({"joinchat", "addlist"})
_NON_CHANNEL_PATHS = frozenset(
    {
        "addstickers",
        "addemoji",
        "addtheme",
        "share",
        "proxy",
        "socks",
        "login",
        "iv",
        "setlanguage",
        "bg",
        "boost",
        "invoice",
        "m",
        "contact",
        "giftcode",
    }
)


# --------------------------------------------------------------------------------------------
# Errors


def _one_line(text: str) -> str:
    return re.sub(r"\s*[\r\n]+\s*", " ", text).strip()


class ConfigError(Exception):
    """A configuration problem; ``str(e)`` is one line: ``<file>: <key path>: <problem>``.

    ``ConfigError(file, key, problem)`` builds that line (``key`` may be ``None`` for
    file-level problems); ``ConfigError(message)`` takes a ready-made line.
    """

    def __init__(self, file: str, key: str | None = None, problem: str | None = None) -> None:
        if problem is None and key is None:
            self.file: str | None = None
            self.key: str | None = None
            self.problem = _one_line(file)
            message = self.problem
        else:
            self.file = _one_line(file)
            self.key = _one_line(key) if key else None
            self.problem = _one_line(problem or "invalid")
            message = ": ".join(p for p in (self.file, self.key, self.problem) if p)
        super().__init__(message)

    def redacted(self, secrets: Iterable[str]) -> ConfigError:
        """Return a copy with every occurrence of the given secret values replaced."""
        message = str(self)
        for value in sorted((s for s in secrets if len(s) >= 3), key=len, reverse=True):
            message = message.replace(value, "<redacted>")
        return self if message == str(self) else ConfigError(message)


# --------------------------------------------------------------------------------------------
# Channel references


@dataclass(frozen=True)
class ChannelRef:
    """A channel as configured: a public username or a bare numeric channel id."""

    username: str | None
    id: int | None

    def __post_init__(self) -> None:
        if self.username is not None:
            object.__setattr__(self, "username", self.username.lstrip("@").lower())
        if not self.username and self.id is None:
            raise ValueError("a channel needs a username or an id")
        if self.id is not None and (
            isinstance(self.id, bool) or not isinstance(self.id, int) or self.id <= 0
        ):
            raise ValueError(f"channel id must be a positive integer, got {self.id!r}")

    def __str__(self) -> str:
        return f"@{self.username}" if self.username else f"id {self.id}"

    def same_channel(self, other: ChannelRef) -> bool:
        """True when both refer to the same channel by username or by id."""
        return bool(
            (self.username and self.username == other.username)
            or (self.id is not None and self.id == other.id)
        )


def _invite_error() -> ValueError:
    return ValueError(
        "invite links (t.me/+..., t.me/joinchat/...) cannot be watched: join the channel with "
        "the watcher account and use its numeric id instead (e.g. -1001234567890)"
    )


def _channel_from_id(number: int, shown: str) -> ChannelRef:
    if number < 0:
        bare = -number - _CHANNEL_MARK
        if bare <= 0:
            raise ValueError(
                f"{shown} is not a channel id (channel ids look like -1001234567890; "
                "basic groups and users cannot be watched)"
            )
        return ChannelRef(username=None, id=bare)
    if number == 0:
        raise ValueError("0 is not a channel id")
    if number >= _CHANNEL_MARK:
        raise ValueError(f"{shown} is too large for a channel id (did you mean -{number}?)")
    return ChannelRef(username=None, id=number)


def _channel_from_username(name: str, shown: str) -> ChannelRef:
    if not _USERNAME_RE.fullmatch(name):
        raise ValueError(
            f"{shown} is not a valid Telegram username "
            "(4-32 letters, digits or underscores, starting with a letter)"
        )
    return ChannelRef(username=name.lower(), id=None)


def _channel_from_tg_url(text: str, shown: str) -> ChannelRef:
    parts = urlsplit(text)
    query = parse_qs(parts.query)
    if parts.netloc.lower() == "join":
        raise _invite_error()
    if parts.netloc.lower() == "resolve" and query.get("domain"):
        return _channel_from_username(query["domain"][0], shown)
    if parts.netloc.lower() == "privatepost" and query.get("channel"):
        return _channel_from_id(_digits(query["channel"][0], shown), shown)
    raise ValueError(f"{shown} is not a channel link (expected tg://resolve?domain=<name>)")


def _digits(text: str, shown: str) -> int:
    if not text.isascii() or not text.isdigit():
        raise ValueError(f"{shown}: expected a numeric channel id, got {text!r}")
    return int(text)


def _channel_from_web_url(text: str, shown: str) -> ChannelRef:
    parts = urlsplit(text if "://" in text else "https://" + text)
    host = (parts.hostname or "").lower().removeprefix("www.")
    if host.endswith(".t.me") and host.count(".") == 2:
        return _channel_from_username(host.removesuffix(".t.me"), shown)
    if host not in _TELEGRAM_HOSTS:
        raise ValueError(f"{shown} is not a Telegram link (expected t.me/<name>)")
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        raise ValueError(f"{shown} names no channel (expected t.me/<name>)")
    first = segments[0]
    if first.startswith("+") or first.lower() in _INVITE_PATHS:
        raise _invite_error()
    if first.lower() in _NON_CHANNEL_PATHS:
        raise ValueError(f"{shown} is not a channel link (expected t.me/<name>)")
    if first == "c":
        if len(segments) < 2:
            raise ValueError(f"{shown} has no channel id (expected t.me/c/<id>/<post>)")
        return _channel_from_id(_digits(segments[1], shown), shown)
    if first == "s" and len(segments) >= 2:
        first, segments = segments[1], segments[1:]
    if any(not s.isdigit() for s in segments[1:3]) or len(segments) > 3:
        raise ValueError(f"{shown} is not a channel or post link (expected t.me/<name>/<post>)")
    return _channel_from_username(first, shown)


def parse_channel_ref(value: str | int) -> ChannelRef:
    """Parse a username, t.me link, post link or numeric id into a :class:`ChannelRef`.

    Raises ``ValueError`` with a message meant for the operator.
    """
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(
            f"expected a channel username, t.me link or numeric id, got {_describe(value)}"
        )
    if isinstance(value, int):
        return _channel_from_id(value, str(value))
    text = value.strip()
    shown = repr(text)
    if not text:
        raise ValueError("is empty (expected a channel username, t.me link or numeric id)")
    if re.fullmatch(r"[+-]?\d+", text):
        return _channel_from_id(int(text), text)
    if text.startswith("@"):
        return _channel_from_username(text[1:], shown)
    if text.lower().startswith("tg:"):
        return _channel_from_tg_url(text, shown)
    if "/" in text or "." in text:
        return _channel_from_web_url(text, shown)
    return _channel_from_username(text, shown)


# --------------------------------------------------------------------------------------------
# Settings objects


@dataclass(frozen=True)
class Source:
    """A watched channel. ``languages``: posts in these languages are queued for translation."""

    ref: ChannelRef
    name: str
    languages: tuple[str, ...] = ("fa",)
    download_media: bool = True


@dataclass(frozen=True)
class Target:
    """An outgoing channel for one translation language."""

    key: str
    ref: ChannelRef
    language: str
    credit: str
    template: str = DEFAULT_TEMPLATE
    split_mode: str = "reply"  # "reply" | "sequence"


@dataclass(frozen=True)
class Person:
    """A translator, editor or admin, known by Telegram user id."""

    id: int
    name: str
    roles: frozenset[str]
    language: str = "en"  # interface language: "en" | "fa"

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    @property
    def is_editor(self) -> bool:
        return bool(self.roles & {"editor", "admin"})

    @property
    def is_translator(self) -> bool:
        return bool(self.roles & ROLES)


@dataclass(frozen=True)
class Review:
    """Where review cards go (``chat`` None: each person's private chat with the bot)."""

    chat: int | None = None
    claim_minutes: int = 120
    four_eyes: bool = True  # a translator may not approve their own translation


@dataclass(frozen=True)
class Storage:
    data_dir: Path
    database: Path
    media_dir: Path
    session: Path
    max_media_bytes: int


@dataclass(frozen=True)
class Watcher:
    catch_up_seconds: int = 300
    silent_warning_hours: float = 72.0
    first_catch_up_posts: int = 50  # a source seen for the first time: fetch only its newest N


@dataclass(frozen=True)
class Publish:
    per_target_per_minute: int = 20
    global_per_second: int = 30
    on_source_deleted: str = "annotate"  # keep | annotate | delete


@dataclass(frozen=True)
class Logging:
    level: str = "INFO"
    format: str = "kv"  # kv | json


@dataclass(frozen=True)
class Metrics:
    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = 9464


@dataclass(frozen=True, repr=False)
class Secrets:
    """Telegram credentials. Never printed: ``repr``/``str`` show only ``<set>``/``<unset>``.

    ``env_file`` is the display name of the .env file, used in "missing" messages.
    """

    api_id: int | None
    api_hash: str | None
    bot_token: str | None
    session_string: str | None
    env_file: str = field(default=".env", compare=False)

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={'<set>' if getattr(self, name) is not None else '<unset>'}"
            for name in SECRET_ENV
        )
        return f"Secrets({shown})"

    __str__ = __repr__

    def values(self) -> list[str]:
        """The non-empty secret strings, for redaction in logs (``api_id`` is a number: not
        included, redacting it would mangle unrelated numbers)."""
        return [v for v in (self.api_hash, self.bot_token, self.session_string) if v]


@dataclass(frozen=True)
class Settings:
    path: Path
    sources: tuple[Source, ...]
    targets: tuple[Target, ...]
    people: tuple[Person, ...]
    review: Review
    storage: Storage
    watcher: Watcher
    publish: Publish
    logging: Logging
    metrics: Metrics
    secrets: Secrets

    def person(self, user_id: int) -> Person | None:
        return next((p for p in self.people if p.id == user_id), None)

    def source_of(self, channel_id: int, username: str | None) -> Source | None:
        """The configured source a stored channel is, by id or by username."""
        name = (username or "").lower()
        return next((s for s in self.sources
                     if (s.ref.id and s.ref.id == channel_id)
                     or (s.ref.username and s.ref.username == name)), None)

    def require_secrets(self, *names: str, purpose: str | None = None) -> None:
        """Raise a one-line ConfigError for the first of ``names`` that is not set.

        ``purpose`` (e.g. "relay run") is mentioned in the message.
        """
        for name in names:
            if name not in SECRET_ENV:
                raise ValueError(f"unknown secret {name!r}; expected one of {sorted(SECRET_ENV)}")
            if getattr(self.secrets, name) is None:
                why = f"needed for `{purpose}`" if purpose else "set it in .env or the environment"
                raise ConfigError(self.secrets.env_file, SECRET_ENV[name], f"missing ({why})")


# --------------------------------------------------------------------------------------------
# Reading TOML values with precise errors


def _describe(value: Any) -> str:
    """Describe a TOML value for an error message: its TOML type and a short, safe preview."""
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, float):
        return f"float {value}"
    if isinstance(value, str):
        if _looks_secret(value):
            return "string (value hidden: it looks like a secret)"
        preview = value if len(value) <= 60 else value[:57] + "..."
        return f"string {preview!r}"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "table"
    return type(value).__name__.replace("datetime", "date-time")


def _looks_secret(text: str) -> bool:
    return bool(
        _BOT_TOKEN_RE.fullmatch(text)
        and len(text) > 30
        or re.fullmatch(r"[0-9a-fA-F]{32}", text)
        or (len(text) > 100 and " " not in text)
    )


def _suggest(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


class _Missing:
    pass


_REQUIRED: Any = _Missing()


class _Table:
    """One TOML table, its key path, and the keys it may contain."""

    def __init__(self, file: str, path: str, data: Any, allowed: Iterable[str]) -> None:
        self.file = file
        self.path = path
        self.allowed = frozenset(allowed)
        if not isinstance(data, dict):
            self.fail(None, f"expected a table, got {_describe(data)}")
        self.data: dict[str, Any] = data
        for key in data:
            if key not in self.allowed:
                self.fail(key, "unknown key" + _suggest(key, self.allowed))

    def key_path(self, key: str | None) -> str:
        if not key:
            return self.path
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str | None, problem: str) -> NoReturn:
        raise ConfigError(self.file, self.key_path(key) or None, problem)

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str, default: Any) -> Any:
        if key in self.data:
            return self.data[key]
        if default is _REQUIRED:
            self.fail(key, "is required")
        return default

    def integer(
        self, key: str, default: Any = _REQUIRED, lo: int | None = None, hi: int | None = None
    ) -> Any:
        value = self.raw(key, default)
        if value is None:  # only a default can be None: TOML has no null
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f"expected an integer, got {_describe(value)}")
        self._check_range(key, value, lo, hi)
        return value

    def number(
        self,
        key: str,
        default: Any = _REQUIRED,
        lo: float | None = None,
        hi: float | None = None,
        lo_exclusive: bool = False,
    ) -> float:
        value = self.raw(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(key, f"expected a number, got {_describe(value)}")
        if not math.isfinite(value):
            self.fail(key, f"must be a finite number, got {value}")
        if lo_exclusive and lo is not None and value <= lo:
            self.fail(key, f"must be greater than {lo:g}, got {value:g}")
        self._check_range(key, value, None if lo_exclusive else lo, hi)
        return float(value)

    def _check_range(self, key: str, value: float, lo: float | None, hi: float | None) -> None:
        if lo is not None and hi is not None:
            if not lo <= value <= hi:
                self.fail(key, f"must be between {lo:g} and {hi:g}, got {value:g}")
        elif lo is not None and value < lo:
            self.fail(key, f"must be at least {lo:g}, got {value:g}")
        elif hi is not None and value > hi:
            self.fail(key, f"must be at most {hi:g}, got {value:g}")

    def boolean(self, key: str, default: Any = _REQUIRED) -> bool:
        value = self.raw(key, default)
        if not isinstance(value, bool):
            self.fail(key, f"expected true or false, got {_describe(value)}")
        return value

    def text(self, key: str, default: Any = _REQUIRED, *, strip: bool = True) -> str:
        value = self.raw(key, default)
        if not isinstance(value, str):
            self.fail(key, f"expected a string, got {_describe(value)}")
        if not value.strip():
            self.fail(key, "is empty")
        return value.strip() if strip else value

    def choice(
        self, key: str, default: str, choices: Iterable[str], normalise: Callable[[str], str] = str
    ) -> str:
        options = tuple(choices)
        value = normalise(self.text(key, default))
        if value not in options:
            shown = ", ".join(repr(c) for c in options)
            self.fail(key, f"must be one of {shown}, got {value!r}" + _suggest(value, options))
        return value

    def text_list(self, key: str, default: Any = _REQUIRED) -> list[str]:
        value = self.raw(key, default)
        if not isinstance(value, list):
            self.fail(key, f"expected an array of strings, got {_describe(value)}")
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.fail(f"{key}[{i}]", f"expected a string, got {_describe(item)}")
        return list(value)

    def table(self, key: str, allowed: Iterable[str]) -> _Table:
        return _Table(self.file, self.key_path(key), self.data.get(key, {}), allowed)

    def array_of_tables(self, key: str, allowed: Iterable[str]) -> list[_Table]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            self.fail(key, f"expected an array of tables ([[{key}]]), got {_describe(value)}")
        return [
            _Table(self.file, f"{self.key_path(key)}[{i}]", item, allowed)
            for i, item in enumerate(value)
        ]


def _language(table: _Table, key: str, value: str) -> str:
    if not _LANGUAGE_RE.fullmatch(value):
        table.fail(
            key,
            f"invalid language code {value!r} "
            "(expected 2-3 lowercase letters, e.g. 'fa', 'en', 'ckb')",
        )
    return value


def _channel(table: _Table, key: str = "channel") -> ChannelRef:
    value = table.raw(key, _REQUIRED)
    try:
        return parse_channel_ref(value)
    except ValueError as exc:
        table.fail(key, str(exc))


# --------------------------------------------------------------------------------------------
# Templates


def validate_template(template: str) -> None:
    """Check a publication template; raise ValueError with a one-line reason.

    Placeholders are ``{field}`` (``{{``/``}}`` for literal braces) with a field from
    :data:`TEMPLATE_FIELDS`, no attributes, indexes, conversions or format specs.
    ``[link text](url)`` makes a link; both parts may hold fields, except ``{translation}``.
    """
    fields = _template_fields(template)
    count = fields.count("translation")
    if count != 1:
        raise ValueError(
            "must contain {translation} exactly once"
            + (f" (found {count} times)" if count else " (it is missing)")
        )
    for match in _LINK_RE.finditer(template):
        link_text, url = match.groups()
        if "translation" in _template_fields(link_text) + _template_fields(url):
            raise ValueError(f"{{translation}} cannot be inside a link: {match.group(0)!r}")
        if not url:
            raise ValueError(f"link {match.group(0)!r} has an empty url")
        if not (url.startswith(("https://", "http://", "tg://", "{"))):
            raise ValueError(
                f"link {match.group(0)!r}: the url must start with https://, http://, tg:// "
                "or a field such as {source_link}"
            )


def _template_fields(template: str) -> list[str]:
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(
            f"malformed braces: {exc} (write {{{{ or }}}} for a literal brace)"
        ) from None
    fields = []
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name == "":
            raise ValueError("empty placeholder {} (name a field, e.g. {translation})")
        if conversion or spec:
            raise ValueError(
                f"placeholder {{{name}{'!' + conversion if conversion else ''}"
                f"{':' + spec if spec else ''}}}: conversions and format specs are not supported"
            )
        if name not in TEMPLATE_FIELDS:
            raise ValueError(_unknown_field(name))
        fields.append(name)
    return fields


def _unknown_field(name: str) -> str:
    base = re.split(r"[.\[]", name, maxsplit=1)[0]
    if base in TEMPLATE_FIELDS:
        return f"placeholder {{{name}}}: attribute and index access are not supported"
    match = difflib.get_close_matches(base, sorted(TEMPLATE_FIELDS), n=1, cutoff=0.6)
    hint = f" (did you mean {{{match[0]}}}?)" if match else ""
    valid = ", ".join(sorted(TEMPLATE_FIELDS))
    return f"unknown field {{{name}}}{hint}; valid fields: {valid}"


# --------------------------------------------------------------------------------------------
# Sections

_TOP_KEYS = (
    "storage",
    "watcher",
    "review",
    "publish",
    "logging",
    "metrics",
    "sources",
    "targets",
    "people",
)
_SOURCE_KEYS = ("channel", "name", "languages", "download_media")
_TARGET_KEYS = ("key", "channel", "language", "credit", "template", "split_mode")
_PERSON_KEYS = ("id", "name", "roles", "language")


def _sources(root: _Table) -> tuple[Source, ...]:
    tables = root.array_of_tables("sources", _SOURCE_KEYS)
    if not tables:
        root.fail("sources", "at least one source is required (add a [[sources]] table)")
    sources: list[Source] = []
    for t in tables:
        ref = _channel(t)
        for i, earlier in enumerate(sources):
            if earlier.ref.same_channel(ref):
                t.fail("channel", f"duplicate of sources[{i}] ({earlier.ref})")
        languages = t.text_list("languages", ["fa"])
        if not languages:
            t.fail("languages", "must list at least one language")
        for i, code in enumerate(languages):
            _language(t, f"languages[{i}]", code)
            if code in languages[:i]:
                t.fail(f"languages[{i}]", f"duplicate language {code!r}")
        sources.append(
            Source(
                ref=ref,
                name=t.text("name"),
                languages=tuple(languages),
                download_media=t.boolean("download_media", True),
            )
        )
    return tuple(sources)


def _target(t: _Table, sources: tuple[Source, ...]) -> Target:
    ref = _channel(t)
    for i, source in enumerate(sources):
        if source.ref.same_channel(ref):
            t.fail("channel", f"is also sources[{i}] ({ref}); relay would re-read its own posts")
    language = _language(t, "language", t.text("language"))
    key = t.text("key", language)
    if not _TARGET_KEY_RE.fullmatch(key):
        t.fail("key", f"invalid key {key!r} (1-16 lowercase letters, digits, '-' or '_')")
    template = t.text("template", DEFAULT_TEMPLATE, strip=False)
    try:
        validate_template(template)
    except ValueError as exc:
        t.fail("template", str(exc))
    return Target(
        key=key,
        ref=ref,
        language=language,
        credit=t.text("credit"),
        template=template,
        split_mode=t.choice("split_mode", "reply", SPLIT_MODES),
    )


def _targets(root: _Table, sources: tuple[Source, ...]) -> tuple[Target, ...]:
    targets: list[Target] = []
    for t in root.array_of_tables("targets", _TARGET_KEYS):
        target = _target(t, sources)
        for i, earlier in enumerate(targets):
            if earlier.key == target.key:
                key = "key" if t.has("key") else "language"
                t.fail(
                    key,
                    f"duplicate target key {target.key!r} (same as targets[{i}]); "
                    "give each target a distinct key",
                )
            if earlier.ref.same_channel(target.ref) and earlier.language == target.language:
                t.fail("channel", f"duplicate of targets[{i}] ({target.ref}, {target.language})")
        targets.append(target)
    return tuple(targets)


def _people(root: _Table) -> tuple[Person, ...]:
    people: list[Person] = []
    for t in root.array_of_tables("people", _PERSON_KEYS):
        user_id = t.integer("id", lo=1)
        for i, earlier in enumerate(people):
            if earlier.id == user_id:
                t.fail("id", f"duplicate of people[{i}] ({earlier.name}, id {user_id})")
        roles = t.text_list("roles")
        if not roles:
            t.fail("roles", "must list at least one role: " + ", ".join(sorted(ROLES)))
        for i, role in enumerate(roles):
            if role not in ROLES:
                t.fail(
                    f"roles[{i}]",
                    f"unknown role {role!r}{_suggest(role, ROLES)}; "
                    f"valid roles: {', '.join(sorted(ROLES))}",
                )
        people.append(
            Person(
                id=user_id,
                name=t.text("name"),
                roles=frozenset(roles),
                language=t.choice("language", "en", INTERFACE_LANGUAGES),
            )
        )
    return tuple(people)


def _review(root: _Table) -> Review:
    t = root.table("review", ("chat", "claim_minutes", "four_eyes"))
    chat = t.integer("chat", None)
    if chat == 0:
        t.fail("chat", "0 is not a chat id (e.g. -1001234567890 for a group)")
    return Review(
        chat=chat,
        claim_minutes=t.integer("claim_minutes", 120, lo=1, hi=7 * 24 * 60),
        four_eyes=t.boolean("four_eyes", True),
    )


def _path_in(base: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def _storage(root: _Table) -> Storage:
    t = root.table("storage", ("data_dir", "database", "media_dir", "session", "max_media_mb"))
    data_dir = _path_in(Path.cwd(), t.text("data_dir", "data"))
    max_mb = t.number("max_media_mb", 20, lo=0, hi=4000, lo_exclusive=True)
    return Storage(
        data_dir=data_dir,
        database=_path_in(data_dir, t.text("database", "relay.db")),
        media_dir=_path_in(data_dir, t.text("media_dir", "media")),
        session=_path_in(data_dir, t.text("session", "watcher.session")),
        max_media_bytes=int(max_mb * 1024 * 1024),
    )


def _watcher(root: _Table) -> Watcher:
    t = root.table("watcher", ("catch_up_seconds", "silent_warning_hours", "first_catch_up_posts"))
    return Watcher(
        catch_up_seconds=t.integer("catch_up_seconds", 300, lo=1, hi=86_400),
        first_catch_up_posts=t.integer("first_catch_up_posts", 50, lo=0, hi=10_000),
        silent_warning_hours=t.number(
            "silent_warning_hours", 72.0, lo=0, hi=24 * 365, lo_exclusive=True
        ),
    )


def _publish(root: _Table) -> Publish:
    t = root.table("publish", ("per_target_per_minute", "global_per_second", "on_source_deleted"))
    return Publish(
        per_target_per_minute=t.integer("per_target_per_minute", 20, lo=1, hi=60),
        global_per_second=t.integer("global_per_second", 30, lo=1, hi=100),
        on_source_deleted=t.choice("on_source_deleted", "annotate", ON_SOURCE_DELETED),
    )


def _logging(root: _Table) -> Logging:
    t = root.table("logging", ("level", "format"))

    def level(value: str) -> str:
        upper = value.upper()
        return "WARNING" if upper == "WARN" else upper

    return Logging(
        level=t.choice("level", "INFO", LOG_LEVELS, normalise=level),
        format=t.choice("format", "kv", LOG_FORMATS),
    )


def _metrics(root: _Table) -> Metrics:
    t = root.table("metrics", ("enabled", "host", "port"))
    return Metrics(
        enabled=t.boolean("enabled", False),
        host=t.text("host", "127.0.0.1"),
        port=t.integer("port", 9464, lo=1, hi=65535),
    )


# --------------------------------------------------------------------------------------------
# Files and environment


def _read_toml(path: Path) -> dict[str, Any]:
    file = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            file, None, "file not found (copy config/relay.example.toml to start)"
        ) from None
    except IsADirectoryError:
        raise ConfigError(file, None, "is a directory, not a file") from None
    except OSError as exc:
        raise ConfigError(file, None, f"cannot read file: {exc.strerror or exc}") from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(file, None, f"not valid UTF-8 (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = re.search(r"\s*\(at (line \d+, column \d+|end of document)\)\s*$", message)
        location = where.group(1) if where else None
        problem = message[: where.start()] if where else message
        raise ConfigError(file, location, f"invalid TOML: {problem}") from None


def _reject_secret_keys(file: str, data: Any, path: str = "") -> None:
    """Secrets belong in .env; refuse them anywhere in the TOML, without echoing the value."""
    if isinstance(data, list):
        for i, item in enumerate(data):
            _reject_secret_keys(file, item, f"{path}[{i}]")
        return
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        key_path = f"{path}.{key}" if path else key
        env_name = _SECRET_KEYS_IN_TOML.get(key.lower())
        if env_name and key_path not in _NOT_SECRET_PATHS:
            raise ConfigError(
                file,
                key_path,
                f"secrets do not belong in the config file; remove it and set {env_name} "
                "in .env (or the environment) instead",
            )
        _reject_secret_keys(file, value, key_path)


@dataclass(frozen=True)
class _Env:
    """The merged environment, and where each variable came from."""

    values: Mapping[str, str | None]
    origin: Mapping[str, str]
    env_file: str

    def source(self, name: str) -> str:
        return self.origin.get(name, self.env_file)


def _read_env(env: Mapping[str, str] | None, dotenv_path: Path | None) -> _Env:
    """``env`` None: os.environ over ./.env (if it exists). ``env`` given: that mapping is the
    environment, merged over ``dotenv_path`` only when one is passed explicitly."""
    real = os.environ if env is None else env
    if dotenv_path is None and env is None and Path(".env").is_file():
        dotenv_path = Path(".env")
    file = str(dotenv_path) if dotenv_path is not None else ".env"
    from_file: dict[str, str | None] = {}
    if dotenv_path is not None:
        from_file = _read_dotenv(dotenv_path)
    values: dict[str, str | None] = {**from_file, **real}
    origin = {name: ("environment" if name in real else file) for name in values}
    return _Env(values=values, origin=origin, env_file=file)


def _read_dotenv(path: Path) -> dict[str, str | None]:
    if not path.is_file():
        raise ConfigError(str(path), None, "file not found")
    try:
        return dict(dotenv_values(path, interpolate=False, encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), None, f"cannot read file: {exc}") from None


def _secret_text(env: _Env, name: str) -> str | None:
    if name not in env.values:
        return None
    value = (env.values[name] or "").strip()
    if not value:
        raise ConfigError(env.source(name), name, "is empty (set a value or remove the line)")
    return value


def _secrets(env: _Env) -> Secrets:
    api_id_text = _secret_text(env, "RELAY_API_ID")
    api_id = None
    if api_id_text is not None:
        if not re.fullmatch(r"\d+", api_id_text) or int(api_id_text) <= 0:
            raise ConfigError(
                env.source("RELAY_API_ID"),
                "RELAY_API_ID",
                "must be a positive integer (the api_id from my.telegram.org)",
            )
        api_id = int(api_id_text)
    api_hash = _secret_text(env, "RELAY_API_HASH")
    if api_hash is not None and re.search(r"\s", api_hash):
        raise ConfigError(
            env.source("RELAY_API_HASH"),
            "RELAY_API_HASH",
            "must not contain spaces (the api_hash from my.telegram.org)",
        )
    token = _secret_text(env, "RELAY_BOT_TOKEN")
    if token is not None and not _BOT_TOKEN_RE.fullmatch(token):
        raise ConfigError(
            env.source("RELAY_BOT_TOKEN"),
            "RELAY_BOT_TOKEN",
            "does not look like a bot token from @BotFather (<digits>:<letters>)",
        )
    return Secrets(
        api_id=api_id,
        api_hash=api_hash,
        bot_token=token,
        session_string=_secret_text(env, "RELAY_SESSION"),
        env_file=env.env_file,
    )


def resolve_config_path(cli_value: str | None, env: Mapping[str, str]) -> Path:
    """``--config`` if given, else ``RELAY_CONFIG``, else ``config/relay.toml``."""
    for candidate in (cli_value, env.get("RELAY_CONFIG")):
        if candidate and candidate.strip():
            return Path(candidate.strip()).expanduser()
    return DEFAULT_CONFIG_PATH


def load_secrets(env: Mapping[str, str] | None = None, dotenv_path: Path | None = None) -> Secrets:
    """Read and check the secrets from the environment and .env (see :func:`load_settings`)."""
    return _secrets(_read_env(env, dotenv_path))


def load_settings(
    path: Path, *, env: Mapping[str, str] | None = None, dotenv_path: Path | None = None
) -> Settings:
    """Load and validate the TOML config and the secrets; raise a one-line ConfigError.

    ``env`` None: ``os.environ`` over the .env file (``dotenv_path``, default ``./.env`` if it
    exists). ``env`` given: it is the whole environment; a .env file is read only if
    ``dotenv_path`` is passed. The real environment wins over .env.
    """
    path = Path(path)
    environment = _read_env(env, dotenv_path)
    raw_secrets = [v for k, v in environment.values.items() if k in SECRET_ENV.values() and v]
    try:
        settings = _build(path, environment)
    except ConfigError as exc:
        raise exc.redacted(v.strip() for v in raw_secrets) from None
    return settings


def _build(path: Path, environment: _Env) -> Settings:
    file = str(path)
    data = _read_toml(path)
    _reject_secret_keys(file, data)
    root = _Table(file, "", data, _TOP_KEYS)
    sources = _sources(root)
    return Settings(
        path=path,
        sources=sources,
        targets=_targets(root, sources),
        people=_people(root),
        review=_review(root),
        storage=_storage(root),
        watcher=_watcher(root),
        publish=_publish(root),
        logging=_logging(root),
        metrics=_metrics(root),
        secrets=_secrets(environment),
    )
