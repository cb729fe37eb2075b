"""Money's labels (issue 13) read in Traditional Chinese from the compiled catalogue."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lc import events
from lc.models import Role, UtilisationKind

LABELS: list[Promise] = [
    *(label for _, label in UtilisationKind.choices),  # type: ignore[misc]
    events.FACILITY_SET.label, events.RATE_SET.label, events.FACILITY_OVERRIDDEN.label,
    Role.CREDIT_OFFICER.label,  # type: ignore[list-item]
    _("Availability"), _("Maximum"), _("Reserved"), _("Earmarked (transferred)"), _("Available"),
    _("Facility utilisation"), _("Override the facility limit"),
]


@pytest.mark.parametrize("label", LABELS, ids=lambda label: str(label))
def test_every_money_label_has_its_zh_hant_text(label: Promise) -> None:
    english = str(label)
    with translation.override("zh-hant"):
        chinese = str(label)
    assert chinese != english and not chinese.isascii()
