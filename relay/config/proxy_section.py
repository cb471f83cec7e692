"""``[proxy]`` and ``RELAY_PROXY`` / ``RELAY_BOT_PROXY`` into :class:`Proxies` (the grammar is
in :mod:`relay.config.proxy`). The environment wins over the file; credentials are accepted
only from the environment, and no message ever shows one."""

from __future__ import annotations

from relay.config.env import Env
from relay.config.errors import ConfigError
from relay.config.keys import key, section_keys
from relay.config.proxy import DIRECT, PROXY_ENV, Proxies, Proxy, ProxyError, parse_proxy
from relay.config.table import Table


def proxies(root: Table, env: Env) -> Proxies:
    t = root.table("proxy", section_keys("proxy"))
    _, watcher = _one(t, env, "url")
    bot_given, bot = _one(t, env, "bot_url")
    return Proxies(watcher=watcher, bot=bot if bot_given else watcher)


def _one(t: Table, env: Env, name: str) -> tuple[bool, Proxy | None]:
    """(whether it was given, the proxy or None for directly)."""
    env_name = PROXY_ENV[name]
    if env_name in env.values:
        where = (env.source(env_name), env_name)
        value = (env.values[env_name] or "").strip()
        if not value:
            raise ConfigError(*where, "is empty (set a value or remove the line)")
        from_file = False
    elif t.has(name):
        where = (t.file, t.key_path(name))
        value = t.read(key(f"proxy.{name}"))
        from_file = True
    else:
        return False, None
    if name == "url" and value.lower() == DIRECT:
        raise ConfigError(*where, f"{DIRECT!r} is for bot_url only; leave url out for no proxy")
    try:
        proxy = parse_proxy(value)
    except ProxyError as exc:
        raise ConfigError(*where, str(exc)) from None
    if from_file and proxy is not None and proxy.has_credentials:
        raise ConfigError(*where, "credentials (user, password, MTProxy secret) do not belong "
                          f"in the config file; put the whole URL in {env_name} in .env instead")
    return True, proxy
