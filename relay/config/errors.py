"""The one error type of configuration: :class:`ConfigError`, always one line."""

from __future__ import annotations

import re
from collections.abc import Iterable


def one_line(text: str) -> str:
    """``text`` with every line break (and the spaces around it) turned into one space."""
    return re.sub(r"\s*[\r\n]+\s*", " ", text).strip()


class ConfigError(Exception):
    """A configuration problem; ``str(e)`` is one line: ``<file>: <key path>: <problem>``.

    ``ConfigError(file, key, problem)`` builds that line (``key`` may be ``None`` for
    file-level problems); ``ConfigError(message)`` takes a ready-made line.
    """

    def __init__(self, file: str, key: str | None = None, problem: str | None = None) -> None:
        if problem is None and key is None:
            self.file: str | None = None
            self.key: str | None = None
            self.problem = one_line(file)
            message = self.problem
        else:
            self.file = one_line(file)
            self.key = one_line(key) if key else None
            self.problem = one_line(problem or "invalid")
            message = ": ".join(p for p in (self.file, self.key, self.problem) if p)
        super().__init__(message)

    def redacted(self, secrets: Iterable[str]) -> ConfigError:
        """Return a copy with every occurrence of the given secret values replaced."""
        message = str(self)
        for value in sorted((s for s in secrets if len(s) >= 3), key=len, reverse=True):
            message = message.replace(value, "<redacted>")
        return self if message == str(self) else ConfigError(message)
