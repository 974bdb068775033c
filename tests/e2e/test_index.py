"""The drug policy index in a real browser: the public ranking of the demo edition."""

from __future__ import annotations

import pytest

from e2e.conftest import serious_violations
from hrmonitor.core.demo import demo_populate

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_public_ranking_shows_scores_with_rank_intervals(
    axe_page,
    language,
    settings,
    tmp_path,
):
    settings.VAR_DIR = tmp_path
    demo_populate()
    axe_page.context.add_cookies(
        [{"name": "hrmonitor_language", "value": language, "url": axe_page.base_url}]
    )
    axe_page.goto(axe_page.base_url + "/index/")
    assert axe_page.locator("html").get_attribute("lang") == language
    rows = axe_page.locator("table tbody tr")
    assert rows.count() >= 10
    # Every ranked country shows its rank interval from the uncertainty analysis.
    assert axe_page.locator("table tbody tr .rank-interval-text").count() == rows.count()
    assert serious_violations(axe_page) == []
