"""The public archive site and Atom feeds of every published translation (issue 13).

An adapter: it reads plain records (:mod:`relay.site.records`) from a
:class:`~relay.site.records.PublicationSource` and writes a static site; it knows nothing of
SQL or Telegram. Entry points: :func:`build_site`, :func:`update_site`,
:class:`SiteBuilder` (also ``index_search``).
"""

from typing import TYPE_CHECKING, Any

from relay.site.records import (
    Correction,
    ListSource,
    MediaFile,
    PublicationSource,
    SitePublication,
    SiteSettings,
    Version,
)

if TYPE_CHECKING:
    from relay.site.build import BuildReport, SiteBuilder, build_site, update_site

_BUILD = ("BuildReport", "SiteBuilder", "build_site", "update_site")


def __getattr__(name: str) -> Any:
    """The builder is loaded on first use: the store imports this package for its records, and
    a one-shot command (``relay status``) should not pay for Jinja2 and the site builder."""
    if name in _BUILD:
        from relay.site import build

        return getattr(build, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BuildReport",
    "Correction",
    "ListSource",
    "MediaFile",
    "PublicationSource",
    "SiteBuilder",
    "SitePublication",
    "SiteSettings",
    "Version",
    "build_site",
    "update_site",
]
