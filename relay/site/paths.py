"""Where each page lives in the output folder (paths relative to it, with ``/``)."""

from __future__ import annotations

MANIFEST = "relay-site.json"


def post_path(target: str, pub_id: int) -> str:
    return f"{target}/p/{pub_id}.html"


def listing_prefix(target: str, kind: str, key: str) -> str:
    """``kind`` is ``all``, ``source`` or ``month``."""
    if kind == "all":
        return f"{target}/"
    return f"{target}/{kind}/{key}/"


def listing_front(target: str, kind: str, key: str) -> str:
    return listing_prefix(target, kind, key) + "index.html"


def listing_page(target: str, kind: str, key: str, number: int) -> str:
    return listing_prefix(target, kind, key) + f"page/{number}.html"


def feed_path(target: str | None) -> str:
    return f"{target}/feed.xml" if target else "feed.xml"


def relative(from_path: str, to_path: str) -> str:
    """The relative link from the page at ``from_path`` to ``to_path`` (both relative to the
    site's root, without ``..``)."""
    base = from_path.split("/")[:-1]
    target = to_path.split("/")
    common = 0
    while common < len(base) and common < len(target) - 1 and base[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(base) - common) + target[common:])
