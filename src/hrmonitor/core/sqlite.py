"""SQLite tweaks for the embedded default database.

SQLite's LIKE folds case for ASCII letters only, so a search for «грузия» would not find
«Грузия» — every `icontains` in the product would fail Russian users. We replace SQLite's
like() with a Unicode-aware one on each new connection. PostgreSQL needs nothing: its UPPER()
and ILIKE already handle Unicode.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=512)
def _like_regex(pattern: str, escape: str | None) -> re.Pattern[str]:
    """Translate an SQL LIKE pattern (% any run, _ one character, optional escape) to a regex."""
    parts: list[str] = []
    chars = iter(pattern)
    for char in chars:
        if escape and char == escape:
            parts.append(re.escape(next(chars, "")))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def unicode_like(pattern: str | None, value: Any, escape: str | None = None) -> bool | None:
    """SQLite calls like(pattern, value[, escape]) for `value LIKE pattern [ESCAPE escape]`."""
    if pattern is None or value is None:
        return None
    return _like_regex(pattern, escape).fullmatch(str(value)) is not None


def install_unicode_like(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("like", 2, unicode_like, deterministic=True)
    raw.create_function("like", 3, unicode_like, deterministic=True)
