"""Disaggregation keys, and checks that the parts of a value add up to its total.

A data value is either the total, with the empty key ``""``, or the value of one combination
of disaggregation options, such as women aged 15–24. Its key names one option per category,
written ``category=option`` and joined by ``;``, with the categories sorted by code (in plain
character order): ``age=15-24;gender=f``. Category and option codes are made of lower-case
letters, digits, ``_`` and ``-``.

Totals (``check_totals``), for indicators whose parts add up, such as counts of people:
for each category, the values of the keys with that category alone (``gender=f``,
``gender=m``, …; not the combinations with other categories) must add up exactly to the
total once every option of the category has a value. A category with some options still
without a value is not compared; it is reported as incomplete only when completeness is
required. Nothing is checked when the total itself has no value.

Error codes (``DisaggregationError.code``):

- ``invalid_code`` — a category or option code that is not made of ``a-z 0-9 _ -`` (``code``);
- ``invalid_key`` — a key not written as above: a part without ``=``, an invalid code, a
  category twice, or categories out of order (``key``);
- ``unknown_category`` — a category that has no list of options (``category``);
- ``unknown_option`` — an option that is not among its category's options (``category``,
  ``option``);
- ``invalid_value`` — a value that is not a finite number (``key``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal

TOTAL_KEY = ""

_CODE = re.compile(r"[a-z0-9_-]+")
_PART = re.compile(r"([a-z0-9_-]+)=([a-z0-9_-]+)")
# Sums of any number of values, exact: the precision is only a limit, never reached in use.
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)


class DisaggregationError(ValueError):
    """A key, code or value that cannot be used; `code` and `params` identify the problem so
    that the web layer can show a translated message."""

    def __init__(self, code: str, message: str, params: Mapping[str, object] | None = None):
        super().__init__(message)
        self.code = code
        self.params: dict[str, object] = dict(params or {})

    def __reduce__(self) -> tuple[type[DisaggregationError], tuple[str, str, dict[str, object]]]:
        # The default reduce passes only the message back to __init__, which needs the code.
        return (type(self), (self.code, str(self), self.params))


def _check_code(code: str) -> None:
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise DisaggregationError(
            "invalid_code",
            f"{code!r} is not a code: use lower-case letters, digits, '_' and '-'",
            {"code": code},
        )


def canonical_key(options: Mapping[str, str]) -> str:
    """The key of a combination of options, given as category → option; the empty mapping
    gives the total's key ``""``."""
    for category, option in options.items():
        _check_code(category)
        _check_code(option)
    return ";".join(f"{category}={options[category]}" for category in sorted(options))


def _invalid_key(key: str) -> DisaggregationError:
    return DisaggregationError(
        "invalid_key",
        f"{key!r} is not a disaggregation key such as 'age=15-24;gender=f'",
        {"key": key},
    )


def parse_key(key: str) -> dict[str, str]:
    """The options of a key, as category → option; ``""`` (the total) gives ``{}``. Only
    canonical keys are accepted: see `normalise_key` for keys typed by people."""
    if not isinstance(key, str):
        raise _invalid_key(repr(key))
    if key == TOTAL_KEY:
        return {}
    options: dict[str, str] = {}
    previous = ""
    for part in key.split(";"):
        match = _PART.fullmatch(part)
        # Strictly increasing categories: sorted, and none twice.
        if not match or match[1] <= previous:
            raise _invalid_key(key)
        previous = match[1]
        options[match[1]] = match[2]
    return options


def normalise_key(text: str) -> str:
    """The canonical key for a key written with categories in any order and spaces around
    ``;`` and ``=`` (``gender = f; age=15-24`` gives ``age=15-24;gender=f``)."""
    if not isinstance(text, str):
        raise _invalid_key(repr(text))
    if not text.strip():
        return TOTAL_KEY
    options: dict[str, str] = {}
    for part in text.split(";"):
        category, equals, option = (piece.strip() for piece in part.partition("="))
        if not equals or category in options:
            raise _invalid_key(text)
        try:
            _check_code(category)
            _check_code(option)
        except DisaggregationError:
            raise _invalid_key(text) from None
        options[category] = option
    return canonical_key(options)


@dataclass(frozen=True)
class TotalMismatch:
    """A category whose parts do not add up to the total: `parts_sum` is the sum of the
    parts that have a value, `missing_options` (in the order of the category's options) those
    still without one. With no missing option the parts are complete and their sum differs
    from the total; otherwise the category is incomplete."""

    category: str
    total: Decimal
    parts_sum: Decimal
    missing_options: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.missing_options

    @property
    def difference(self) -> Decimal:
        """Sum of the parts minus the total."""
        return _EXACT.subtract(self.parts_sum, self.total)


def _check_finite(key: str, value: Decimal | None) -> None:
    if value is not None and not (isinstance(value, Decimal) and value.is_finite()):
        raise DisaggregationError(
            "invalid_value", f"The value of {key!r} is not a finite number", {"key": key}
        )


def check_totals(
    total: Decimal | None,
    parts: Mapping[str, Decimal | None],
    categories: Sequence[str] | None = None,
    *,
    expected_options: Mapping[str, Sequence[str]],
    require_complete: bool = False,
) -> list[TotalMismatch]:
    """The categories whose parts do not add up to `total` (see the module documentation).

    `parts` maps keys to values (None for no value); keys with several categories, and the
    total's key, are not used. `expected_options` gives each category's option codes, and
    `categories` the categories to check (all those of `expected_options` when None). With
    `require_complete`, a category with options still without a value is reported too.
    The comparison is exact: 10.0 equals 10, and 9.999 does not.
    """
    _check_finite(TOTAL_KEY, total)
    # dict.fromkeys: a category listed twice is still checked once.
    checked = list(dict.fromkeys(expected_options if categories is None else categories))
    for category in checked:
        if category not in expected_options:
            raise DisaggregationError(
                "unknown_category",
                f"Category {category!r} has no list of options",
                {"category": category},
            )
    by_category: dict[str, dict[str, Decimal]] = {category: {} for category in checked}
    for key, value in parts.items():
        options = parse_key(key)
        _check_finite(key, value)
        if len(options) != 1:
            continue
        [(category, option)] = options.items()
        if category not in by_category:
            continue
        if option not in expected_options[category]:
            raise DisaggregationError(
                "unknown_option",
                f"{option!r} is not an option of {category!r}",
                {"category": category, "option": option},
            )
        if value is not None:
            by_category[category][option] = value
    if total is None:
        return []
    mismatches = []
    for category in checked:
        if not expected_options[category]:
            continue
        values = by_category[category]
        parts_sum = Decimal(0)
        for value in values.values():
            parts_sum = _EXACT.add(parts_sum, value)
        missing = tuple(o for o in expected_options[category] if o not in values)
        if (missing and require_complete) or (not missing and parts_sum != total):
            mismatches.append(TotalMismatch(category, total, parts_sum, missing))
    return mismatches
