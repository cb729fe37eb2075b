"""Passwords of at least 12 characters (ASVS 2.1.1, issue 17), for every new or changed
password: the ledgered services, the admin's password change and the demo's own password."""

from __future__ import annotations

from typing import Any

import pytest

from lc.audit import services as config
from lc.audit.record import Operator
from lc.demo import DEMO_PASSWORD
from lc.errors import InvalidInput
from lc.models import Role, User
from tests.portal.conftest import verified_client

pytestmark = pytest.mark.django_db

ELEVEN = "Kq7#vLp2!xZ"  # not common, unlike the username, 11 characters
TWELVE = ELEVEN + "m"


def test_an_eleven_character_password_is_refused_by_the_service_with_a_clear_message(cast: Any) -> None:
    assert len(ELEVEN) == 11
    admin, maker = cast.users["vhb.admin"], cast.users["vhb.maker"]
    with pytest.raises(InvalidInput) as refused:
        config.set_password(actor=admin, user_id=maker.pk, password=ELEVEN)
    assert "at least 12 characters" in str(refused.value)
    assert refused.value.errors[0]["field"] == "password"
    maker.refresh_from_db()
    assert not maker.check_password(ELEVEN)
    config.set_password(actor=admin, user_id=maker.pk, password=TWELVE)
    maker.refresh_from_db()
    assert maker.check_password(TWELVE)


def test_a_new_person_needs_twelve_characters_too(cast: Any) -> None:
    with pytest.raises(InvalidInput, match="at least 12 characters"):
        config.create_user(actor=cast.users["vhb.admin"], username="vhb.short", organization=cast.orgs["issuing"],
                           roles=[Role.MAKER], password=ELEVEN)
    assert not User.objects.filter(username="vhb.short").exists()


def test_the_admins_password_change_refuses_eleven_characters(cast: Any) -> None:
    staff = config.create_user(actor=Operator("test-ops"), username="platform.ops", organization=None, roles=[],
                               password="ops-pass-2026-long", is_staff=True, is_superuser=True)
    maker = cast.users["vhb.maker"]
    client = verified_client(staff)
    url = f"/admin/lc/user/{maker.pk}/password/"
    page = client.post(url, {"password1": ELEVEN, "password2": ELEVEN})
    assert page.status_code == 200 and "at least 12 characters" in page.content.decode()
    maker.refresh_from_db()
    assert not maker.check_password(ELEVEN)
    done = client.post(url, {"password1": TWELVE, "password2": TWELVE})
    assert done.status_code == 302
    maker.refresh_from_db()
    assert maker.check_password(TWELVE)


def test_the_demo_password_complies() -> None:
    from django.contrib.auth.password_validation import validate_password

    validate_password(DEMO_PASSWORD)  # raises if the demo's printed password were refused
