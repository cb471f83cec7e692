"""Reading a Telegram Desktop ``result.json`` one message at a time.

The file is read as text once, but never decoded into one object tree: a small cursor walks
the outer objects (the export, ``chats.list``, each chat) key by key, and every value,
including every single message, is decoded on its own with ``json.JSONDecoder.raw_decode``.
So a 200 MB export costs its text plus one message at a time, and a file that is cut short or
damaged still yields every message before the damage, with the exact position of the damage.

:func:`index_export` makes a first pass that only counts (so that the progress bar knows its
total, and the damage is known before anything is written); :func:`iter_messages` then
decodes one chat's messages again, one by one, for the import.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relay.importer.report import ExportFormatError

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_BOM = "\ufeff"
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


class Unreadable:
    """A value valid as JSON that could not be decoded; it counts as an unusable message."""

    __slots__ = ("why",)

    def __init__(self, why: str) -> None:
        self.why = why

    def __repr__(self) -> str:
        return f"an unreadable value ({self.why})"


class Damage(Exception):
    """Where (index into the text) and what is wrong; ``truncated``: the text just ends."""

    def __init__(self, pos: int, problem: str, *, truncated: bool = False) -> None:
        super().__init__(problem)
        self.pos = pos
        self.problem = problem
        self.truncated = truncated


def _truncated(pos: int) -> Damage:
    return Damage(pos, "the file ends in the middle of the export (truncated download or copy?)",
                  truncated=True)


def _show(ch: str) -> str:
    return repr(ch) if ch.isprintable() else f"U+{ord(ch):04X}"


class Cursor:
    """A position in the export's text and the few moves needed to walk its outer objects."""

    __slots__ = ("pos", "text")

    def __init__(self, text: str, pos: int = 0) -> None:
        self.text = text
        self.pos = pos

    def peek(self) -> str:
        """The next character that is not white space ('' at the end of the text)."""
        self.pos = _WS.match(self.text, self.pos).end()  # type: ignore[union-attr]
        return self.text[self.pos:self.pos + 1]

    def take(self, chars: str, what: str) -> str:
        ch = self.peek()
        if not ch:
            raise _truncated(self.pos)
        if ch not in chars:
            raise Damage(self.pos, f"invalid JSON: expected {what}, found {_show(ch)}")
        self.pos += 1
        return ch

    def value(self) -> Any:
        """Decode the one JSON value that starts here; :class:`Unreadable` for valid JSON that
        Python will not decode (nested too deeply, a number of thousands of digits)."""
        if not self.peek():
            raise _truncated(self.pos)
        try:
            value, self.pos = _DECODER.raw_decode(self.text, self.pos)
        except json.JSONDecodeError as exc:
            if exc.msg.startswith("Unterminated string") or exc.pos >= len(self.text):
                raise _truncated(len(self.text)) from None
            raise Damage(exc.pos, f"invalid JSON: {exc.msg[:1].lower()}{exc.msg[1:]}") from None
        except RecursionError:
            self.pos = self._skip()
            return Unreadable("nested too deeply")
        except ValueError:  # int(): "Exceeds the limit (4300 digits) for integer string ..."
            self.pos = self._skip()
            return Unreadable("a number too long")
        return value

    def _skip(self) -> int:
        """The end of the value that starts here, found without decoding it (no recursion):
        strings are jumped over whole, brackets counted. Damage when the text ends first."""
        text, pos, depth = self.text, self.pos, 0
        while pos < len(text):
            ch = text[pos]
            if ch == '"':
                string = _STRING.match(text, pos)
                if string is None:
                    raise _truncated(len(text))
                pos = string.end()
                if depth == 0:
                    return pos
                continue
            if ch in "[{":
                depth += 1
            elif ch in "]}":
                if depth == 0:
                    return pos  # the end of a number, inside its array or object
                depth -= 1
                if depth == 0:
                    return pos + 1
            elif depth == 0 and (ch == "," or ch.isspace()):
                return pos
            pos += 1
        raise _truncated(len(text))

    def members(self) -> Iterator[str]:
        """Walk an object: yield each key; the caller consumes the value before the next."""
        self.take("{", "'{'")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            if self.peek() != '"':
                if not self.peek():
                    raise _truncated(self.pos)
                raise Damage(self.pos, "invalid JSON: expected a key in double quotes, found "
                             f"{_show(self.peek())}")
            key = self.value()
            self.take(":", "':'")
            yield key
            if self.take(",}", "',' or '}'") == "}":
                return

    def elements(self) -> Iterator[None]:
        """Walk an array: yield once per element; the caller consumes it before the next."""
        self.take("[", "'['")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield None
            if self.take(",]", "',' or ']'") == "]":
                return


@dataclass(slots=True)
class ChatEntry:
    """A chat found in the export: its header and where its messages are."""

    name: Any = None
    type: Any = None
    id: Any = None
    messages_pos: int | None = None  # index of the '[' of its "messages"
    count: int = 0  # messages decodable (all of them, or those before the damage)


@dataclass(slots=True)
class Index:
    chats: list[ChatEntry] = field(default_factory=list)
    started: bool = False  # the text starts with a JSON object
    recognized: bool = False  # it has "messages" or "chats": an export
    damage: Damage | None = None


def index_export(text: str) -> Index:
    """Find the chats and count their messages, up to the first damage if there is one."""
    index = Index()
    cursor = Cursor(text)
    try:
        if cursor.peek() == "{":
            index.started = True
        _walk_chat(cursor, index, top=True)
        if cursor.peek():
            raise Damage(cursor.pos, "invalid JSON: more data after the end of the export")
    except Damage as damage:
        index.damage = damage
    return index


def _walk_chat(cursor: Cursor, index: Index, *, top: bool) -> None:
    chat = ChatEntry()
    for key in cursor.members():
        if key == "messages" and chat.messages_pos is None:
            index.recognized = True
            if cursor.peek() != "[":
                cursor.value()  # not an array: no messages (or damage, reported by value())
                continue
            chat.messages_pos = cursor.pos
            index.chats.append(chat)  # now: the damage may come before the end of the object
            for _ in cursor.elements():
                cursor.value()
                chat.count += 1
        elif top and key in ("chats", "left_chats"):
            index.recognized = True
            _walk_chat_list(cursor, index)
        elif key in ("name", "type", "id"):
            setattr(chat, key, cursor.value())
        else:
            cursor.value()


def _walk_chat_list(cursor: Cursor, index: Index) -> None:
    if cursor.peek() != "{":
        cursor.value()
        return
    for key in cursor.members():
        if key != "list" or cursor.peek() != "[":
            cursor.value()
            continue
        for _ in cursor.elements():
            if cursor.peek() == "{":
                _walk_chat(cursor, index, top=False)
            else:
                cursor.value()


def iter_messages(text: str, chat: ChatEntry) -> Iterator[Any]:
    """Decode the chat's ``count`` messages again, one at a time."""
    if chat.messages_pos is None or chat.count == 0:
        return
    cursor = Cursor(text, chat.messages_pos)
    elements = cursor.elements()
    for _ in range(chat.count):
        next(elements)
        yield cursor.value()


# --------------------------------------------------------------------------------------------
# The file


@dataclass(slots=True)
class ExportText:
    """The export as text; ``encoding`` is set when invalid UTF-8 cut it short."""

    file: str
    text: str
    bom: int = 0  # bytes of a UTF-8 byte order mark before the text
    encoding: Damage | None = None

    def where(self, pos: int) -> tuple[int, int, int]:
        """(line, column, byte offset) of a text index; line and column count from 1."""
        pos = max(0, min(pos, len(self.text)))
        line = self.text.count("\n", 0, pos) + 1
        column = pos - self.text.rfind("\n", 0, pos)
        return line, column, self.bom + len(self.text[:pos].encode("utf-8"))

    def pick(self, damage: Damage | None) -> Damage | None:
        """The damage to report: a bad byte explains a text that just stops there."""
        if self.encoding is not None and (damage is None or damage.truncated):
            return self.encoding
        return damage


def resolve_path(path: Path) -> Path:
    """The ``result.json`` to read: the file itself, or inside the export folder given."""
    if path.is_dir() and (path / "result.json").is_file():
        return path / "result.json"
    return path


def read_export(path: Path) -> ExportText:
    """Read the file as UTF-8 text; a bad byte ends the text there (reported as damage)."""
    file = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ExportFormatError(f"{file}: file not found", file=file,
                                problem="file not found") from None
    except IsADirectoryError:
        problem = "is a folder without a result.json (export with format \"Machine-readable JSON\")"
        raise ExportFormatError(f"{file}: {problem}", file=file, problem=problem) from None
    except OSError as exc:
        problem = f"cannot read: {exc.strerror or exc}"
        raise ExportFormatError(f"{file}: {problem}", file=file, problem=problem) from None
    if not data.strip():
        raise ExportFormatError.not_an_export(file, "the file is empty")
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    encoding: Damage | None = None
    try:
        text = data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data[bom:bom + exc.start].decode("utf-8")
        if exc.end < len(data) - bom or exc.reason != "unexpected end of data":
            encoding = Damage(len(text), f"invalid UTF-8 byte 0x{data[bom + exc.start]:02x}"
                              " (not a text file, or damaged)")
        # else: the file stops inside a character: plain truncation, found by the parser
    del data
    return ExportText(file=file, text=text, bom=bom, encoding=encoding)


def check_export(export: ExportText, index: Index) -> Damage | None:
    """Refuse what is not an export at all; return the damage to report after importing."""
    damage = export.pick(index.damage)
    if not index.started:
        problem = damage.problem if damage else "it does not start with '{'"
        if export.text.lstrip().startswith("<"):
            problem = ("this looks like the HTML export; export again with format "
                       "\"Machine-readable JSON\"")
        raise ExportFormatError.not_an_export(export.file, problem,
                                              export.where(damage.pos if damage else 0))
    if not index.recognized and damage is None:
        raise ExportFormatError.not_an_export(
            export.file, "it has neither \"messages\" nor \"chats\" (in Telegram Desktop use "
            "Export chat history with format \"Machine-readable JSON\")")
    return damage
