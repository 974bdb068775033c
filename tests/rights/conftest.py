"""A case of the issue's done-when: a documenter in Kyrgyzstan records the case of a woman on
OAT whose child was taken into care, with consent."""

from __future__ import annotations

import datetime as dt

import pytest

from factories import DOCUMENTING_ORGANISATION, country
from hrmonitor.core.models import Organisation
from hrmonitor.rights import services
from hrmonitor.rights.models import Case

NARRATIVE = (
    "Aigul, 27, on methadone in Osh: social services took her daughter into care after the "
    "clinic told them she is on OAT."
)
CLIENT_CODE = "AIG-1997-OSH"


@pytest.fixture
def kg_case(personas) -> Case:  # type: ignore[no-untyped-def]
    return services.case_create(
        user=personas["case_documenter"],
        country=country("KG"),
        organisation=Organisation.objects.get(name=DOCUMENTING_ORGANISATION),
        channel=Case.Channel.OUTREACH,
        received_on=dt.date(2026, 3, 2),
        consents={"record": True, "refer": True, "statistics": True, "story": False},
        narrative=NARRATIVE,
        incident_date=dt.date(2026, 2, 1),
        incident_precision=Case.Precision.MONTH,
        client_code=CLIENT_CODE,
        gender=Case.Gender.WOMAN,
        age_band=Case.AgeBand.AGE_25_34,
        province="Osh",
        key_groups=["pwud", "on_oat"],
        has_children=True,
        custody=Case.Custody.IN_STATE_CARE,
    )
