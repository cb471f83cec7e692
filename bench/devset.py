"""Where the benchmarks find the labelled language-ID dev set.

The set is licensed for measurement only: it is read from the shared folder at run time
($RELAY_LANGID_DEV, else shared/langid/dev.jsonl in an ancestor of the bench folder or of the
current directory) and never copied into the repository.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DEV_RELATIVE = Path("shared") / "langid" / "dev.jsonl"


def find_dev_set(explicit: str | None) -> Path:
    """``--data`` if given, else $RELAY_LANGID_DEV, else the shared folder; exit if none."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("RELAY_LANGID_DEV")
    if env:
        return Path(env)
    for start in (Path(__file__).resolve().parent, Path.cwd().resolve()):
        for directory in (start, *start.parents):
            if (directory / DEV_RELATIVE).is_file():
                return directory / DEV_RELATIVE
    sys.exit(f"dev set not found: pass --data, set $RELAY_LANGID_DEV, or put it at ../{DEV_RELATIVE}")
