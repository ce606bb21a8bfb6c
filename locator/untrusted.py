"""Text from outside (import files, URLs): control-character checks and quoting that never expands input."""
from __future__ import annotations

import re
import reprlib
from datetime import date, time
from typing import Any

CONTROL_RE = re.compile(r"[\x00-\x1f]")  # the C0 controls, NUL included
WHITESPACE_CONTROLS = "\t\n\r"
QUOTE_LIMIT = 60


def control_character(text: str, allowed: str = "") -> str | None:
    """The first C0 control character in `text` that is not in `allowed`, or None."""
    for match in CONTROL_RE.finditer(text):
        if match.group() not in allowed:
            return match.group()
    return None


def describe_control(char: str) -> str:
    """'a control character (U+001B)'; NUL says so."""
    return f"a control character (U+{ord(char):04X}{', NUL' if char == chr(0) else ''})"


def escape_controls(text: str, limit: int = QUOTE_LIMIT) -> str:
    """`text` cut to `limit` characters with control characters written as \\xNN (safe to show)."""
    cut = text[:limit] + ("..." if len(text) > limit else "")
    return CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", cut)


class _BoundedRepr(reprlib.Repr):
    """reprlib with small limits: strings are cut before repr, containers show a few items."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.maxlevel, self.maxdict, self.maxlist, self.maxtuple = 2, 3, 4, 4
        self.maxset = self.maxfrozenset = self.maxdeque = self.maxarray = 4
        self.maxstring = self.maxother = self.maxlong = limit

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 4 * self.maxlong:  # never convert a huge int to decimal
            return f"<int of {x.bit_length()} bits>"
        return super().repr_int(x, level)

    def repr_instance(self, x: Any, level: int) -> str:
        if isinstance(x, (float, bool, type(None), date, time)):
            return repr(x)[: self.maxother]
        return f"<{type(x).__name__}>"  # an arbitrary object's repr may be unbounded


_REPRS: dict[int, _BoundedRepr] = {}


def quote(value: Any, limit: int = QUOTE_LIMIT) -> str:
    """repr(value) for a message, bounded: the work and the result stay small whatever the input."""
    bounded = _REPRS.get(limit) or _REPRS.setdefault(limit, _BoundedRepr(limit))
    text = bounded.repr(value)
    return text if len(text) <= limit + 10 else text[:limit] + "..."
