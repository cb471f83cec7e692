"""Configuration: ``config/relay.toml`` plus secrets from the environment / ``.env``.

Everything is validated once, at load, into one frozen :class:`Settings` object. Every problem
is reported as a single-line :class:`ConfigError` of the form ``<file>: <key path>: <problem>``
so that an operator sees exactly what to fix, never a traceback.

Secrets (API id and hash, bot token, string session) live only in the environment or ``.env``;
their values never appear in a ``repr``, a ``str`` or an error message.

The package, one job per module:

* :mod:`~relay.config.errors`: :class:`ConfigError`;
* :mod:`~relay.config.channels`: the channel-link grammar (:func:`parse_channel_ref`);
* :mod:`~relay.config.keys`: every key declared once (type, default, bounds, doc);
* :mod:`~relay.config.settings`: the settings dataclasses, defaults taken from the keys;
* :mod:`~relay.config.table`: the typed TOML table reader;
* :mod:`~relay.config.sections`: one reader per section;
* :mod:`~relay.config.env`: secrets from the environment and ``.env``;
* :mod:`~relay.config.load`: :func:`load_settings`.

Templates are checked with the one template grammar, :mod:`relay.text.template`.
"""

from __future__ import annotations

from relay.config.channels import ChannelRef, parse_channel_ref
from relay.config.env import DEFAULT_CONFIG_PATH, load_secrets, resolve_config_path
from relay.config.errors import ConfigError
from relay.config.load import load_settings
from relay.config.settings import (
    SECRET_ENV,
    Logging,
    Metrics,
    Person,
    Publish,
    Review,
    Secrets,
    Settings,
    Site,
    Source,
    Storage,
    Target,
    Translation,
    WatcherSettings,
)
from relay.text.template import DEFAULT_TEMPLATE, FIELDS, TemplateError, validate_template

#: The field names a template may use.
TEMPLATE_FIELDS = frozenset(FIELDS)

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "DEFAULT_TEMPLATE",
    "SECRET_ENV",
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
    "Site",
    "Source",
    "Storage",
    "Target",
    "TemplateError",
    "Translation",
    "WatcherSettings",
    "load_secrets",
    "load_settings",
    "parse_channel_ref",
    "resolve_config_path",
    "validate_template",
]
