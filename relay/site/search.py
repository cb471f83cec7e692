"""Static search with Pagefind (the ``pagefind[bin]`` package ships the indexer binary).

Only publication pages (``<target>/p/*.html``) are indexed, and in them only the article
(``data-pagefind-body``): the translation, the original Farsi text and the credit. Pagefind
builds one index per page language, so each language's search page finds its own
publications. Pagefind has no incremental mode: :func:`index_search` re-indexes everything
into a new folder and swaps it in, so search keeps working while it runs. The service should
call it after a burst of publications, not after each one (see bench/site.py for its time).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import time
from pathlib import Path

log = logging.getLogger(__name__)

BUNDLE = "pagefind"


class SearchIndexError(RuntimeError):
    pass


def index_search(out: Path, *, timeout: float = 3600) -> float:
    """Index the site in ``out`` with Pagefind; returns the seconds it took."""
    started = time.perf_counter()
    fresh = out / f".{BUNDLE}-new"
    shutil.rmtree(fresh, ignore_errors=True)
    cmd = [
        sys.executable, "-m", "pagefind", "--site", str(out), "--output-path", str(fresh),
        "--glob", "*/p/*.html", "--quiet",
    ]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexError(f"pagefind did not run: {exc}") from exc
    if done.returncode != 0 or not (fresh / "pagefind.js").exists():
        shutil.rmtree(fresh, ignore_errors=True)
        raise SearchIndexError(f"pagefind failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    current, old = out / BUNDLE, out / f".{BUNDLE}-old"
    shutil.rmtree(old, ignore_errors=True)
    if current.exists():
        current.rename(old)
    fresh.rename(current)
    shutil.rmtree(old, ignore_errors=True)
    seconds = time.perf_counter() - started
    log.info("site: search index built in %.1f s", seconds)
    return seconds
