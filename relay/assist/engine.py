"""What relay asks of a translation engine, whatever it is (LibreTranslate over HTTP, Argos in
process): a draft of a text from one language into another, or a named failure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class MachineText:
    """A machine translation: the text, the engine and model that made it, and the language
    it went through (``via``) when no direct model exists."""

    text: str
    engine: str
    model: str
    via: str | None = None


class EngineError(Exception):
    """A draft that could not be made. ``kind``: ``timeout``, ``unreachable``, ``http``,
    ``garbage`` (an answer that is not a translation), ``refused`` (the engine cannot do
    this pair or this text: retrying will not help) or ``missing`` (Argos package/model)."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail

    @property
    def retryable(self) -> bool:
        return self.kind in ("timeout", "unreachable", "http")


class Engine(Protocol):
    name: str

    async def translate(self, text: str, source: str, target: str) -> MachineText:
        """Translate ``text`` (raise :class:`EngineError`)."""

    def close(self) -> None:
        """Let go of threads and connections."""
