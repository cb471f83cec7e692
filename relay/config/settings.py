"""The settings objects: one frozen :class:`Settings`, built once at load.

Defaults come from the key declarations (:mod:`relay.config.keys`), never written here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from relay.config.channels import ChannelRef
from relay.config.errors import ConfigError
from relay.config.keys import ROLES, default
from relay.config.proxy import Proxies

#: Environment variable for each secret field of :class:`Secrets`.
SECRET_ENV = {
    "api_id": "RELAY_API_ID",
    "api_hash": "RELAY_API_HASH",
    "bot_token": "RELAY_BOT_TOKEN",
    "session_string": "RELAY_SESSION",
}


@dataclass(frozen=True)
class Source:
    """A watched channel. ``languages``: posts in these languages are queued for translation."""

    ref: ChannelRef
    name: str
    languages: tuple[str, ...] = default("sources.languages")
    download_media: bool = default("sources.download_media")


@dataclass(frozen=True)
class Target:
    """An outgoing channel for one translation language."""

    key: str
    ref: ChannelRef
    language: str
    credit: str
    template: str = default("targets.template")
    split_mode: str = default("targets.split_mode")  # "reply" | "sequence"
    # Wording overrides (None: the built-in wording of ``language``, relay.text.wording).
    forward_template: str | None = default("targets.forward_template")
    deleted_note: str | None = default("targets.deleted_note")
    correction: str | None = default("targets.correction")


@dataclass(frozen=True)
class Person:
    """A translator, editor or admin, known by Telegram user id."""

    id: int
    name: str
    roles: frozenset[str]
    language: str = default("people.language")  # interface language: "en" | "fa"

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

    chat: int | None = default("review.chat")
    claim_minutes: int = default("review.claim_minutes")
    four_eyes: bool = default("review.four_eyes")  # no approving one's own translation
    language: str = default("review.language")  # of cards and notices in the review group

    @property
    def claim_seconds(self) -> int:
        return self.claim_minutes * 60


@dataclass(frozen=True)
class Storage:
    """Resolved paths (``database``, ``media_dir``, ``session`` lie in ``data_dir`` unless
    configured as absolute paths)."""

    data_dir: Path
    database: Path
    media_dir: Path
    session: Path
    max_media_bytes: int


@dataclass(frozen=True)
class WatcherSettings:
    """``[watcher]``: how the watcher account keeps up (the watcher itself is
    :class:`relay.telegram.watcher.Watcher`)."""

    catch_up_seconds: int = default("watcher.catch_up_seconds")
    silent_warning_hours: float = default("watcher.silent_warning_hours")
    first_catch_up_posts: int = default("watcher.first_catch_up_posts")
    statement_window_days: float = default("watcher.statement_window_days")
    ingest_process: bool = default("watcher.ingest_process")


@dataclass(frozen=True)
class Publish:
    per_target_per_minute: int = default("publish.per_target_per_minute")
    global_per_second: int = default("publish.global_per_second")
    on_source_deleted: str = default("publish.on_source_deleted")  # keep | annotate | delete
    failing_alert_minutes: float = default("publish.failing_alert_minutes")


@dataclass(frozen=True)
class Logging:
    level: str = default("logging.level")
    format: str = default("logging.format")  # kv | json


@dataclass(frozen=True)
class Metrics:
    enabled: bool = default("metrics.enabled")
    host: str = default("metrics.host")
    port: int = default("metrics.port")


@dataclass(frozen=True)
class Site:
    """``[site]`` (issue 13): the public archive site; ``output_dir`` resolved (in
    ``data_dir`` unless absolute). Turned into :class:`relay.site.SiteSettings` by the
    service and the command line."""

    output_dir: Path
    base_url: str = default("site.base_url")
    title: str = default("site.title")
    targets: tuple[str, ...] = default("site.targets")
    show_originals: bool = default("site.show_originals")
    posts_per_page: int = default("site.posts_per_page")
    template_dir: Path | None = default("site.template_dir")
    feed_size: int = default("site.feed_size")
    tag_year: int = default("site.tag_year")
    search: bool = default("site.search")


@dataclass(frozen=True)
class Translation:
    """``[translation]`` (issue 14): which engine drafts which target language, and how the
    engine is treated. No engine by default. ``api_key`` comes from the environment variable
    named by ``api_key_env`` and is never shown (``repr`` hides it)."""

    libretranslate: tuple[str, ...] = default("translation.libretranslate")
    url: str = default("translation.url")
    api_key_env: str = default("translation.api_key_env")
    timeout_seconds: float = default("translation.timeout_seconds")
    retries: int = default("translation.retries")
    per_minute: int = default("translation.per_minute")
    breaker_failures: int = default("translation.breaker_failures")
    breaker_cooldown_seconds: float = default("translation.breaker_cooldown_seconds")
    argos: tuple[str, ...] = default("translation.argos")
    pivot: str = default("translation.pivot")
    max_chars: int = default("translation.max_chars")
    api_key: str | None = field(default=None, repr=False, compare=False)

    @property
    def enabled(self) -> bool:
        return bool(self.libretranslate or self.argos)

    def engine_for(self, language: str) -> str | None:
        """``libretranslate``, ``argos`` or None for a target language."""
        if language in self.libretranslate:
            return "libretranslate"
        return "argos" if language in self.argos else None


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
    watcher: WatcherSettings
    publish: Publish
    logging: Logging
    metrics: Metrics
    secrets: Secrets
    site: Site | None = None  # no [site] section: no public site
    proxy: Proxies = field(default_factory=Proxies)  # issue 12: how to reach Telegram
    translation: Translation = field(default_factory=Translation)  # issue 14: no engine

    def secret_values(self) -> list[str]:
        """Every secret string to redact from logs: the secrets', the proxies' credentials and
        the translation engine's API key."""
        return [*self.secrets.values(), *self.proxy.secret_values(),
                *filter(None, [self.translation.api_key])]

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
