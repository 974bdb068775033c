"""Who took part in an event, without Django: the categories of each dimension, the summary
derived from a participant list or from entered counts, and the checks on entered counts.

An event's participants are known in one of two ways. With a participant list, every count is
derived from it (a registration list imported, or people added one by one). Without one, the
organiser enters a total and counts per category; a category left out is unknown, and each
dimension's counts may not add up to more than the total. "Women who use drugs" is the
intersection of two dimensions, so with entered counts it is entered on its own and may not
exceed the women nor the people who use drugs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

GENDERS = ("woman", "man", "other", "not_stated")
ROLES = (
    "community",
    "civil_society",
    "service_provider",
    "government",
    "international",
    "academia",
    "media",
    "other",
)
# Community membership: people who use drugs, and women who use drugs among them.
PWUD, WWUD = "pwud", "wwud"
COMMUNITY = (PWUD, WWUD)
DIMENSIONS = ("gender", "community", "role", "country")


@dataclass(frozen=True)
class Person:
    """One row of a participant list (the fields the counts need)."""

    gender: str
    role: str
    country: str  # ISO code, "" when unknown
    uses_drugs: bool | None


@dataclass(frozen=True)
class Summary:
    """An event's participants: the total and the counts per category of each dimension
    (a category absent from a mapping is unknown, not zero, for entered counts)."""

    source: str  # "list", "counts" or "none"
    total: int | None
    gender: dict[str, int] = field(default_factory=dict)
    community: dict[str, int] = field(default_factory=dict)
    role: dict[str, int] = field(default_factory=dict)
    country: dict[str, int] = field(default_factory=dict)
    # From a list only: the same summary for the participants of each country.
    per_country: dict[str, Summary] = field(default_factory=dict)

    def count(self, dimension: str, category: str) -> int | None:
        found: dict[str, int] = getattr(self, dimension)
        return found.get(category)

    @property
    def women(self) -> int | None:
        return self.gender.get("woman")

    @property
    def people_who_use_drugs(self) -> int | None:
        return self.community.get(PWUD)

    @property
    def women_who_use_drugs(self) -> int | None:
        return self.community.get(WWUD)


NONE = Summary(source="none", total=None)


def from_list(people: Iterable[Person], *, per_country: bool = True) -> Summary:
    """Every count derived from the participant list (and, per country, the same for the
    participants from that country)."""
    people = list(people)
    if not people:
        return NONE
    by_country: dict[str, list[Person]] = {}
    if per_country:
        for person in people:
            if person.country:
                by_country.setdefault(person.country, []).append(person)
    gender = Counter(p.gender for p in people)
    role = Counter(p.role for p in people)
    country = Counter(p.country for p in people if p.country)
    pwud = sum(1 for p in people if p.uses_drugs)
    wwud = sum(1 for p in people if p.uses_drugs and p.gender == "woman")
    return Summary(
        source="list",
        total=len(people),
        gender={g: gender[g] for g in GENDERS if gender[g]},
        community={PWUD: pwud, WWUD: wwud},
        role={r: role[r] for r in ROLES if role[r]},
        country=dict(sorted(country.items())),
        per_country={
            iso: from_list(group, per_country=False) for iso, group in sorted(by_country.items())
        },
    )


def from_counts(total: int | None, counts: Mapping[tuple[str, str], int]) -> Summary:
    """The entered total and counts per (dimension, category)."""
    if total is None and not counts:
        return NONE
    by_dimension: dict[str, dict[str, int]] = {d: {} for d in DIMENSIONS}
    for (dimension, category), count in sorted(counts.items()):
        by_dimension.setdefault(dimension, {})[category] = count
    return Summary(
        source="counts",
        total=total,
        gender=by_dimension["gender"],
        community=by_dimension["community"],
        role=by_dimension["role"],
        country=by_dimension["country"],
    )


@dataclass(frozen=True)
class CountProblem:
    """Entered counts that cannot be true: `code` names the rule, `dimension` the counts."""

    code: str  # "no_total", "over_total", "wwud_over_women", "wwud_over_pwud", "unknown_category"
    dimension: str
    category: str = ""


def check_counts(
    total: int | None, counts: Mapping[tuple[str, str], int], *, countries: Iterable[str] = ()
) -> list[CountProblem]:
    """What is wrong with entered counts (nothing, when they can all be true)."""
    known = {"gender": set(GENDERS), "community": set(COMMUNITY), "role": set(ROLES)}
    known["country"] = set(countries)
    problems = []
    for (dimension, category), _count in counts.items():
        if dimension not in known or category not in known[dimension]:
            problems.append(CountProblem("unknown_category", dimension, category))
    if counts and total is None:
        problems.append(CountProblem("no_total", ""))
        return problems
    for dimension in ("gender", "role", "country"):
        added = sum(c for (d, _cat), c in counts.items() if d == dimension)
        if total is not None and added > total:
            problems.append(CountProblem("over_total", dimension))
    pwud = counts.get(("community", PWUD))
    wwud = counts.get(("community", WWUD))
    women = counts.get(("gender", "woman"))
    if total is not None and pwud is not None and pwud > total:
        problems.append(CountProblem("over_total", "community", PWUD))
    if wwud is not None:
        if women is not None and wwud > women:
            problems.append(CountProblem("wwud_over_women", "community", WWUD))
        if pwud is not None and wwud > pwud:
            problems.append(CountProblem("wwud_over_pwud", "community", WWUD))
        if total is not None and wwud > total:
            problems.append(CountProblem("over_total", "community", WWUD))
    return problems
