"""SlotTable answers exactly as a cell-at-a-time linear probe would (its scans are C-level)."""

from __future__ import annotations

import random

from relay.core import matching_table
from relay.core.matching_table import MAX_PER_KEY, SlotTable

_EMPTY, _TOMB = 0, 0xFFFFFFFFFFFFFFFF


def _probe_get(table: SlotTable, key: int) -> list[int]:
    cells, size = table._cells, table._size
    i = (key * size) >> 32
    found = []
    while cells[i] != _EMPTY:
        if cells[i] != _TOMB and cells[i] >> 32 == key:
            found.append((cells[i] & 0xFFFFFFFF) - 1)
        i = (i + 1) % size
    return found


def _probe_add_cell(table: SlotTable, key: int) -> int | None:
    """Where a cell-at-a-time probe would put ``key`` (None: the key is full)."""
    cells, size = table._cells, table._size
    i = (key * size) >> 32
    same = 0
    while cells[i] not in (_EMPTY, _TOMB):
        if cells[i] >> 32 == key:
            same += 1
            if same >= MAX_PER_KEY:
                return None
        i = (i + 1) % size
    return i


def test_slot_table_matches_a_linear_probe_with_wraparound_tombstones_and_full_keys() -> None:
    rng = random.Random(7)
    table = SlotTable()
    keys = [rng.randrange(1 << 32) for _ in range(40)] + [0xFFFFFFFF, 0xFFFFFFF0]
    stored: list[tuple[int, int]] = []
    for slot in range(3000):
        key = rng.choice(keys)
        if table._used + 1 <= matching_table._MAX_LOAD * table._size:  # no rebuild in between
            expected = _probe_add_cell(table, key)
            added = table.add(key, slot)
            assert added == (expected is not None)
            if added:
                assert table._cells[expected] == (key << 32) | (slot + 1)
        else:
            added = table.add(key, slot)
        if added:
            stored.append((key, slot))
        if stored and rng.random() < 0.3:
            gone = stored.pop(rng.randrange(len(stored)))
            assert table.remove(*gone)
        for probe in rng.sample(keys, 3):
            assert table.get(probe) == _probe_get(table, probe)
    for key in keys:
        assert sorted(table.get(key)) == sorted(s for k, s in stored if k == key)
