"""The code lists are data: every entry has its code and both labels, codes are unique, and a
label is never cut at a comma (a YAML flow mapping splits unquoted commas)."""

from __future__ import annotations

import yaml

from hrmonitor.rights import codes


def test_every_entry_has_a_code_and_both_labels():
    data = yaml.safe_load(codes.CODES_FILE.read_text(encoding="utf-8"))
    for name in codes.LISTS:
        found = [entry["code"] for entry in data[name]]
        assert len(found) == len(set(found)), name
        for entry in data[name]:
            assert set(entry) == {"code", "en", "ru"}, entry
    for instrument in data["instruments"]:
        for article in instrument["articles"]:
            assert set(article) == {"number", "en", "ru"}, article


def test_labels_with_commas_stay_whole():
    labels = {c.code: c.ru for c in codes.code_list("key_groups")}
    assert labels["pwud"] == "Люди, употребляющие наркотики"
    article = next(a for a in codes.articles() if a.code == "ICCPR.17")
    assert article.en == "ICCPR art. 17: Privacy, family and home"
