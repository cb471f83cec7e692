"""A compact multimap from 32-bit keys to slot numbers, for the statement index.

One open-addressing table in an ``array('Q')`` holds every LSH band key of every stored
statement (an exact-copy key instead for short ones): one 8-byte cell each,
``key << 32 | slot + 1``, linear probing, tombstones on removal, rebuilt when too full. The
capacity need not be a power of two (a key's home cell is ``key * capacity >> 32``), so the table
grows by 1.6x, not 2x. A dict of Python ints would cost ~100 bytes an entry: at 100,000
statements with ten keys each, ~100 MB against this table's 10-16 MB (load 0.5 to 0.8).
"""

from __future__ import annotations

import sys
from array import array

__all__ = ["MAX_PER_KEY", "SlotTable"]

_EMPTY = 0
_TOMB = 0xFFFFFFFFFFFFFFFF
_MASK32 = 0xFFFFFFFF
_MAX_LOAD = 0.8  # cells used (live or tombstone) before a rebuild
_TARGET_LOAD = 0.5  # live cells after a rebuild
_MIN_CAPACITY = 1024
MAX_PER_KEY = 48
_SHORT_RUN = 16  # cells read in Python before the C-level scans (array.index, count) take over
_BIG_ENDIAN = sys.byteorder == "big"
assert array("I").itemsize == 4, "SlotTable splits 8-byte cells into two array('I') items"


class SlotTable:
    """Maps a 32-bit key to the slots stored under it (several slots may share a key)."""

    def __init__(self) -> None:
        self._cells = array("Q", bytes(8 * _MIN_CAPACITY))
        self._size = _MIN_CAPACITY
        self._live = 0
        self._used = 0

    def __len__(self) -> int:
        return self._live

    @property
    def nbytes(self) -> int:
        return self._cells.itemsize * len(self._cells)

    def add(self, key: int, slot: int) -> bool:
        """Store ``slot`` under ``key``; False when ``MAX_PER_KEY`` slots already hold the key.

        More posts than that under one band key are copies of one text (a daily template);
        the first ones stand for the rest, and a long cluster would slow every probe past it.
        """
        if (self._used + 1) > _MAX_LOAD * self._size:
            self._rebuild()
        cells = self._cells
        start = (key * self._size) >> 32
        end = start + _SHORT_RUN
        if end <= self._size:  # the common case: a free cell close by, found in Python
            for i, cell in enumerate(cells[start:end]):  # (fewer than MAX_PER_KEY cells)
                if cell in (_EMPTY, _TOMB):
                    if cell == _EMPTY:
                        self._used += 1
                    cells[start + i] = (key << 32) | (slot + 1)
                    self._live += 1
                    return True
        free = self._first_free(start)
        # Same-key cells before the first free one (C-level scans: a cell at a time in Python
        # made each probe of a long cluster cost tens of microseconds).
        if _count_key(key, self._run(start, free)) >= MAX_PER_KEY:
            return False
        if cells[free] == _EMPTY:
            self._used += 1
        cells[free] = (key << 32) | (slot + 1)
        self._live += 1
        return True

    def get(self, key: int) -> list[int]:
        """Every slot stored under ``key`` (false hits impossible: the whole key is compared)."""
        start = (key * self._size) >> 32
        end = start + _SHORT_RUN
        if end <= self._size:  # the common case: a short run, read cell by cell in Python
            found: list[int] = []
            for cell in self._cells[start:end]:
                if cell == _EMPTY:
                    return found
                if cell >> 32 == key and cell != _TOMB:
                    found.append((cell & _MASK32) - 1)
        return _slots_of(key, self._run(start, self._first_empty(start)))

    def _first_empty(self, start: int) -> int:
        """The first empty cell at or after ``start``, wrapping (the load limit keeps one)."""
        try:
            return self._cells.index(_EMPTY, start)
        except ValueError:
            return self._cells.index(_EMPTY, 0, start)

    def _first_free(self, start: int) -> int:
        """The first empty or tombstone cell at or after ``start``, wrapping."""
        end = self._first_empty(start)
        cells = self._cells
        try:
            if end >= start:
                return cells.index(_TOMB, start, end)
            try:
                return cells.index(_TOMB, start)
            except ValueError:
                return cells.index(_TOMB, 0, end)
        except ValueError:
            return end

    def _run(self, start: int, end: int) -> array:
        """The cells from ``start`` up to (not including) ``end``, wrapping."""
        cells = self._cells
        return cells[start:end] if end >= start else cells[start:] + cells[:end]

    def remove(self, key: int, slot: int) -> bool:
        cells, size = self._cells, self._size
        wanted = (key << 32) | (slot + 1)
        i = (key * size) >> 32
        while True:
            cell = cells[i]
            if cell == _EMPTY:
                return False
            if cell == wanted:
                cells[i] = _TOMB
                self._live -= 1
                return True
            i += 1
            if i == size:
                i = 0

    def _rebuild(self) -> None:
        """Grow (or just clear tombstones) so that live cells fill ``_TARGET_LOAD`` of it."""
        capacity = max(_MIN_CAPACITY, int((self._live + 1) / _TARGET_LOAD))
        old = self._cells
        self._cells = array("Q", bytes(8 * capacity))
        self._size = capacity
        cells = self._cells
        live = 0
        for cell in old:
            if cell != _EMPTY and cell != _TOMB:
                i = ((cell >> 32) * capacity) >> 32
                while cells[i] != _EMPTY:
                    i += 1
                    if i == capacity:
                        i = 0
                cells[i] = cell
                live += 1
        self._live = self._used = live


def _halves(run: array) -> tuple[array, array]:
    """(upper, lower) 32-bit halves of the cells of ``run``, each as an ``array('I')``."""
    halves = array("I", run.tobytes())
    return (halves[0::2], halves[1::2]) if _BIG_ENDIAN else (halves[1::2], halves[0::2])


def _count_key(key: int, run: array) -> int:
    """Cells of ``run`` whose key is ``key`` (``run`` holds no tombstone: it ends at the first)."""
    return _halves(run)[0].count(key)


def _slots_of(key: int, run: array) -> list[int]:
    """The slots of the live cells of ``run`` holding ``key``, in order."""
    upper, lower = _halves(run)
    found: list[int] = []
    if not upper.count(key):
        return found
    index = upper.index
    i = -1
    try:
        while True:
            i = index(key, i + 1)
            if run[i] != _TOMB:
                found.append(lower[i] - 1)
    except ValueError:
        return found
