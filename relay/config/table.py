"""A typed reader for one TOML table: each value checked, each problem one precise line."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterable
from typing import Any, NoReturn

from relay.config.errors import ConfigError
from relay.config.keys import REQUIRED, Key

#: What a bot token from @BotFather looks like (such a value is never shown in a message).
BOT_TOKEN_RE = re.compile(r"\d+:[A-Za-z0-9_-]+")


def describe(value: Any) -> str:
    """Describe a TOML value for an error message: its TOML type and a short, safe preview."""
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, float):
        return f"float {value}"
    if isinstance(value, str):
        if looks_secret(value):
            return "string (value hidden: it looks like a secret)"
        preview = value if len(value) <= 60 else value[:57] + "..."
        return f"string {preview!r}"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "table"
    return type(value).__name__.replace("datetime", "date-time")


def looks_secret(text: str) -> bool:
    return bool(
        BOT_TOKEN_RE.fullmatch(text)
        and len(text) > 30
        or re.fullmatch(r"[0-9a-fA-F]{32}", text)
        or (len(text) > 100 and " " not in text)
    )


def suggest(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


class Table:
    """One TOML table, its key path, and the keys it may contain."""

    def __init__(self, file: str, path: str, data: Any, allowed: Iterable[str]) -> None:
        self.file = file
        self.path = path
        self.allowed = frozenset(allowed)
        if not isinstance(data, dict):
            self.fail(None, f"expected a table, got {describe(data)}")
        self.data: dict[str, Any] = data
        for key in data:
            if key not in self.allowed:
                self.fail(key, "unknown key" + suggest(key, self.allowed))

    def key_path(self, key: str | None) -> str:
        if not key:
            return self.path
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str | None, problem: str) -> NoReturn:
        raise ConfigError(self.file, self.key_path(key) or None, problem)

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str, default: Any) -> Any:
        if key in self.data:
            return self.data[key]
        if default is REQUIRED:
            self.fail(key, "is required")
        return default

    def integer(
        self, key: str, default: Any = REQUIRED, lo: int | None = None, hi: int | None = None
    ) -> Any:
        value = self.raw(key, default)
        if value is None:  # only a default can be None: TOML has no null
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f"expected an integer, got {describe(value)}")
        self._check_range(key, value, lo, hi)
        return value

    def number(
        self,
        key: str,
        default: Any = REQUIRED,
        lo: float | None = None,
        hi: float | None = None,
        lo_exclusive: bool = False,
    ) -> float:
        value = self.raw(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(key, f"expected a number, got {describe(value)}")
        if not math.isfinite(value):
            self.fail(key, f"must be a finite number, got {value}")
        if lo_exclusive and lo is not None and value <= lo:
            self.fail(key, f"must be greater than {lo:g}, got {value:g}")
        self._check_range(key, value, None if lo_exclusive else lo, hi)
        return float(value)

    def _check_range(self, key: str, value: float, lo: float | None, hi: float | None) -> None:
        if lo is not None and hi is not None:
            if not lo <= value <= hi:
                self.fail(key, f"must be between {lo:g} and {hi:g}, got {value:g}")
        elif lo is not None and value < lo:
            self.fail(key, f"must be at least {lo:g}, got {value:g}")
        elif hi is not None and value > hi:
            self.fail(key, f"must be at most {hi:g}, got {value:g}")

    def boolean(self, key: str, default: Any = REQUIRED) -> bool:
        value = self.raw(key, default)
        if not isinstance(value, bool):
            self.fail(key, f"expected true or false, got {describe(value)}")
        return value

    def text(self, key: str, default: Any = REQUIRED, *, strip: bool = True) -> str:
        value = self.raw(key, default)
        if not isinstance(value, str):
            self.fail(key, f"expected a string, got {describe(value)}")
        if not value.strip():
            self.fail(key, "is empty")
        return value.strip() if strip else value

    def choice(
        self, key: str, default: str, choices: Iterable[str], normalise: Callable[[str], str] = str
    ) -> str:
        options = tuple(choices)
        value = normalise(self.text(key, default))
        if value not in options:
            shown = ", ".join(repr(c) for c in options)
            self.fail(key, f"must be one of {shown}, got {value!r}" + suggest(value, options))
        return value

    def text_list(self, key: str, default: Any = REQUIRED) -> list[str]:
        value = self.raw(key, default)
        if value is default and isinstance(default, tuple):  # a declared default
            value = list(default)
        if not isinstance(value, list):
            self.fail(key, f"expected an array of strings, got {describe(value)}")
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.fail(f"{key}[{i}]", f"expected a string, got {describe(item)}")
        return list(value)

    def table(self, key: str, allowed: Iterable[str]) -> Table:
        return Table(self.file, self.key_path(key), self.data.get(key, {}), allowed)

    def array_of_tables(self, key: str, allowed: Iterable[str]) -> list[Table]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            self.fail(key, f"expected an array of tables ([[{key}]]), got {describe(value)}")
        return [
            Table(self.file, f"{self.key_path(key)}[{i}]", item, allowed)
            for i, item in enumerate(value)
        ]

    def read(self, key: Key) -> Any:
        """The value of a declared key, checked against its declaration (``channel`` keys are
        read by :func:`relay.config.sections.channel`)."""
        name, default = key.name, key.default
        if key.kind == "integer":
            return self.integer(name, default, lo=_int(key.lo), hi=_int(key.hi))
        if key.kind == "number":
            return self.number(name, default, lo=key.lo, hi=key.hi, lo_exclusive=key.lo_exclusive)
        if key.kind == "boolean":
            return self.boolean(name, default)
        if key.kind == "text":
            return self.text(name, default, strip=key.strip)
        if key.kind == "choice":
            return self.choice(name, default, key.choices, normalise=key.normalise or str)
        if key.kind == "text_list":
            return self.text_list(name, default)
        raise TypeError(f"{key.path}: a {key.kind} key has no generic reader")


def _int(bound: float | None) -> int | None:
    return None if bound is None else int(bound)
