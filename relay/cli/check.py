"""`relay check`: validate the configuration offline, or the accounts online."""

from __future__ import annotations

import asyncio
import sys

from relay.cli.errors import EXIT_FAILURE, EXIT_OK, EXIT_USAGE
from relay.cli.faults import folder_problem
from relay.config import Settings
from relay.config.channels import marked_channel_id
from relay.config.env import read_env, session_problem, unknown_variables
from relay.config.proxy import Proxy


def problems(settings: Settings) -> list[str]:
    """What the configuration and environment hold that will fail later, one line each
    (beyond what loading the configuration already refuses)."""
    found = unknown_variables(read_env(None, None), (settings.translation.api_key_env,))
    session = settings.secrets.session_string
    if session and (problem := session_problem(session)):
        found.append(f"RELAY_SESSION: {problem}")
    chat = settings.review.chat
    for target in settings.targets:
        if chat is not None and target.ref.id is not None \
                and chat == marked_channel_id(target.ref.id):
            found.append(f"{settings.path}: review.chat: is the target channel "
                         f"{target.key!r} ({target.ref}): review cards would be published; "
                         "use a private group for review")
    data_dir = settings.storage.database.parent
    if (problem := folder_problem(data_dir)) is not None:
        found.append(f"{settings.path}: storage: {problem}")
    return found


def run_check(settings: Settings, *, online: bool) -> int:
    """`relay check`: print what the configuration says (and, online, ask Telegram)."""
    if found := problems(settings):
        for line in found:
            print(f"relay check: {line}", file=sys.stderr)
        return EXIT_USAGE
    if online:
        return asyncio.run(_check_online(settings))
    print(f"configuration ok: {settings.path}")
    print(f"  sources: {len(settings.sources)}  "
          + ", ".join(f"{s.ref} ({s.name})" for s in settings.sources))
    print(f"  targets: {len(settings.targets)}  "
          + ", ".join(f"{t.key} -> {t.ref}" for t in settings.targets))
    roles = {"translator": 0, "editor": 0, "admin": 0}
    for person in settings.people:
        for role in person.roles:
            roles[role] += 1
    print("  people: " + ", ".join(f"{n} {r}(s)" for r, n in roles.items()))
    print(f"  database: {settings.storage.database}")
    secrets = settings.secrets
    print(f"  secrets: api id {'set' if secrets.api_id else 'missing'}, api hash "
          f"{'set' if secrets.api_hash else 'missing'}, bot token "
          f"{'set' if secrets.bot_token else 'missing'}, session "
          f"{'string' if secrets.session_string else 'file'}")
    print("  " + proxy_line(settings))
    if settings.targets and not any(p.is_editor for p in settings.people):
        print("  warning: targets are configured but no person is an editor: nothing can be "
              "approved", file=sys.stderr)
    from relay.text.wording import target_language_warnings  # issue 11

    for line in target_language_warnings(settings.targets):
        print(f"  warning: {line}", file=sys.stderr)
    from relay.assist.setup import describe  # issue 14: the engines, one line per problem

    for line in describe(settings):
        print(f"  {line}", file=sys.stderr if line.startswith("warning:") else sys.stdout)
    return EXIT_OK


def proxy_line(settings: Settings) -> str:
    """How each identity reaches Telegram, credentials hidden."""
    def shown(proxy: Proxy | None) -> str:
        return proxy.display() if proxy else "direct"

    watcher, bot = settings.proxy.watcher, settings.proxy.bot
    if watcher == bot:
        return f"proxy: {shown(watcher)}"
    return f"proxy: watcher {shown(watcher)}, bot {shown(bot)}"


async def _check_online(settings: Settings) -> int:
    from relay.service.runner import make_bot_client, make_watcher_client
    from relay.telegram.check_online import check_bot, check_watcher

    settings.require_secrets("api_id", "api_hash", purpose="relay check --online")
    findings = []
    watcher = make_watcher_client(settings)
    try:
        await watcher.connect()
        findings += await check_watcher(watcher, settings)
    finally:
        await watcher.disconnect()
    if settings.people or settings.targets:
        settings.require_secrets("bot_token", purpose="relay check --online")
        bot = make_bot_client(settings)
        try:
            await bot.connect()
            if not await bot.is_user_authorized():
                await bot.start(bot_token=settings.secrets.bot_token)
            findings += await check_bot(bot, settings)
        finally:
            await bot.disconnect()
    for finding in findings:
        print(finding.line())
    failed = [f for f in findings if not f.ok]
    print(f"{len(findings) - len(failed)} ok, {len(failed)} failed")
    return EXIT_FAILURE if failed else EXIT_OK
