"""Section readers: each TOML section into its settings object, keys read through their
declarations (:mod:`relay.config.keys`), plus the checks that span keys (duplicates, a target
that is also a source, ...)."""

from __future__ import annotations

import re
from pathlib import Path

from relay.config.channels import ChannelRef, parse_channel_ref
from relay.config.keys import ARRAY_SECTIONS, REQUIRED, ROLES, TABLE_SECTIONS, key, section_keys
from relay.config.settings import (
    Logging,
    Metrics,
    Person,
    Publish,
    Review,
    Site,
    Source,
    Storage,
    Target,
    Translation,
    WatcherSettings,
)
from relay.config.table import Table, suggest
from relay.text.template import TemplateError, template_fields, validate_template

#: The keys of the top-level table.
TOP_KEYS = (*TABLE_SECTIONS, *ARRAY_SECTIONS)

_LANGUAGE_RE = re.compile(r"[a-z]{2,3}")
_TARGET_KEY_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,15}")


def _language(table: Table, name: str, value: str) -> str:
    if not _LANGUAGE_RE.fullmatch(value):
        table.fail(
            name,
            f"invalid language code {value!r} "
            "(expected 2-3 lowercase letters, e.g. 'fa', 'en', 'ckb')",
        )
    return value


def _channel(table: Table, name: str = "channel") -> ChannelRef:
    value = table.raw(name, REQUIRED)
    try:
        return parse_channel_ref(value)
    except ValueError as exc:
        table.fail(name, str(exc))


def sources(root: Table) -> tuple[Source, ...]:
    tables = root.array_of_tables("sources", section_keys("sources"))
    if not tables:
        root.fail("sources", "at least one source is required (add a [[sources]] table)")
    found: list[Source] = []
    for t in tables:
        ref = _channel(t)
        for i, earlier in enumerate(found):
            if earlier.ref.same_channel(ref):
                t.fail("channel", f"duplicate of sources[{i}] ({earlier.ref})")
        languages = t.read(key("sources.languages"))
        if not languages:
            t.fail("languages", "must list at least one language")
        for i, code in enumerate(languages):
            _language(t, f"languages[{i}]", code)
            if code in languages[:i]:
                t.fail(f"languages[{i}]", f"duplicate language {code!r}")
        found.append(
            Source(
                ref=ref,
                name=t.read(key("sources.name")),
                languages=tuple(languages),
                download_media=t.read(key("sources.download_media")),
            )
        )
    return tuple(found)


def _target(t: Table, known_sources: tuple[Source, ...]) -> Target:
    ref = _channel(t)
    for i, source in enumerate(known_sources):
        if source.ref.same_channel(ref):
            t.fail("channel", f"is also sources[{i}] ({ref}); relay would re-read its own posts")
    language = _language(t, "language", t.read(key("targets.language")))
    target_key = t.text("key", language)  # declared default None: "the language"
    if not _TARGET_KEY_RE.fullmatch(target_key):
        t.fail("key", f"invalid key {target_key!r} (1-16 lowercase letters, digits, '-' or '_')")
    template = t.read(key("targets.template"))
    try:
        validate_template(template)
    except TemplateError as exc:
        t.fail("template", exc.problem)
    wording = _target_wording(t)
    return Target(
        key=target_key,
        ref=ref,
        language=language,
        credit=t.read(key("targets.credit")),
        template=template,
        split_mode=t.read(key("targets.split_mode")),
        **wording,
    )


def _target_wording(t: Table) -> dict[str, str | None]:
    """The target's wording overrides (issue 11): None where the built-in one applies."""
    found: dict[str, str | None] = {}
    for name in ("forward_template", "deleted_note", "correction"):
        found[name] = t.read(key(f"targets.{name}")) if t.has(name) else None
    forward = found["forward_template"]
    if forward is not None:
        try:
            validate_template(forward)
        except TemplateError as exc:
            t.fail("forward_template", exc.problem)
    note = found["deleted_note"]
    if note is not None:
        try:
            extra = template_fields(note) - {"date"}
        except TemplateError as exc:
            t.fail("deleted_note", exc.problem)
        if extra:
            t.fail("deleted_note", "may use only the field {date}")
    return found


def targets(root: Table, known_sources: tuple[Source, ...]) -> tuple[Target, ...]:
    found: list[Target] = []
    for t in root.array_of_tables("targets", section_keys("targets")):
        target = _target(t, known_sources)
        for i, earlier in enumerate(found):
            if earlier.key == target.key:
                name = "key" if t.has("key") else "language"
                t.fail(
                    name,
                    f"duplicate target key {target.key!r} (same as targets[{i}]); "
                    "give each target a distinct key",
                )
            if earlier.ref.same_channel(target.ref) and earlier.language == target.language:
                t.fail("channel", f"duplicate of targets[{i}] ({target.ref}, {target.language})")
        found.append(target)
    return tuple(found)


def people(root: Table) -> tuple[Person, ...]:
    found: list[Person] = []
    for t in root.array_of_tables("people", section_keys("people")):
        user_id = t.read(key("people.id"))
        for i, earlier in enumerate(found):
            if earlier.id == user_id:
                t.fail("id", f"duplicate of people[{i}] ({earlier.name}, id {user_id})")
        roles = t.read(key("people.roles"))
        if not roles:
            t.fail("roles", "must list at least one role: " + ", ".join(sorted(ROLES)))
        for i, role in enumerate(roles):
            if role not in ROLES:
                t.fail(
                    f"roles[{i}]",
                    f"unknown role {role!r}{suggest(role, ROLES)}; "
                    f"valid roles: {', '.join(sorted(ROLES))}",
                )
        found.append(
            Person(
                id=user_id,
                name=t.read(key("people.name")),
                roles=frozenset(roles),
                language=t.read(key("people.language")),
            )
        )
    return tuple(found)


def review(root: Table) -> Review:
    t = root.table("review", section_keys("review"))
    chat = t.read(key("review.chat"))
    if chat == 0:
        t.fail("chat", "0 is not a chat id (e.g. -1001234567890 for a group)")
    return Review(
        chat=chat,
        claim_minutes=t.read(key("review.claim_minutes")),
        four_eyes=t.read(key("review.four_eyes")),
        language=t.read(key("review.language")),
    )


def _path_in(base: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def storage(root: Table) -> Storage:
    t = root.table("storage", section_keys("storage"))
    data_dir = _path_in(Path.cwd(), t.read(key("storage.data_dir")))
    max_mb = t.read(key("storage.max_media_mb"))
    return Storage(
        data_dir=data_dir,
        database=_path_in(data_dir, t.read(key("storage.database"))),
        media_dir=_path_in(data_dir, t.read(key("storage.media_dir"))),
        session=_path_in(data_dir, t.read(key("storage.session"))),
        max_media_bytes=int(max_mb * 1024 * 1024),
    )


def watcher(root: Table) -> WatcherSettings:
    t = root.table("watcher", section_keys("watcher"))
    return WatcherSettings(
        catch_up_seconds=t.read(key("watcher.catch_up_seconds")),
        first_catch_up_posts=t.read(key("watcher.first_catch_up_posts")),
        silent_warning_hours=t.read(key("watcher.silent_warning_hours")),
        statement_window_days=t.read(key("watcher.statement_window_days")),
        ingest_process=t.read(key("watcher.ingest_process")),
    )


def publish(root: Table) -> Publish:
    t = root.table("publish", section_keys("publish"))
    return Publish(
        per_target_per_minute=t.read(key("publish.per_target_per_minute")),
        global_per_second=t.read(key("publish.global_per_second")),
        on_source_deleted=t.read(key("publish.on_source_deleted")),
        failing_alert_minutes=t.read(key("publish.failing_alert_minutes")),
    )


def logging(root: Table) -> Logging:
    t = root.table("logging", section_keys("logging"))
    return Logging(level=t.read(key("logging.level")), format=t.read(key("logging.format")))


def metrics(root: Table) -> Metrics:
    t = root.table("metrics", section_keys("metrics"))
    return Metrics(
        enabled=t.read(key("metrics.enabled")),
        host=t.read(key("metrics.host")),
        port=t.read(key("metrics.port")),
    )


# ---------------------------------------------------------------------------- [site] (issue 13)
def site(root: Table, storage_settings: Storage, known_targets: tuple[Target, ...]) -> Site | None:
    """The ``[site]`` section, or None when there is none (no public site)."""
    if not root.has("site"):
        return None
    t = root.table("site", section_keys("site"))
    base_url = t.read(key("site.base_url"))
    if not base_url.startswith(("https://", "http://")):
        t.fail("base_url", f"must start with https:// or http://, got {base_url!r}")
    wanted = t.read(key("site.targets"))
    known = [target.key for target in known_targets]
    for i, name in enumerate(wanted):
        if name not in known:
            t.fail(f"targets[{i}]", f"no target has the key {name!r}"
                   + (f"; targets: {', '.join(known)}" if known else ""))
    template_dir = t.read(key("site.template_dir")) if t.has("template_dir") else None
    return Site(
        output_dir=_path_in(storage_settings.data_dir, t.read(key("site.output_dir"))),
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        title=t.read(key("site.title")),
        targets=tuple(wanted),
        show_originals=t.read(key("site.show_originals")),
        posts_per_page=t.read(key("site.posts_per_page")),
        template_dir=_path_in(Path.cwd(), template_dir) if template_dir else None,
        feed_size=t.read(key("site.feed_size")),
        tag_year=t.read(key("site.tag_year")),
        search=t.read(key("site.search")),
    )


# ------------------------------------------------------------------ [translation] (issue 14)
_ENV_NAME_RE = re.compile(r"[A-Z_][A-Z0-9_]*")


def translation(root: Table, known_targets: tuple[Target, ...],
                env: dict[str, str | None]) -> Translation:
    """The ``[translation]`` section: each engine's target languages (a language drafted by
    one engine at most, and one some target is written in); the API key from ``env``."""
    t = root.table("translation", section_keys("translation"))
    languages = {target.language for target in known_targets}
    chosen: dict[str, str] = {}
    lists: dict[str, tuple[str, ...]] = {}
    for engine in ("libretranslate", "argos"):
        codes = t.read(key(f"translation.{engine}"))
        for i, code in enumerate(codes):
            _language(t, f"{engine}[{i}]", code)
            if code in chosen:
                t.fail(f"{engine}[{i}]", f"{code!r} is already drafted by {chosen[code]}")
            if code not in languages:
                t.fail(f"{engine}[{i}]", f"no target is written in {code!r}"
                       + (f"; targets: {', '.join(sorted(languages))}" if languages else ""))
            chosen[code] = engine
        lists[engine] = tuple(codes)
    url = t.read(key("translation.url"))
    if not url.startswith(("https://", "http://")):
        t.fail("url", f"must start with https:// or http://, got {url!r}")
    env_name = t.read(key("translation.api_key_env"))
    if not _ENV_NAME_RE.fullmatch(env_name):
        t.fail("api_key_env", f"not an environment variable name: {env_name!r}")
    api_key = (env.get(env_name) or "").strip() or None
    return Translation(
        libretranslate=lists["libretranslate"],
        url=url.rstrip("/"),
        api_key_env=env_name,
        timeout_seconds=t.read(key("translation.timeout_seconds")),
        retries=t.read(key("translation.retries")),
        per_minute=t.read(key("translation.per_minute")),
        breaker_failures=t.read(key("translation.breaker_failures")),
        breaker_cooldown_seconds=t.read(key("translation.breaker_cooldown_seconds")),
        argos=lists["argos"],
        pivot=_language(t, "pivot", t.read(key("translation.pivot"))),
        max_chars=t.read(key("translation.max_chars")),
        api_key=api_key,
    )
