"""Every configuration key, declared once: section, name, type, default, bounds, one-line doc.

The TOML reader (:mod:`relay.config.sections`) reads each key through its declaration, the
settings dataclasses (:mod:`relay.config.settings`) take their defaults from it, and a test
checks ``config/relay.example.toml`` against it. Adding a key means adding it here, to its
section reader and to the example.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from relay.text.template import DEFAULT_TEMPLATE


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


#: The default of a key that must be given.
REQUIRED: Any = _Required()

ROLES = frozenset({"translator", "editor", "admin"})
INTERFACE_LANGUAGES = ("en", "fa")
SPLIT_MODES = ("reply", "sequence")
ON_SOURCE_DELETED = ("keep", "annotate", "delete")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("kv", "json")

#: Top-level sections, in reading order; these are arrays of tables, the others tables.
ARRAY_SECTIONS = ("sources", "targets", "people")
TABLE_SECTIONS = ("storage", "watcher", "review", "publish", "logging", "metrics", "site",
                  "proxy", "translation")


def _log_level(value: str) -> str:
    upper = value.upper()
    return "WARNING" if upper == "WARN" else upper


@dataclass(frozen=True)
class Key:
    """One configuration key.

    ``kind``: ``integer``, ``number``, ``boolean``, ``text``, ``choice`` (one of ``choices``),
    ``text_list`` or ``channel``. ``default`` is :data:`REQUIRED` for a key that must be given,
    ``None`` for one that may be left out (its reader says what that means). ``lo``/``hi``
    bound numbers (``lo_exclusive``: strictly above ``lo``). ``strip``: trim text values.
    """

    section: str
    name: str
    kind: str
    default: Any
    doc: str
    lo: float | None = None
    hi: float | None = None
    lo_exclusive: bool = False
    choices: tuple[str, ...] = ()
    normalise: Callable[[str], str] | None = None
    strip: bool = True

    @property
    def path(self) -> str:
        return f"{self.section}.{self.name}"

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


KEYS: tuple[Key, ...] = (
    # [[sources]]
    Key("sources", "channel", "channel", REQUIRED, "the channel to watch"),
    Key("sources", "name", "text", REQUIRED, "the organisation's name, shown as {source_name}"),
    Key("sources", "languages", "text_list", ("fa",),
        "posts in these languages (2-3 letter codes) are queued for translation"),
    Key("sources", "download_media", "boolean", True,
        "download the media of queued posts so that they go out with the translation"),
    # [[targets]]
    Key("targets", "key", "text", None,
        "short unique name shown on cards and in /queue; defaults to the language"),
    Key("targets", "channel", "channel", REQUIRED, "the outgoing channel"),
    Key("targets", "language", "text", REQUIRED, "the language the translations are written in"),
    Key("targets", "credit", "text", REQUIRED, "who is credited for the translation ({credit})"),
    Key("targets", "template", "text", DEFAULT_TEMPLATE, "how a published post is laid out",
        strip=False),
    Key("targets", "split_mode", "choice", "reply",
        "how the parts of a long translation are posted", choices=SPLIT_MODES),
    # [[targets]] wording in the target's language (issue 11, relay.text.wording); left out:
    # the built-in wording of the target's language
    Key("targets", "forward_template", "text", None,
        "how a forwarded post is laid out (left out: the built-in one when template is the "
        "default, else template)", strip=False),
    Key("targets", "deleted_note", "text", None,
        "the note posted under a translation whose source post was deleted ({date})"),
    Key("targets", "correction", "text", None,
        "the label above a correction posted as a reply"),
    # [[people]]
    Key("people", "id", "integer", REQUIRED, "Telegram user id", lo=1),
    Key("people", "name", "text", REQUIRED, "display name, shown on cards and as {translator}"),
    Key("people", "roles", "text_list", REQUIRED, "at least one of translator, editor, admin"),
    Key("people", "language", "choice", "en", "the bot's interface language for this person",
        choices=INTERFACE_LANGUAGES),
    # [review]
    Key("review", "chat", "integer", None,
        "chat for review cards; left out: each person's private chat with the bot"),
    Key("review", "claim_minutes", "integer", 120,
        "minutes a translator holds a claimed job", lo=1, hi=7 * 24 * 60),
    Key("review", "four_eyes", "boolean", True,
        "a translator may not approve their own translation"),
    Key("review", "language", "choice", "en",
        "the language of cards and notices in the review group", choices=INTERFACE_LANGUAGES),
    # [storage]
    Key("storage", "data_dir", "text", "data", "directory for everything relay writes"),
    Key("storage", "database", "text", "relay.db", "the SQLite database, relative to data_dir"),
    Key("storage", "media_dir", "text", "media", "downloaded media, relative to data_dir"),
    Key("storage", "session", "text", "watcher.session",
        "the watcher account's Telethon session file, relative to data_dir"),
    Key("storage", "max_media_mb", "number", 20, "largest media file downloaded, in megabytes",
        lo=0, hi=4000, lo_exclusive=True),
    # [watcher]
    Key("watcher", "catch_up_seconds", "integer", 300,
        "how often each source's history is re-read", lo=1, hi=86_400),
    Key("watcher", "silent_warning_hours", "number", 72.0,
        "warn when a source has posted nothing for this long", lo=0, hi=24 * 365,
        lo_exclusive=True),
    Key("watcher", "first_catch_up_posts", "integer", 50,
        "a source never read before: fetch only its newest N posts", lo=0, hi=10_000),
    Key("watcher", "statement_window_days", "number", 30.0,
        "a copy of a statement posted within this many days joins it (issue 11)", lo=0,
        hi=3650, lo_exclusive=True),
    Key("watcher", "ingest_process", "boolean", True,
        "decide and store posts in a process of their own, on another CPU core (issue 9)"),
    # [publish]
    Key("publish", "per_target_per_minute", "integer", 20,
        "posts per minute in one outgoing channel", lo=1, hi=60),
    Key("publish", "global_per_second", "integer", 30,
        "messages per second across all chats", lo=1, hi=100),
    Key("publish", "on_source_deleted", "choice", "annotate",
        "what happens to a translation whose source post is deleted", choices=ON_SOURCE_DELETED),
    # [logging]
    Key("logging", "level", "choice", "INFO", "the lowest level logged (not case-sensitive)",
        choices=LOG_LEVELS, normalise=_log_level),
    Key("logging", "format", "choice", "kv", "kv (for people) or json (for log collectors)",
        choices=LOG_FORMATS),
    # [metrics]
    Key("metrics", "enabled", "boolean", False, "serve Prometheus metrics"),
    Key("metrics", "host", "text", "127.0.0.1", "address the metrics server listens on"),
    Key("metrics", "port", "integer", 9464, "port of the metrics server", lo=1, hi=65535),
    # ---- operations (issue 12): failing publication, proxies
    Key("publish", "failing_alert_minutes", "number", 15,
        "`relay health` fails once posts have been failing this long", lo=0, hi=7 * 24 * 60),
    # [proxy] (issue 12): how both Telegram identities reach Telegram (relay.config.proxy);
    # RELAY_PROXY / RELAY_BOT_PROXY win over these and are the only place for credentials
    Key("proxy", "url", "text", None,
        "socks5://host:port, http://host:port or an MTProxy link; left out: directly"),
    Key("proxy", "bot_url", "text", None,
        "the bot's own proxy, or \"direct\"; left out: the same as url"),
    # [site] (issue 13): the public archive site and Atom feeds; no [site] section, no site
    Key("site", "output_dir", "text", "site",
        "where the site is written, relative to data_dir"),
    Key("site", "base_url", "text", "http://localhost:8000/",
        "the public address of output_dir (feeds need absolute links)"),
    Key("site", "title", "text", "relay", "the site's title"),
    Key("site", "targets", "text_list", (), "the target keys shown on the site; empty: all"),
    Key("site", "show_originals", "boolean", True,
        "show the original Farsi text beside each translation"),
    Key("site", "posts_per_page", "integer", 20, "posts on each index page", lo=1, hi=500),
    Key("site", "template_dir", "text", None,
        "a folder of Jinja2 templates (and static/) overriding the built-in ones"),
    Key("site", "feed_size", "integer", 50, "entries in each Atom feed", lo=1, hi=10_000),
    Key("site", "tag_year", "integer", 2025,
        "the year in the feeds' tag: ids; never change it once feeds are read", lo=2000, hi=9999),
    Key("site", "search", "boolean", True, "build the Pagefind search index"),
    # [translation] (issue 14): machine drafts for translators; no engine by default
    Key("translation", "libretranslate", "text_list", (),
        "target languages drafted by the LibreTranslate server at url"),
    Key("translation", "url", "text", "http://127.0.0.1:5000",
        "the LibreTranslate-compatible server (its POST /translate)"),
    Key("translation", "api_key_env", "text", "RELAY_TRANSLATE_API_KEY",
        "the environment variable holding the server's API key (unset: no key sent)"),
    Key("translation", "timeout_seconds", "number", 15.0,
        "how long one request to the server may take", lo=0, hi=600, lo_exclusive=True),
    Key("translation", "retries", "integer", 2,
        "further tries of a failed request, with growing pauses", lo=0, hi=10),
    Key("translation", "per_minute", "integer", 60,
        "requests per minute at most (the server's own limit)", lo=1, hi=100_000),
    Key("translation", "breaker_failures", "integer", 5,
        "failed drafts in a row after which the engine is left alone", lo=1, hi=1000),
    Key("translation", "breaker_cooldown_seconds", "number", 120.0,
        "how long an engine is left alone before one draft tries it again", lo=1, hi=86_400),
    Key("translation", "argos", "text_list", (),
        "target languages drafted in process by Argos Translate (the argostranslate extra)"),
    Key("translation", "pivot", "text", "en",
        "Argos: the language a draft goes through when no direct model is installed"),
    Key("translation", "max_chars", "integer", 5000,
        "longer posts get no draft (the card says so)", lo=100, hi=100_000),
)

_BY_PATH = {key.path: key for key in KEYS}


def key(path: str) -> Key:
    """The declaration of ``section.name``."""
    return _BY_PATH[path]


def default(path: str) -> Any:
    """The declared default of ``section.name`` (for the settings dataclasses)."""
    value = _BY_PATH[path].default
    if value is REQUIRED:
        raise LookupError(f"{path} is required: it has no default")
    return value


def section_keys(section: str) -> tuple[str, ...]:
    """The key names a section may contain, in declaration order."""
    return tuple(k.name for k in KEYS if k.section == section)
