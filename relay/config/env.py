"""Secrets from the environment and ``.env``: the ``RELAY_*`` variables, checked once.

The real environment wins over ``.env``. A secret's value never appears in a message.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

from relay.config.errors import ConfigError
from relay.config.keys import default
from relay.config.proxy import PROXY_ENV
from relay.config.settings import SECRET_ENV, Secrets
from relay.config.table import BOT_TOKEN_RE

DEFAULT_CONFIG_PATH = Path("config/relay.toml")

#: The variable holding the translation server's API key, unless ``[translation] api_key_env``
#: names another (that one is then known too: see :func:`unknown_variables`).
TRANSLATE_API_KEY_ENV: str = default("translation.api_key_env")

#: Every ``RELAY_*`` variable relay reads, declared here once (the secrets come from
#: :data:`~relay.config.settings.SECRET_ENV`). ``relay check`` names any other as a likely typo.
ENV_NAMES: Mapping[str, str] = {
    **{name: f"secret ({field})" for field, name in SECRET_ENV.items()},
    **{name: f"proxy ({key})" for key, name in PROXY_ENV.items()},
    TRANSLATE_API_KEY_ENV: "the translation server's API key ([translation] api_key_env)",
    "RELAY_CONFIG": "the configuration file (relay --config wins)",
    "RELAY_LANGID_DEV": "the language tests' dev set (tests only)",
}


@dataclass(frozen=True)
class Env:
    """The merged environment, and where each variable came from."""

    values: Mapping[str, str | None]
    origin: Mapping[str, str]
    env_file: str

    def source(self, name: str) -> str:
        return self.origin.get(name, self.env_file)


def read_env(env: Mapping[str, str] | None, dotenv_path: Path | None) -> Env:
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
    return Env(values=values, origin=origin, env_file=file)


def _read_dotenv(path: Path) -> dict[str, str | None]:
    if not path.is_file():
        raise ConfigError(str(path), None, "file not found")
    try:
        # utf-8-sig: an editor that saves with a byte order mark must not hide the first name
        return dict(dotenv_values(path, interpolate=False, encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), None, f"cannot read file: {exc}") from None


def _secret_text(env: Env, name: str) -> str | None:
    if name not in env.values:
        return None
    value = (env.values[name] or "").strip()
    if not value:
        raise ConfigError(env.source(name), name, "is empty (set a value or remove the line)")
    return value


def secrets(env: Env) -> Secrets:
    api_id_text = _secret_text(env, "RELAY_API_ID")
    api_id = None
    if api_id_text is not None:
        if not re.fullmatch(r"\d{1,10}", api_id_text) or not 0 < int(api_id_text) < 2**31:
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
    if token is not None and not BOT_TOKEN_RE.fullmatch(token):
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


def unknown_variables(env: Env, also_read: Iterable[str] = ()) -> list[str]:
    """One line per ``RELAY_*`` variable relay does not read, with the nearest valid name.
    ``also_read``: names the configuration chose (``[translation] api_key_env``)."""
    known = set(ENV_NAMES) | set(also_read)
    lines = []
    for name in sorted(n for n in env.values if n.upper().startswith("RELAY_")):
        if name in known:
            continue
        near = difflib.get_close_matches(name.upper(), list(ENV_NAMES), n=1, cutoff=0.6)
        hint = f" (did you mean {near[0]}?)" if near else \
            f" (relay reads {', '.join(sorted(ENV_NAMES))})"
        lines.append(f"{env.source(name)}: {name}: unknown variable{hint}")
    return lines


#: A Telethon string session: version "1", then URL-safe base64 of dc id (1 byte), IPv4 or
#: IPv6 address (4 or 16), port (2) and auth key (256).
_SESSION_BYTES = (1 + 4 + 2 + 256, 1 + 16 + 2 + 256)


def session_problem(value: str) -> str | None:
    """What is wrong with a ``RELAY_SESSION`` value, never quoting it; None when it parses."""
    if not value.startswith("1"):
        return "is not a string session (it must start with 1): make one with " \
               "`relay login --string`"
    try:
        raw = base64.urlsafe_b64decode(value[1:].encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return "is not a string session (not base64; cut short or mangled when copied?): " \
               "make one with `relay login --string`"
    if len(raw) not in _SESSION_BYTES:
        return f"is not a string session ({len(value)} characters; cut short or mangled when " \
               "copied?): make one with `relay login --string`"
    return None


def check_session(secrets: Secrets) -> None:
    """Raise a one-line ConfigError naming RELAY_SESSION when it is set but cannot work."""
    if secrets.session_string and (problem := session_problem(secrets.session_string)):
        raise ConfigError(f"RELAY_SESSION: {problem}")


def resolve_config_path(cli_value: str | None, env: Mapping[str, str]) -> Path:
    """``--config`` if given, else ``RELAY_CONFIG``, else ``config/relay.toml``."""
    for candidate in (cli_value, env.get("RELAY_CONFIG")):
        if candidate and candidate.strip():
            return Path(candidate.strip()).expanduser()
    return DEFAULT_CONFIG_PATH


def load_secrets(env: Mapping[str, str] | None = None, dotenv_path: Path | None = None) -> Secrets:
    """Read and check the secrets from the environment and .env (see :func:`load_settings`)."""
    return secrets(read_env(env, dotenv_path))
