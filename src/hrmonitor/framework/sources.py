"""The registry of indicator sources: functions other modules register so that an indicator's
value is computed from their records (policy statuses, funding, events, CLM scorecards, index
scores, suppressed case counts), with the lineage of the records that produced it.

The framework depends on no module; each module registers itself:

    from hrmonitor.framework import sources

    @sources.register("policy.countries_with_status", label=_("Countries with a policy status"))
    def countries_with_status(request: sources.SourceRequest) -> sources.SourceResult: ...
"""

from __future__ import annotations

from collections.abc import Callable
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


def get(key: str) -> Source | None:
    return _REGISTRY.get(key)


def registered() -> list[Source]:
    return sorted(_REGISTRY.values(), key=lambda s: s.key)
