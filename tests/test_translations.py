"""Every user-visible string exists in English and Russian."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

import hrmonitor

CATALOGUE = Path(hrmonitor.__file__).parent / "locale" / "ru" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}")


def load():  # type: ignore[no-untyped-def]
    with CATALOGUE.open("rb") as handle:
        return read_po(handle, locale="ru")


def test_the_russian_catalogue_has_no_untranslated_or_fuzzy_entry():
    catalogue = load()
    missing = [
        message.id
        for message in catalogue
        if message.id
        and (
            message.fuzzy
            or not (all(message.string) if isinstance(message.string, tuple) else message.string)
        )
    ]
    assert missing == []
    assert len(catalogue) > 200


def test_russian_plurals_have_three_forms():
    catalogue = load()
    assert catalogue.num_plurals == 3
    for message in catalogue:
        if message.pluralizable and message.id:
            assert len(message.string) == 3, message.id


def test_translations_keep_every_placeholder():
    for message in load():
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        targets = message.string if isinstance(message.string, tuple) else (message.string,)
        for target in targets:
            assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(target)), (
                source
            )
