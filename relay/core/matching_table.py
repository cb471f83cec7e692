"""A compact multimap from 32-bit keys to slot numbers, for the statement index.

One open-addressing table in an ``array('Q')`` holds every LSH band key of every stored
statement (an exact-copy key instead for short ones): one 8-byte cell each,
``key << 32 | slot + 1``, linear probing, tombstones on removal, rebuilt when too full. The
capacity need not be a power of two (a key's home cell is ``key * capacity >> 32``), so the table
grows by 1.6x, not 2x. A dict of Python ints would cost ~100 bytes an entry: at 100,000
statements with ten keys each, ~100 MB against this table's 10-16 MB (load 0.5 to 0.8).
"""

from __future__ import annotations

from array import array

__all__ = ["MAX_PER_KEY", "SlotTable"]

_EMPTY = 0
_TOMB = 0xFFFFFFFFFFFFFFFF
_MASK32 = 0xFFFFFFFF
_MAX_LOAD = 0.8  # cells used (live or tombstone) before a rebuild
_TARGET_LOAD = 0.5  # live cells after a rebuild
_MIN_CAPACITY = 1024
MAX_PER_KEY = 48


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
        cells, size = self._cells, self._size
        i = (key * size) >> 32
        same = 0
        while True:
            cell = cells[i]
            if cell in (_EMPTY, _TOMB):
                if cell == _EMPTY:
                    self._used += 1
                cells[i] = (key << 32) | (slot + 1)
                self._live += 1
                return True
            if cell >> 32 == key:
                same += 1
                if same >= MAX_PER_KEY:
                    return False
            i += 1
            if i == size:
                i = 0

    def get(self, key: int) -> list[int]:
        """Every slot stored under ``key`` (false hits impossible: the whole key is compared)."""
        cells, size = self._cells, self._size
        i = (key * size) >> 32
        found: list[int] = []
        while True:
            cell = cells[i]
            if cell == _EMPTY:
                return found
            if cell != _TOMB and cell >> 32 == key:
                found.append((cell & _MASK32) - 1)
            i += 1
            if i == size:
                i = 0

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
