"""Unicode-aware LIKE on SQLite: Russian users must find «Грузия» by typing «грузия»."""

from __future__ import annotations

import pytest

from hrmonitor.core.models import Country
from hrmonitor.core.sqlite import unicode_like


@pytest.mark.parametrize(
    ("pattern", "value", "escape", "expected"),
    [
        ("%грузия%", "Грузия", None, True),
        ("%ГРУЗ%", "грузия", None, True),
        ("гру_ия", "Грузия", None, True),
        ("%50\\%%", "rate 50% met", "\\", True),
        ("%50\\%%", "rate 500 met", "\\", False),
        ("a\\_b", "axb", "\\", False),
        ("abc", None, None, None),
    ],
)
def test_like_follows_sql_semantics_and_folds_unicode_case(pattern, value, escape, expected):
    assert unicode_like(pattern, value, escape) is expected


@pytest.mark.django_db
def test_icontains_finds_cyrillic_names_whatever_their_case():
    assert list(
        Country.objects.filter(name_ru__icontains="грузия").values_list("iso2", flat=True)
    ) == ["GE"]
