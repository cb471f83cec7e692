"""The public archive site and Atom feeds of every published translation (issue 13).

An adapter: it reads plain records (:mod:`relay.site.records`) from a
:class:`~relay.site.records.PublicationSource` and writes a static site; it knows nothing of
SQL or Telegram. Entry points: :func:`build_site`, :func:`update_site`,
:class:`SiteBuilder` (also ``index_search``).
"""

from relay.site.build import BuildReport, SiteBuilder, build_site, update_site
from relay.site.records import (
    Correction,
    ListSource,
    MediaFile,
    PublicationSource,
    SitePublication,
    SiteSettings,
    Version,
)

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
