"""Loading: the TOML file read and checked, then every section and the secrets, into one
:class:`Settings` (or one :class:`ConfigError` line, with any secret value redacted)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import relay.config.sections as sections
from relay.config.env import TRANSLATE_API_KEY_ENV, Env, read_env, secrets
from relay.config.errors import ConfigError
from relay.config.proxy import PROXY_ENV
from relay.config.proxy_section import proxies
from relay.config.settings import SECRET_ENV, Secrets, Settings
from relay.config.table import Table

#: Key names that mean "someone put a secret in the TOML file", and where it belongs instead.
_SECRET_KEYS_IN_TOML = {
    "api_id": "RELAY_API_ID",
    "api_hash": "RELAY_API_HASH",
    "bot_token": "RELAY_BOT_TOKEN",
    "token": "RELAY_BOT_TOKEN",
    "session": "RELAY_SESSION",
    "session_string": "RELAY_SESSION",
    "string_session": "RELAY_SESSION",
    "api_key": TRANSLATE_API_KEY_ENV,  # [translation] names the variable: api_key_env
}
#: Places where one of those names is a legitimate, non-secret key.
_NOT_SECRET_PATHS = frozenset({"storage.session"})


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
    try:  # utf-8-sig: a byte order mark (Notepad's "UTF-8 with BOM") is accepted
        return tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ConfigError(file, None, f"not valid UTF-8 (byte {exc.start})") from None
    except RecursionError:
        raise ConfigError(file, None, "invalid TOML: nested too deeply") from None
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


def load_settings(
    path: Path, *, env: Mapping[str, str] | None = None, dotenv_path: Path | None = None,
    secrets_needed: bool = True,
) -> Settings:
    """Load and validate the TOML config and the secrets; raise a one-line ConfigError.

    ``env`` None: ``os.environ`` over the .env file (``dotenv_path``, default ``./.env`` if it
    exists). ``env`` given: it is the whole environment; a .env file is read only if
    ``dotenv_path`` is passed. The real environment wins over .env.

    ``secrets_needed=False`` (commands that use no secret: status, export, backup ...): a
    secret that is empty or malformed (a ``.env`` copied from ``.env.example`` and not filled
    in) is left unset instead of failing; a command that needs it still fails, in
    ``Settings.require_secrets``.
    """
    path = Path(path)
    environment = read_env(env, dotenv_path)
    secret_names = {*SECRET_ENV.values(), *PROXY_ENV.values()}
    raw_secrets = [v for k, v in environment.values.items() if k in secret_names and v]
    try:
        settings = _build(path, environment, secrets_needed)
    except RecursionError:  # tables within tables thousands deep (e.g. a dotted key)
        raise ConfigError(str(path), None, "nested too deeply") from None
    except ConfigError as exc:
        raise exc.redacted(v.strip() for v in raw_secrets) from None
    return settings


def _secrets(environment: Env, needed: bool) -> Secrets:
    try:
        return secrets(environment)
    except ConfigError:
        if needed:
            raise
        return Secrets(None, None, None, None, env_file=environment.env_file)


def _build(path: Path, environment: Env, secrets_needed: bool = True) -> Settings:
    file = str(path)
    data = _read_toml(path)
    _reject_secret_keys(file, data)
    root = Table(file, "", data, sections.TOP_KEYS)
    sources = sections.sources(root)
    targets = sections.targets(root, sources)
    people = sections.people(root)
    review = sections.review(root)
    storage = sections.storage(root)
    return Settings(
        path=path,
        sources=sources,
        targets=targets,
        people=people,
        review=review,
        storage=storage,
        watcher=sections.watcher(root),
        publish=sections.publish(root),
        logging=sections.logging(root),
        metrics=sections.metrics(root),
        secrets=_secrets(environment, secrets_needed),
        site=sections.site(root, storage, targets),
        proxy=proxies(root, environment),
        translation=sections.translation(root, targets, dict(environment.values)),
    )
