"""A small index to test the Django layer with: two dimensions, one desk-coded indicator and
one expert-survey question, and helpers that fill and publish an edition of it."""

from __future__ import annotations

from typing import Any

import pytest

from factories import country
from hrmonitor.core.models import User
from hrmonitor.index import services
from hrmonitor.index.models import Edition, IndexDefinition

FREQUENCY = [
    {"label_en": "Very common", "label_ru": "Очень часто", "score": 0},
    {"label_en": "Common", "label_ru": "Часто", "score": 1},
    {"label_en": "Occasional", "label_ru": "Иногда", "score": 2},
    {"label_en": "Rare", "label_ru": "Редко", "score": 3},
    {"label_en": "Almost never", "label_ru": "Почти никогда", "score": 4},
]


def small_spec() -> dict[str, Any]:
    return {
        "dimensions": [
            {
                "code": "law",
                "name_en": "Law",
                "name_ru": "Закон",
                "indicators": [
                    {
                        "code": "possession",
                        "name_en": "Possession for personal use",
                        "name_ru": "Хранение для личного употребления",
                        "source": "desk",
                        "normalisation": {"method": "goalposts", "min": 0, "max": 3},
                    }
                ],
            },
            {
                "code": "practice",
                "name_en": "Practice",
                "name_ru": "Практика",
                "indicators": [
                    {
                        "code": "police",
                        "name_en": "Police abuse",
                        "name_ru": "Злоупотребления полиции",
                        "source": "survey",
                        "question": {
                            "text_en": "How often do police abuse people who use drugs?",
                            "text_ru": "Как часто полиция злоупотребляет властью?",
                            "options": FREQUENCY,
                        },
                    }
                ],
            },
        ]
    }


# Per country: the desk value of "possession" and three experts' (option, confidence) answers
# to "police". Armenia's experts disagree: two say "almost never", one "very common".
VALUES: dict[str, tuple[str, list[tuple[int, int]]]] = {
    "GE": ("3", [(3, 4), (3, 5), (4, 3)]),
    "AM": ("1", [(4, 3), (4, 2), (0, 5)]),
    "KZ": ("0", [(1, 4), (1, 4), (2, 3)]),
}
TYPES = ["civil_society", "government", "academia"]


def make_definition(user: User, code: str = "small") -> IndexDefinition:
    return services.definition_create(
        user=user,
        code=code,
        name_en="Small index",
        name_ru="Малый индекс",
        spec_data=small_spec(),
    )


def fill(user: User, edition: Edition, values: dict[str, Any] = VALUES) -> None:
    for iso2, (desk, answers) in values.items():
        services.desk_value_set(
            user=user,
            edition=edition,
            country=country(iso2),
            indicator_code="possession",
            value=desk,
            legal_reference=f"Code of {iso2}, art. 1",
            source="https://example.org/law",
        )
        for respondent_type, answer in zip(TYPES, answers, strict=True):
            services.survey_response_record(
                user=user,
                edition=edition,
                country=country(iso2),
                respondent_type=respondent_type,
                answers={"police": answer},
            )


def make_edition(
    user: User,
    *,
    definition: IndexDefinition | None = None,
    year: int = 2024,
    publish: bool = True,
    values: dict[str, Any] = VALUES,
) -> Edition:
    """An edition of the small index, computed, analysed and (by default) published."""
    definition = definition or make_definition(user)
    edition = services.edition_create(
        user=user,
        definition=definition,
        year=year,
        title_en=f"Small index {year}",
        title_ru=f"Малый индекс {year}",
    )
    fill(user, edition, values)
    services.edition_compute(user=user, edition=edition)
    services.edition_uncertainty_run(edition=edition)
    if publish:
        services.edition_publish(user=user, edition=edition)
    edition.refresh_from_db()
    return edition


@pytest.fixture
def admin(personas):  # type: ignore[no-untyped-def]
    return personas["secretariat_admin"]


@pytest.fixture
def published(admin):  # type: ignore[no-untyped-def]
    return make_edition(admin)


@pytest.fixture
def spec_data():  # type: ignore[no-untyped-def]
    """The small index's spec, fresh for each test (tests may change it)."""
    return small_spec()


@pytest.fixture
def edition_factory():  # type: ignore[no-untyped-def]
    return make_edition


@pytest.fixture
def definition_factory():  # type: ignore[no-untyped-def]
    return make_definition


@pytest.fixture
def fill_edition():  # type: ignore[no-untyped-def]
    return fill
