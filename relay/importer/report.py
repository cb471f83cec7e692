"""What an import did, per chat, and the one error an operator sees when the file is damaged."""

from __future__ import annotations

from dataclasses import dataclass, field


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


@dataclass(slots=True)
class ChatReport:
    """One chat of the export and what importing it did.

    ``source`` is the configured source it matched (``str(source.ref)``, e.g. ``@vahed``), or
    None when it was stored as an archive-only channel. ``not_imported`` says why a chat was
    left out entirely (a personal chat, a basic group, no id); its counters stay at zero.
    """

    name: str | None
    channel_id: int | None
    chat_type: str | None = None
    source: str | None = None
    queued: bool = False  # the source's queue policy applied: Farsi posts became jobs
    not_imported: str | None = None
    seen: int = 0  # message elements read (every kind, service messages included)
    stored: int = 0  # new rows
    present: int = 0  # already stored, nothing changed
    updated: int = 0  # already stored; the export's newer edit applied (old text kept)
    skipped: int = 0  # service messages (joins, pins, title changes ...)
    invalid: int = 0  # elements that are not usable messages (no id or no date)
    jobs_created: int = 0

    @property
    def imported(self) -> int:
        """Messages now in the store from this chat (new, present or updated)."""
        return self.stored + self.present + self.updated

    def line(self) -> str:
        """One line for the operator: the chat, where it went, and the counts."""
        name = self.name or "(no name)"
        where = f"id {self.channel_id}" if self.channel_id is not None else "no id"
        if self.not_imported:
            return f"{name} ({where}): not imported: {self.not_imported}"
        role = f"source {self.source}" if self.source else "archive only"
        if self.source and not self.queued:
            role += ", not queued"
        parts = [f"{self.seen} read", f"{self.stored} new", f"{self.present} already present",
                 f"{self.updated} updated", f"{self.skipped} service skipped"]
        if self.invalid:
            parts.append(f"{self.invalid} unusable")
        parts.append(_plural(self.jobs_created, "job") + " queued")
        return f"{name} ({where}, {role}): " + ", ".join(parts)


@dataclass(slots=True)
class ImportReport:
    """Everything one ``relay import`` did; ``summary()`` is one line."""

    file: str
    chats: list[ChatReport] = field(default_factory=list)

    def _sum(self, name: str) -> int:
        return sum(getattr(c, name) for c in self.chats)

    @property
    def seen(self) -> int:
        return self._sum("seen")

    @property
    def stored(self) -> int:
        return self._sum("stored")

    @property
    def present(self) -> int:
        return self._sum("present")

    @property
    def updated(self) -> int:
        return self._sum("updated")

    @property
    def skipped(self) -> int:
        return self._sum("skipped")

    @property
    def invalid(self) -> int:
        return self._sum("invalid")

    @property
    def jobs_created(self) -> int:
        return self._sum("jobs_created")

    @property
    def imported(self) -> int:
        return self._sum("imported")

    def summary(self) -> str:
        done = [c for c in self.chats if not c.not_imported]
        left = [c for c in self.chats if c.not_imported]
        text = (
            f"{self.file}: {_plural(len(done), 'chat')}, {_plural(self.seen, 'message')} read: "
            f"{self.stored} new, {self.present} already present, {self.updated} updated, "
            f"{self.skipped} service skipped"
        )
        if self.invalid:
            text += f", {self.invalid} unusable"
        text += f"; {_plural(self.jobs_created, 'job')} queued"
        archive = sum(1 for c in done if not c.source)
        if archive:
            text += f"; {_plural(archive, 'chat')} archive-only"
        if left:
            text += f"; {_plural(len(left), 'chat')} not imported (not channels)"
        return text

    def lines(self) -> list[str]:
        """One line per chat (see :meth:`ChatReport.line`)."""
        return [c.line() for c in self.chats]


class ExportFormatError(Exception):
    """The file is not a usable export, or is damaged; ``str(e)`` is one line.

    For damage found part-way, ``str(e)`` reads ``<file>: line L, column C (byte offset P):
    <what> — N messages imported before the damage are kept``; ``line``, ``column``,
    ``offset`` (bytes from the start of the file), ``problem`` and ``imported`` hold the parts,
    and ``report`` what the import did up to the damage (None if nothing was started).
    """

    def __init__(self, message: str, *, file: str, problem: str, line: int | None = None,
                 column: int | None = None, offset: int | None = None, imported: int = 0,
                 report: ImportReport | None = None) -> None:
        super().__init__(" ".join(message.split()))
        self.file = file
        self.problem = problem
        self.line = line
        self.column = column
        self.offset = offset
        self.imported = imported
        self.report = report

    @classmethod
    def damaged(cls, file: str, where: tuple[int, int, int], problem: str,
                report: ImportReport) -> ExportFormatError:
        line, column, offset = where
        n = report.imported
        kept = (f"{_plural(n, 'message')} imported before the damage "
                f"{'is' if n == 1 else 'are'} kept")
        return cls(f"{file}: line {line}, column {column} (byte offset {offset}): {problem}"
                   f" — {kept}", file=file, problem=problem, line=line, column=column,
                   offset=offset, imported=n, report=report)

    @classmethod
    def not_an_export(cls, file: str, problem: str,
                      where: tuple[int, int, int] | None = None) -> ExportFormatError:
        at = ""
        if where is not None:
            at = f"line {where[0]}, column {where[1]} (byte offset {where[2]}): "
        return cls(f"{file}: {at}not a Telegram Desktop JSON export: {problem}", file=file,
                   problem=problem, line=where[0] if where else None,
                   column=where[1] if where else None, offset=where[2] if where else None)
