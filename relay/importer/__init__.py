"""``relay import``: a Telegram Desktop export (``result.json``) into the store.

Both shapes of export are read: one chat (``{"name", "type", "id", "messages"}``) and a full
account export (``{"chats": {"list": [...]}, "left_chats": {"list": [...]}}``). Each channel
or supergroup in it is matched to a configured source by id, or by name (source name or
username); a match is stored under the source's display name and, with ``queue=True``, its
Farsi posts are queued for translation like live ones. Anything else is stored as an
archive-only channel (no jobs). Personal chats, bots and basic groups are left out: they are
not channels, and their ids are not channel ids.

Messages go through the same :func:`relay.store.messages.store_message` as live posts, in
batches of ``batch_size``, one transaction per batch: importing twice adds nothing, and a
file damaged part-way keeps every batch before the damage (see :mod:`relay.importer.scan`).

An export is a snapshot, possibly older than what the watcher already stored, and it flattens
nested formatting. So a post already stored is only changed when the export's version is
newer (a later edit date); otherwise it counts as already present and the stored version
stays, rather than recording a spurious edit.
"""

from __future__ import annotations

from relay.importer.desktop_import import BATCH_SIZE, import_export
from relay.importer.desktop_messages import message_row, message_text, text_from_parts
from relay.importer.report import ChatReport, ExportFormatError, ImportReport
from relay.store.imports import needs_write  # the rule the store's import batch applies

__all__ = [
    "BATCH_SIZE",
    "ChatReport",
    "ExportFormatError",
    "ImportReport",
    "import_export",
    "message_row",
    "message_text",
    "needs_write",
    "text_from_parts",
]
