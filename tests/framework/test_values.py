"""Entering, evidencing, submitting, approving, returning and reopening values — with access."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from factories import country
from hrmonitor.core import access
from hrmonitor.framework import values
from hrmonitor.framework.models import DataValue, Indicator

pytestmark = pytest.mark.django_db


def ind(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def save(user, code="SO3.I2", iso2="GE", period="2019", value="12", key=""):  # type: ignore[no-untyped-def]
    return values.data_value_save(
        user=user,
        indicator=ind(code),
        country=country(iso2) if iso2 else None,
        period=period,
        value=value,
        disaggregation=key,
    )


def test_a_focal_point_saves_a_draft_for_their_country(personas):
    value = save(personas["focal_point_georgia"])
    assert (value.status, value.value, value.period) == (
        DataValue.Status.DRAFT,
        Decimal(12),
        "2019",
    )


def test_a_focal_point_cannot_enter_data_for_another_country(personas):
    with pytest.raises(PermissionDenied):
        save(personas["focal_point_kazakhstan"])


def test_the_armenian_focal_point_can_neither_see_nor_change_georgias_drafts(personas):
    draft = save(personas["focal_point_georgia"])
    armenia = personas["focal_point_armenia"]
    assert not access.data_values_visible_to(armenia).filter(pk=draft.pk).exists()
    with pytest.raises(PermissionDenied):
        save(armenia, value="99")
    draft.refresh_from_db()
    assert draft.value == Decimal(12)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1 234,5", Decimal("1234.5")), ("7", Decimal(7)), ("", None)],
)
def test_numbers_are_read_as_people_type_them(personas, raw, expected):
    assert save(personas["focal_point_georgia"], value=raw).value == expected


def test_yes_and_no_are_understood_in_english_and_russian(personas):
    assert save(personas["focal_point_georgia"], code="SO1.I1", value="да").value == 1
    assert save(personas["focal_point_georgia"], code="SO1.I1", value="No").value == 0


def test_a_value_outside_its_range_is_refused_with_the_rules_message(personas):
    with pytest.raises(ValidationError) as error:
        save(personas["focal_point_georgia"], code="SO1.I1", value="3")
    assert error.value.messages == ["Enter 1 for yes or 0 for no."]
    assert not DataValue.objects.exists()


def test_the_rules_message_is_russian_for_a_russian_user(personas):
    from django.utils import translation

    with translation.override("ru"), pytest.raises(ValidationError) as error:
        save(personas["focal_point_georgia"], code="SO1.I1", value="3")
    assert error.value.messages == ["Введите 1 («да») или 0 («нет»)."]


def test_text_that_is_not_a_number_is_refused(personas):
    with pytest.raises(ValidationError, match="is not a number"):
        save(personas["focal_point_georgia"], value="twelve")


def test_a_bad_period_is_refused_with_help(personas):
    with pytest.raises(ValidationError, match="no such quarter"):
        save(personas["focal_point_georgia"], period="2019Q5")


def test_a_regional_indicator_is_not_entered_for_a_country(personas):
    with pytest.raises(ValidationError, match="regional indicator"):
        save(personas["me_officer"], code="SO4.I4", iso2="GE", value="1000")
    assert save(personas["me_officer"], code="SO4.I4", iso2=None, value="1000").country is None


def test_an_unknown_disaggregation_is_refused(personas):
    with pytest.raises(ValidationError, match="not a disaggregation"):
        save(personas["focal_point_georgia"], key="gender=martian")


def test_submission_checks_that_parts_add_up_and_submits_nothing_otherwise(personas):
    fp = personas["focal_point_georgia"]
    total = save(fp, value="10")
    women = save(fp, value="4", key="gender=women")
    men = save(fp, value="5", key="gender=men")
    trans = save(fp, value="0", key="gender=trans-diverse")
    with pytest.raises(values.DataValueError) as error:
        values.data_values_submit(user=fp, values=[total, women, men, trans])
    assert [p.message for p in error.value.problems] == [
        "Leaders by gender must add up to the total."
    ]
    assert not DataValue.objects.exclude(status=DataValue.Status.DRAFT).exists()

    men = save(fp, value="6", key="gender=men")
    assert values.data_values_submit(user=fp, values=[total, women, men, trans]) == 4
    assert set(DataValue.objects.values_list("status", flat=True)) == {DataValue.Status.SUBMITTED}


def test_evidence_is_required_where_a_rule_says_so(personas):
    fp = personas["focal_point_georgia"]
    value = save(fp, code="SO1.I1", value="1")
    with pytest.raises(values.DataValueError, match="Attach the decree"):
        values.data_values_submit(user=fp, values=[value])
    values.evidence_attach(
        user=fp,
        value=value,
        title="Decree 123",
        file=SimpleUploadedFile("decree.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
    )
    assert values.data_values_submit(user=fp, values=[value]) == 1


def test_submitted_values_are_locked(personas):
    fp = personas["focal_point_georgia"]
    value = save(fp)
    values.data_values_submit(user=fp, values=[value])
    with pytest.raises(ValidationError, match="locked"):
        save(fp, value="13")


def test_the_secretariat_approves_and_an_approved_value_is_locked(personas):
    fp, officer = personas["focal_point_georgia"], personas["me_officer"]
    value = save(fp)
    values.data_values_submit(user=fp, values=[value])
    values.data_value_approve(user=officer, value=value)
    value.refresh_from_db()
    assert (value.status, value.approved_by) == (DataValue.Status.APPROVED, officer)
    with pytest.raises(ValidationError, match="locked"):
        save(fp, value="13")


def test_a_focal_point_cannot_approve(personas):
    fp = personas["focal_point_georgia"]
    value = save(fp)
    values.data_values_submit(user=fp, values=[value])
    with pytest.raises(PermissionDenied):
        values.data_value_approve(user=fp, value=value)


def test_nobody_approves_their_own_numbers(personas):
    officer = personas["me_officer"]
    value = save(officer)
    values.data_values_submit(user=officer, values=[value])
    with pytest.raises(PermissionDenied):
        values.data_value_approve(user=officer, value=value)


def test_a_returned_value_carries_the_reason_and_can_be_corrected(personas):
    fp, officer = personas["focal_point_georgia"], personas["me_officer"]
    value = save(fp)
    values.data_values_submit(user=fp, values=[value])
    with pytest.raises(ValidationError, match="Say why"):
        values.data_value_return(user=officer, value=value, comment=" ")
    values.data_value_return(user=officer, value=value, comment="The 2019 report says 14.")
    value.refresh_from_db()
    assert (value.status, value.review_comment) == (
        DataValue.Status.RETURNED,
        "The 2019 report says 14.",
    )
    corrected = save(fp, value="14")
    assert (corrected.pk, corrected.status) == (value.pk, DataValue.Status.DRAFT)


def test_only_the_administrator_reopens_an_approved_value_and_history_keeps_every_step(personas):
    fp, officer, admin = (
        personas["focal_point_georgia"],
        personas["me_officer"],
        personas["secretariat_admin"],
    )
    value = save(fp)
    values.data_values_submit(user=fp, values=[value])
    values.data_value_approve(user=officer, value=value)
    with pytest.raises(PermissionDenied):
        values.data_value_reopen(user=officer, value=value, comment="typo")
    values.data_value_reopen(user=admin, value=value, comment="Ministry corrected its figure.")
    statuses = list(value.history.order_by("history_date").values_list("status", flat=True))
    assert statuses == ["draft", "submitted", "approved", "returned"]


def test_the_public_sees_only_approved_values_of_public_indicators(personas):
    from django.contrib.auth.models import AnonymousUser

    fp, officer = personas["focal_point_georgia"], personas["me_officer"]
    draft = save(fp, period="2020")
    approved = save(fp, period="2019")
    values.data_values_submit(user=fp, values=[approved])
    values.data_value_approve(user=officer, value=approved)
    visible = set(access.data_values_visible_to(AnonymousUser()).values_list("pk", flat=True))
    assert visible == {approved.pk}
    assert draft.pk not in visible
