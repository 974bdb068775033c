"""Synthetic demo data for the drug policy index.

A definition that follows the five dimensions of the Global Drug Policy Index, adapted to the
region, with ten indicators; desk values and expert-survey answers for twelve countries that
are INVENTED (drawn from a seeded random generator); one computed, analysed and published
edition and one draft. Every label says "[DEMO]" and "synthetic": these numbers are not GDPI
scores or any real assessment of a country.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from hrmonitor.core.models import Country, User
from hrmonitor.index import services
from hrmonitor.index.models import Edition

if TYPE_CHECKING:
    from hrmonitor.core.demo import DemoContext

DEMO = "[DEMO]"
SOURCE_NOTE = "[DEMO] synthetic value — not a real legal reference or statistic"
COUNTRIES = ["AL", "AM", "BA", "GE", "KG", "KZ", "MD", "ME", "MK", "RS", "TJ", "UA"]


def _options(*labels: tuple[str, str]) -> list[dict[str, Any]]:
    return [
        {"label_en": en, "label_ru": ru, "score": score} for score, (en, ru) in enumerate(labels)
    ]


FREQUENCY = _options(
    ("Very common", "Очень часто"),
    ("Common", "Часто"),
    ("Occasional", "Иногда"),
    ("Rare", "Редко"),
    ("Almost never", "Почти никогда"),
)
AGREEMENT = _options(
    ("Not at all", "Совсем нет"),
    ("Barely", "Едва ли"),
    ("Partly", "Частично"),
    ("Mostly", "В основном"),
    ("Fully", "Полностью"),
)


def _indicator(code: str, en: str, ru: str, **settings: Any) -> dict[str, Any]:
    return {"code": code, "name_en": en, "name_ru": ru, **settings}


def default_spec() -> dict[str, Any]:
    """The demo definition: GDPI's five dimensions, ten indicators, goalposts on each."""
    return {
        "aggregation": "arithmetic",
        "imputation": "none",
        "min_coverage": 0.65,
        "dimensions": [
            {
                "code": "extreme",
                "name_en": "Absence of extreme responses",
                "name_ru": "Отсутствие крайних мер",
                "indicators": [
                    _indicator(
                        "compulsory",
                        "Compulsory treatment and drug registries in law",
                        "Принудительное лечение и наркологический учёт в законе",
                        direction=-1,
                        normalisation={"method": "goalposts", "min": 0, "max": 3},
                        source="desk",
                        description_en="0 none, 1 registry only, 2 compulsory treatment, 3 both",
                        description_ru="0 нет, 1 только учёт, 2 принудительное лечение, "
                        "3 и то и другое",
                    ),
                    _indicator(
                        "police",
                        "Police abuse of people who use drugs",
                        "Злоупотребления полиции в отношении людей, употребляющих наркотики",
                        source="survey",
                        question={
                            "text_en": "How often do police extort, plant drugs on or use "
                            "violence against people who use drugs?",
                            "text_ru": "Как часто полиция вымогает деньги, подбрасывает "
                            "наркотики или применяет насилие к людям, употребляющим наркотики?",
                            "options": FREQUENCY,
                        },
                    ),
                ],
            },
            {
                "code": "proportionality",
                "name_en": "Proportionality of the criminal justice response",
                "name_ru": "Соразмерность мер уголовного правосудия",
                "indicators": [
                    _indicator(
                        "possession",
                        "Possession for personal use",
                        "Хранение для личного употребления",
                        normalisation={"method": "goalposts", "min": 0, "max": 3},
                        source="desk",
                        description_en="0 prison, 1 criminal without prison, "
                        "2 administrative offence, 3 decriminalised",
                        description_ru="0 лишение свободы, 1 уголовная ответственность без "
                        "лишения свободы, 2 административное правонарушение, 3 декриминализовано",
                    ),
                    _indicator(
                        "diversion",
                        "Diversion at the point of arrest (results framework SO2.I6)",
                        "Перенаправление на этапе задержания (индикатор SO2.I6)",
                        normalisation={"method": "goalposts", "min": 0, "max": 1},
                        source="framework:SO2.I6",
                    ),
                ],
            },
            {
                "code": "health",
                "name_en": "Health and harm reduction",
                "name_ru": "Здоровье и снижение вреда",
                "weight": 1.5,
                "indicators": [
                    _indicator(
                        "ost",
                        "Opioid agonist treatment coverage (% of people who inject drugs)",
                        "Охват опиоидной заместительной терапией (% ЛУИН)",
                        normalisation={"method": "goalposts", "min": 0, "max": 40},
                        source="desk",
                    ),
                    _indicator(
                        "nsp",
                        "Syringes distributed per person who injects drugs a year",
                        "Шприцев на одного ЛУИН в год",
                        normalisation={"method": "goalposts", "min": 0, "max": 300},
                        source="desk",
                    ),
                    _indicator(
                        "access",
                        "Harm reduction services accessible in practice",
                        "Доступность услуг снижения вреда на практике",
                        source="survey",
                        question={
                            "text_en": "Can people who use drugs get harm reduction services "
                            "without barriers (cost, distance, police, registration)?",
                            "text_ru": "Могут ли люди, употребляющие наркотики, получить услуги "
                            "снижения вреда без барьеров (цена, расстояние, полиция, учёт)?",
                            "options": AGREEMENT,
                        },
                    ),
                ],
            },
            {
                "code": "medicines",
                "name_en": "Access to internationally controlled medicines",
                "name_ru": "Доступ к контролируемым лекарственным средствам",
                "indicators": [
                    _indicator(
                        "morphine",
                        "Opioid analgesics (mg morphine equivalent per person)",
                        "Опиоидные анальгетики (мг морфинового эквивалента на человека)",
                        normalisation={"method": "goalposts", "min": 0, "max": 60},
                        source="desk",
                    ),
                ],
            },
            {
                "code": "development",
                "name_en": "Development",
                "name_ru": "Развитие",
                "indicators": [
                    _indicator(
                        "participation",
                        "Communities take part in drug policy making",
                        "Участие сообществ в выработке наркополитики",
                        source="survey",
                        question={
                            "text_en": "Are civil society and communities of people who use "
                            "drugs involved in making drug policy?",
                            "text_ru": "Участвуют ли гражданское общество и сообщества людей, "
                            "употребляющих наркотики, в выработке наркополитики?",
                            "options": AGREEMENT,
                        },
                    ),
                    _indicator(
                        "domestic",
                        "Domestic share of harm reduction funding (%)",
                        "Доля внутреннего финансирования снижения вреда (%)",
                        normalisation={"method": "goalposts", "min": 0, "max": 100},
                        source="desk",
                    ),
                ],
            },
        ],
    }


# Desk indicators: (lowest, highest, decimals) of the invented values.
DESK_RANGES = {
    "compulsory": (0, 3, 0),
    "possession": (0, 3, 0),
    "ost": (0, 40, 1),
    "nsp": (0, 300, 0),
    "morphine": (0, 60, 1),
    "domestic": (0, 100, 0),
}
# (country, question) cells where one synthetic expert disagrees with the others, so that the
# workspace shows the review flags.
DISAGREEMENTS = {("UA", "police"), ("KG", "access")}


def _desk_value(rng: Any, quality: float, code: str, direction: int) -> Decimal:
    low, high, decimals = DESK_RANGES[code]
    share = min(1.0, max(0.0, quality + rng.uniform(-0.2, 0.2)))
    if direction < 0:
        share = 1 - share
    return Decimal(str(round(low + share * (high - low), decimals)))


def _fill(
    ctx: DemoContext,
    user: User,
    edition: Edition,
    quality: dict[str, float],
    countries: list[Country],
) -> None:
    rng = ctx.rng
    spec_data = default_spec()
    directions = {
        i["code"]: i.get("direction", 1) for d in spec_data["dimensions"] for i in d["indicators"]
    }
    for code in DESK_RANGES:
        entries = [
            services.DeskEntry(
                country,
                str(_desk_value(rng, quality[country.iso2], code, directions[code])),
                legal_reference=SOURCE_NOTE,
                source=SOURCE_NOTE,
            )
            for country in countries
        ]
        services.desk_values_save(user=user, edition=edition, indicator_code=code, entries=entries)
    types = ["civil_society", "government", "academia"]
    for country in countries:
        for expert, respondent_type in enumerate(types, start=1):
            answers = {}
            for code in ("police", "access", "participation"):
                score = round(4 * quality[country.iso2] + rng.uniform(-0.7, 0.7))
                if (country.iso2, code) in DISAGREEMENTS:
                    # Two experts at one end of the scale, the third at the other.
                    high = quality[country.iso2] >= 0.5
                    score = [4, 3, 0][expert - 1] if high else [0, 1, 4][expert - 1]
                answers[code] = (min(4, max(0, score)), rng.randint(2, 5))
            services.survey_response_record(
                user=user,
                edition=edition,
                country=country,
                respondent_type=respondent_type,
                respondent_name=f"{DEMO} synthetic expert {expert}",
                answers=answers,
                note=SOURCE_NOTE,
            )


def populate(ctx: DemoContext) -> None:
    officer = User.objects.get(username="demo-me-officer")
    admin = User.objects.get(username="demo-admin")
    definition = services.definition_create(
        user=admin,
        code="gdpi-ceeca-demo",
        name_en=f"{DEMO} Drug policy index for CEECA (synthetic)",
        name_ru=f"{DEMO} Индекс наркополитики для ЦВЕЦА (синтетический)",
        description_en=(
            f"{DEMO} A synthetic example that follows the five dimensions of the Global Drug "
            "Policy Index, adapted to the region. Its values are invented for illustration: "
            "they are not GDPI scores and say nothing about any real country."
        ),
        description_ru=(
            f"{DEMO} Синтетический пример по пяти измерениям Глобального индекса наркополитики, "
            "адаптированным к региону. Значения придуманы для иллюстрации: это не оценки GDPI, "
            "и они ничего не говорят о реальных странах."
        ),
        spec_data=default_spec(),
    )
    countries = list(Country.objects.filter(iso2__in=COUNTRIES).order_by("iso2"))
    quality = {c.iso2: ctx.rng.uniform(0.2, 0.85) for c in countries}

    published = services.edition_create(
        user=admin,
        definition=definition,
        year=2021,
        title_en=f"{DEMO} Drug policy index 2021 (synthetic data)",
        title_ru=f"{DEMO} Индекс наркополитики 2021 (синтетические данные)",
        citation=(
            f"{DEMO} Synthetic demo edition generated by `hrmonitor demo` — not a real index; "
            "do not cite."
        ),
    )
    _fill(ctx, officer, published, quality, countries)
    services.edition_compute(user=admin, edition=published)
    services.edition_uncertainty_run(edition=published)
    services.edition_publish(user=admin, edition=published)

    # Two years on, the synthetic countries drift a little; the draft covers nine of them.
    later = {
        iso2: min(0.95, max(0.05, q + ctx.rng.uniform(-0.1, 0.15))) for iso2, q in quality.items()
    }
    draft = services.edition_create(
        user=admin,
        definition=definition,
        year=2023,
        title_en=f"{DEMO} Drug policy index 2023 (synthetic data, draft)",
        title_ru=f"{DEMO} Индекс наркополитики 2023 (синтетические данные, черновик)",
    )
    _fill(ctx, officer, draft, later, countries[:9])
    services.edition_compute(user=admin, edition=draft)
    ctx.lines.append(
        f"index: 1 demo definition, 1 published edition ({len(countries)} countries, "
        f"published {timezone.localdate():%Y-%m-%d}) and 1 draft"
    )
