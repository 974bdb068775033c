"""The registry of indicator sources: functions other modules register so that an indicator's
value is computed from their records (policy statuses, funding, events, CLM scorecards, index
scores, suppressed case counts), with the lineage of the records that produced it.

The framework depends on no module; each module registers itself:

    from hrmonitor.framework import sources

    @sources.register("policy.countries_with_status", label=_("Countries with a policy status"))
    def countries_with_status(request: sources.SourceRequest) -> sources.SourceResult: ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Model

from hrmonitor.framework.periods import Period

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from hrmonitor.core.models import Country
    from hrmonitor.framework.models import Indicator


@dataclass(frozen=True, order=True)
class LineageRef:
    """One record a value came from: its model label (`framework.DataValue`) and key."""

    label: str
    pk: int

    @classmethod
    def of(cls, record: Model) -> LineageRef:
        return cls(record._meta.label, int(record.pk))


@dataclass(frozen=True)
class SourceResult:
    value: Decimal | None
    lineage: tuple[LineageRef, ...] = ()
    # Why there is no value (a translated sentence), when there is none.
    note: str | Promise = ""


@dataclass(frozen=True)
class SourceRequest:
    indicator: Indicator
    country: Country | None
    period: Period
    params: dict[str, Any] = field(default_factory=dict)
    # One dict per computation (a page, an export): a source may keep the records it loaded
    # here, under a key of its own, to answer the next country or period without a query.
    memo: dict[str, Any] = field(default_factory=dict, compare=False)


SourceFunction = Callable[[SourceRequest], SourceResult]


@dataclass(frozen=True)
class Source:
    key: str
    label: str | Promise
    function: SourceFunction


_REGISTRY: dict[str, Source] = {}


def register(key: str, *, label: str | Promise) -> Callable[[SourceFunction], SourceFunction]:
    def decorator(function: SourceFunction) -> SourceFunction:
        _REGISTRY[key] = Source(key=key, label=label, function=function)
        return function

    return decorator


# --- Lineage of module records -------------------------------------------------------------
# A source's lineage names records of its module (a policy status, an event); the lineage
# page asks the module to describe them, through a function it registers per model label.


@dataclass(frozen=True)
class LineageItem:
    """One module record behind a number, as the lineage page shows it."""

    kind: str | Promise  # what it is ("Event", "Policy status")
    title: str
    detail: str = ""
    url: str = ""


# (user, primary keys) -> the records the user may see, described; one query.
LineageDescriber = Callable[[Any, list[int]], list[LineageItem]]
_DESCRIBERS: dict[str, LineageDescriber] = {}


def register_lineage(label: str) -> Callable[[LineageDescriber], LineageDescriber]:
    """Register how the records of the model `label` ("monitoring.Event") are described."""

    def decorator(function: LineageDescriber) -> LineageDescriber:
        _DESCRIBERS[label] = function
        return function

    return decorator


def describe_lineage(user: Any, refs: Iterable[LineageRef]) -> list[LineageItem]:
    """The module records among `refs` that `user` may see, described (data values are shown
    by the framework itself); one query per kind of record."""
    by_label: dict[str, list[int]] = {}
    for ref in refs:
        by_label.setdefault(ref.label, []).append(ref.pk)
    items: list[LineageItem] = []
    for label, pks in sorted(by_label.items()):
        describer = _DESCRIBERS.get(label)
        if describer is not None:
            items.extend(describer(user, pks))
    return items


def get(key: str) -> Source | None:
    return _REGISTRY.get(key)


def registered() -> list[Source]:
    return sorted(_REGISTRY.values(), key=lambda s: s.key)
