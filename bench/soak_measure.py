"""What the soak samples of its own process: memory (RSS, the C heaps), file sizes, logged
warnings, growing allocation sites (tracemalloc), and how job states are shown."""

from __future__ import annotations

import ctypes
import logging
import os
import sys
import tracemalloc
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def proc_status() -> dict[str, float]:
    """VmRSS and VmHWM in MB."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            key, value = line.split(":", 1)
            out[key] = int(value.split()[0]) / 1024
    return out


def rss_mb() -> float:
    return proc_status()["VmRSS"]


def process_rss_mb(pid: int | None) -> float:
    """VmRSS of another process (the service's ingest process) in MB; 0 without one."""
    if pid is None:
        return 0.0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def native_mem() -> dict[str, float]:
    """Memory outside Python's object allocator, in MB: SQLite's own heap (all connections,
    ``sqlite3_memory_used``), and the C heap (glibc ``mallinfo2``: in use, free inside the heap).
    Where RSS grows but Python objects do not, these say whether it is SQLite, live C allocations
    or a fragmented heap. Empty where the libraries do not offer them."""
    out: dict[str, float] = {"py_blocks": sys.getallocatedblocks()}
    try:
        lib = ctypes.CDLL("libsqlite3.so.0")  # the one the sqlite3 module already loaded
        lib.sqlite3_memory_used.restype = ctypes.c_int64
        out["sqlite"] = lib.sqlite3_memory_used() / 1e6
    except (OSError, AttributeError):
        pass
    try:
        libc = ctypes.CDLL(None)
        libc.mallinfo2.restype = _MallInfo2
        info = libc.mallinfo2()
        out["malloc_used"] = (info.uordblks + info.hblkhd) / 1e6
        out["malloc_free"] = info.fordblks / 1e6
    except (OSError, AttributeError):
        pass
    return out


def fmt_native(mem: dict[str, float]) -> str:
    parts = [f"py blocks {mem['py_blocks']:,}"]
    if "sqlite" in mem:
        parts.append(f"sqlite heap {mem['sqlite']:.1f} MB")
    if "malloc_used" in mem:
        parts.append(f"C heap {mem['malloc_used']:.1f} MB used + {mem['malloc_free']:.1f} MB free")
    return ", ".join(parts)


def file_mb(*paths: Path) -> float:
    return sum(p.stat().st_size for p in paths if p.exists()) / 1e6


class LogCounter(logging.Handler):
    """Counts WARNING and above by event name; keeps the first line of each."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: Counter = Counter()
        self.errors: Counter = Counter()
        self.first: dict[str, str] = {}

    def emit(self, record: logging.LogRecord) -> None:
        fields = getattr(record, "fields", None) or getattr(record.msg, "fields", None) or {}
        name = str(fields.get("event") or record.getMessage().split(" ", 1)[0])[:60]
        name = f"{record.name}:{name}"
        self.counts[name] += 1
        if record.levelno >= logging.ERROR:
            self.errors[name] += 1
        if name not in self.first:
            self.first[name] = record.getMessage()[:300]


@dataclass
class Sample:
    events: int
    elapsed: float
    rss: float
    native: dict[str, float] = field(default_factory=dict)


def fmt_states(states: dict[str, int]) -> str:
    order = ("queued", "drafted", "approved", "published", "stale", "skipped", "rejected")
    return " ".join(f"{s[:4]}={states.get(s, 0):,}" for s in order if states.get(s, 0))


def trace_diff(snapshot: tracemalloc.Snapshot, base: tracemalloc.Snapshot, top: int,
               key: str = "lineno") -> list[str]:
    filters = [tracemalloc.Filter(False, tracemalloc.__file__),
               tracemalloc.Filter(False, "<frozen importlib._bootstrap*>")]
    stats = snapshot.filter_traces(filters).compare_to(base.filter_traces(filters), key)
    lines = []
    for stat in stats[:top]:
        frame = stat.traceback[0]
        where = f"{frame.filename.replace(str(ROOT) + os.sep, '')}:{frame.lineno}"
        lines.append(f"{stat.size_diff / 1e6:+8.2f} MB {stat.count_diff:+9,} blocks  {where}")
        if key == "traceback":
            for fr in list(stat.traceback)[1:8]:
                lines.append(f"{'':30}<- {fr.filename.replace(str(ROOT) + os.sep, '')}:{fr.lineno}")
    return lines
