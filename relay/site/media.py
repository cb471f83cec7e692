"""Media files copied into the site (Telegram's CDN links expire; the site never uses them)."""

from __future__ import annotations

import logging
import mimetypes
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from relay.site.records import SitePublication

log = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class SiteMedia:
    """A media file as published: ``path`` inside the site, its size and type."""

    path: str
    kind: str
    mime: str
    size: int
    poster: str | None = None


def _site_name(index: int, source: Path) -> str:
    name = _UNSAFE.sub("-", source.name).strip("-.") or "file"
    return f"{index}-{name[-80:]}"


def copy_media(out: Path, pub: SitePublication) -> list[SiteMedia]:
    """Copy ``pub``'s media to ``media/<id>/`` (skipping files already there with the same
    size) and return what the page shows; a missing file is skipped with one log line. A
    ``poster`` right after a ``video`` becomes that video's poster."""
    copied: list[SiteMedia] = []
    for index, item in enumerate(pub.media):
        source = Path(item.path)
        rel = f"media/{pub.id}/{_site_name(index, source)}"
        dest = out / rel
        try:
            size = source.stat().st_size
        except OSError:
            log.warning("site: media file missing for publication %s: %s", pub.id, source)
            continue
        if not (dest.exists() and dest.stat().st_size == size):
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, dest)
        mime = item.mime or mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        if item.kind == "poster" and copied and copied[-1].kind == "video" and not copied[-1].poster:
            last = copied[-1]
            copied[-1] = SiteMedia(last.path, last.kind, last.mime, last.size, rel)
            continue
        kind = item.kind if item.kind in ("photo", "video", "document") else "photo"
        copied.append(SiteMedia(rel, kind, mime, size))
    return copied
