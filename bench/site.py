"""Benchmark of the public archive site (relay.site).

Synthetic, deterministic publications (relay.site.sample: every statement in 4 languages)
are built into a temporary folder:

* full build time (pages, listings, feeds; Pagefind search indexing measured separately),
* incremental rebuild after one new publication (floor: under 2 s),
* peak memory of the process (floor: under 300 MB; the builder streams publications),
* site size (files and bytes, with and without the search index).

    .venv/bin/python bench/site.py            # 100,000 publications (minutes)
    .venv/bin/python bench/site.py --quick    # 4,000 publications
    .venv/bin/python bench/site.py --count 20000 --no-search --keep DIR

Exits 1 when a floor is missed.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from relay.site import SiteBuilder, SiteSettings  # noqa: E402
from relay.site.sample import SyntheticSource  # noqa: E402

INCREMENTAL_FLOOR_S = 2.0
MEMORY_FLOOR_MB = 300.0


def peak_mb() -> float:
    """Peak resident memory of this process (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def size_of(root: Path, *, skip: str | None = None) -> tuple[int, int]:
    files = total = 0
    for dirpath, dirnames, filenames in os.walk(root):
        if skip and skip in dirnames:
            dirnames.remove(skip)
        for name in filenames:
            files += 1
            total += os.stat(os.path.join(dirpath, name)).st_size
    return files, total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000, help="publications (default 100000)")
    parser.add_argument("--quick", action="store_true", help="4,000 publications")
    parser.add_argument("--no-search", action="store_true", help="skip Pagefind indexing")
    parser.add_argument("--keep", type=Path, help="build into DIR and keep it")
    args = parser.parse_args(argv)
    count = 4_000 if args.quick else args.count
    targets = ("en", "es", "pt", "nl")
    out = args.keep or Path(tempfile.mkdtemp(prefix="relay-site-bench-"))
    if out.exists():
        shutil.rmtree(out)
    settings = SiteSettings(output_dir=out, base_url="https://archive.example.org/",
                            title="relay bench", posts_per_page=20, search=False)
    source = SyntheticSource(count, targets)
    print(f"site bench: {count} publications in {len(targets)} languages -> {out}")

    started = time.perf_counter()
    report = SiteBuilder(settings, source).build(search=False)
    full_s = time.perf_counter() - started
    print(f"full build:        {full_s:8.1f} s  ({report.files_written} files, "
          f"{count / full_s:.0f} publications/s)")

    search_s = None
    if not args.no_search:
        search_s = SiteBuilder(settings, source).index_search()
        shown = "failed" if search_s is None else f"{search_s:8.1f} s"
        print(f"search index:      {shown}  (Pagefind, publication pages only)")

    # one new publication at a time, as the service does after each publication; the median
    # of five runs (the first one also warms the page cache for the manifest)
    times = []
    for n in range(5):
        source.count = count + n + 1
        started = time.perf_counter()
        inc = SiteBuilder(settings, source).update([count + n])
        times.append(time.perf_counter() - started)
    inc_s = sorted(times)[len(times) // 2]
    shown = ", ".join(f"{t:.2f}" for t in times)
    print(f"incremental (1 new): {inc_s:6.2f} s median of [{shown}] "
          f"({inc.files_written} files rewritten)")

    files, total = size_of(out)
    pf_files, pf_total = size_of(out / "pagefind") if (out / "pagefind").exists() else (0, 0)
    print(f"site size:         {total / 2**20:8.1f} MiB in {files} files "
          f"(search index {pf_total / 2**20:.1f} MiB in {pf_files} files)")
    peak = peak_mb()
    print(f"peak memory:       {peak:8.1f} MB (this process; Pagefind runs in its own)")

    results = [
        ("incremental rebuild < 2 s", inc_s < INCREMENTAL_FLOOR_S),
        ("peak memory < 300 MB", peak < MEMORY_FLOOR_MB),
    ]
    for name, ok in results:
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    if not args.keep:
        shutil.rmtree(out, ignore_errors=True)
    return 0 if all(ok for _, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())
