"""``relay site build`` and ``relay site serve``: the public archive site and Atom feeds.

``build`` writes the whole site from the database (read-only: it may run while relay runs);
``serve`` shows the output folder at ``http://127.0.0.1:PORT/`` for a look before publishing
it (any static web server does the same, e.g. ``python -m http.server -d DIR``).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import functools
import http.server
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relay.cli.errors import EXIT_OK, CommandError, UsageError
from relay.config import ConfigError, Settings, Site

if TYPE_CHECKING:  # the builder (Jinja2) is imported only when a site is built
    from relay.site import BuildReport

DEFAULT_PORT = 8000


def add_site_parser(sub: Any) -> None:
    """``relay site`` and its two commands, on the main parser's subcommands."""
    site = sub.add_parser("site", help="build or serve the public archive site and feeds",
                          description="The public archive site: every approved, published "
                          "translation, per language, with Atom feeds and search. Configured "
                          "in the [site] section.")
    actions = site.add_subparsers(dest="site_command", metavar="ACTION")
    actions.required = True
    build = actions.add_parser("build", help="build the whole site from the database",
                               description="Write every page, feed and the search index. "
                               "Safe while relay runs (the database is only read).")
    build.add_argument("--out", metavar="DIR", help="write here instead of [site] output_dir")
    serve = actions.add_parser("serve", help="show the built site at http://127.0.0.1:PORT/",
                               description="Serve the output folder on 127.0.0.1 (for a look; "
                               "publish the folder with any static web server).")
    serve.add_argument("--port", metavar="N", type=int, default=DEFAULT_PORT,
                       help=f"port to listen on (default {DEFAULT_PORT})")
    serve.add_argument("--out", metavar="DIR", help="serve this folder instead of output_dir")


def site_section(settings: Settings) -> Site:
    """The ``[site]`` section, or a one-line configuration error naming it."""
    if settings.site is None:
        raise ConfigError(str(settings.path), "site", "no [site] section: add one for the "
                          "public site (see config/relay.example.toml)")
    return settings.site


def run_site(settings: Settings, args: argparse.Namespace, say: Callable[[str], None]) -> int:
    site = site_section(settings)
    if args.out:
        site = dataclasses.replace(site, output_dir=Path(args.out).expanduser().resolve())
    if args.site_command == "build":
        report = build_site(settings, site)
        say(describe_build(report, site.output_dir))
    else:
        serve_site(site.output_dir, args.port, say)
    return EXIT_OK


def build_site(settings: Settings, site: Site) -> BuildReport:
    """A full build of ``site`` from the database (opened read-only)."""
    from relay.service.site_updater import StoreSource, site_settings, site_style
    from relay.site import SiteBuilder
    from relay.store.errors import DatabaseUnreadable
    from relay.store.sqlite_store import open_store

    async def go() -> BuildReport:
        try:
            store = await open_store(settings.storage.database, readonly=True)
        except DatabaseUnreadable as exc:
            raise CommandError(str(exc)) from None
        try:
            source = StoreSource(store, site_style(settings), asyncio.get_running_loop())
            builder = SiteBuilder(site_settings(site), source)
            return await asyncio.to_thread(builder.build)
        finally:
            await store.close()

    return asyncio.run(go())


def describe_build(report: BuildReport, out: Path, serve: str = "relay site serve") -> str:
    """What a build wrote and where to look at it (a few lines); ``serve`` is the command
    that shows it at http://127.0.0.1:8000/."""
    feeds = sorted(p.relative_to(out).as_posix() for p in out.glob("**/feed.xml"))
    if report.search_seconds is not None:
        search = f"search index built in {report.search_seconds:.1f} s"
    else:
        search = "no search index (see the log)" if report.full else "search index unchanged"
    return "\n".join([
        f"site built: {report.publications} publications, {report.files_written} files "
        f"written in {report.seconds:.1f} s; {search}",
        f"feeds: {', '.join(feeds) if feeds else 'none (nothing published yet)'}",
        f"open {out / 'index.html'}",
        f"or run `{serve}` and visit http://127.0.0.1:{DEFAULT_PORT}/",
    ])


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        pass


def make_server(out: Path, port: int) -> http.server.ThreadingHTTPServer:
    """An HTTP server on 127.0.0.1 serving ``out`` (not started)."""
    if not (out / "index.html").is_file():
        raise CommandError(f"{out}: no site here yet; run `relay site build` first")
    if not 0 <= port <= 65535:
        raise UsageError(f"--port: must be between 0 and 65535, got {port}")
    handler = functools.partial(_QuietHandler, directory=str(out))
    try:
        return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise CommandError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}"
                           ) from None


def serve_site(out: Path, port: int, say: Callable[[str], None]) -> None:
    server = make_server(out, port)
    say(f"serving {out} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        say("stopped")
    finally:
        server.server_close()
