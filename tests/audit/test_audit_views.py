"""Who gets into the audit views and the admin, and that auditors change nothing (issue 14)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from lc.audit import readlog
from lc.audit.models import ReadAccess, VerificationRun
from lc.audit.urls import urlpatterns
from lc.models import User
from tests.portal.conftest import verified_client

pytestmark = pytest.mark.django_db

UNSAFE = ("post", "put", "patch", "delete")


def audit_urls(credit_id: Any) -> list[str]:
    """Every route of lc.audit.urls, read from it (a new route is covered without editing this),
    with a credit of the issuing bank and a verification run of its auditor."""
    run = VerificationRun.objects.create(requested_by=User.objects.get(username="vhb.auditor"),
                                         requested_at=timezone.now())
    args = {"credit_id": credit_id, "run_id": run.pk}
    urls = [reverse(f"audit:{p.name}", kwargs={k: args[k] for k in p.pattern.converters}) for p in urlpatterns]
    assert len(urls) == len(urlpatterns) >= 9
    return urls


def test_password_only_session_gets_no_admin_page(staff: Any) -> None:
    client = Client()
    client.force_login(staff)  # a password, no second factor
    for url in ("/admin/", "/admin/lc/user/", f"/admin/lc/user/{staff.pk}/change/", "/admin/lc/apikey/"):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


def test_verified_staff_sees_the_admin_without_secrets(staff: Any, cast: Any) -> None:
    from lc.integrations.keys import create_api_key

    key, secret = create_api_key(user=cast.users["hhl.treasury"], name="ERP")
    client = verified_client(staff)
    page = client.get(f"/admin/lc/apikey/{key.pk}/change/").content.decode()
    assert key.prefix in page and key.key_hash not in page and secret not in page
    devices = client.get("/admin/otp_totp/totpdevice/")
    keys = list(TOTPDevice.objects.values_list("key", flat=True))
    assert devices.status_code == 200 and keys and not any(k in devices.content.decode() for k in keys)


def test_non_auditors_get_403_or_404_on_every_audit_url(story: Any, staff: Any) -> None:
    story.issued()
    urls = audit_urls(story.credit_id)
    people = [story.cast.users[u] for u in ("vhb.maker", "vhb.checker", "vhb.admin", "ncb.examiner", "hhl.treasury")]
    for user in [*people, staff]:  # platform staff, even a superuser, is no auditor
        client = verified_client(user)
        for url in urls:
            for method in ("get", "post"):
                assert getattr(client, method)(url).status_code in (403, 404), (user.username, method, url)


def test_a_password_only_auditor_is_sent_to_the_second_factor_from_every_audit_url(story: Any) -> None:
    story.issued()
    client = Client()
    client.force_login(story.cast.users["vhb.auditor"])  # a password, no second factor
    for url in audit_urls(story.credit_id):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("portal:otp"), url
    assert not ReadAccess.objects.exists()  # nothing was opened


def test_auditor_cannot_change_anything(story: Any) -> None:
    story.issued()
    client = verified_client(story.cast.users["vhb.auditor"])
    for url in audit_urls(story.credit_id):
        for method in UNSAFE:
            if url == reverse("audit:verify") and method == "post":
                continue  # starting a verification: tested below, it changes no decision
            assert getattr(client, method)(url).status_code == 405, (method, url)
    # And the auditor role grants no action anywhere else (portal, API, admin).
    credit_url = f"/credits/{story.credit_id}/act/advise/"
    assert client.post(credit_url, {"authenticity": "on"}).status_code in (403, 404)
    assert client.post(f"/api/v1/credits/{story.credit_id}/advise/", {}).status_code in (403, 404)
    assert client.get("/admin/").status_code == 302  # not staff


def test_bank_auditor_sees_its_credits_and_the_read_is_logged(story: Any, sequenced: Any) -> None:
    story.issued()
    sequenced()
    client = verified_client(story.cast.users["vhb.auditor"])
    page = client.get(reverse("audit:credit", args=[story.credit_id]))
    assert page.status_code == 200 and b"lc.issued" in page.content
    row = ReadAccess.objects.order_by("-seq").first()
    assert row is not None and row.what == "history" and row.username == "vhb.auditor"
    ledger_page = client.get(reverse("audit:ledger"), {"kind": "lc.issued"}).content.decode()
    assert "lc.issued" in ledger_page and "lc.application_created</span>" not in ledger_page
    stranger = verified_client(story.cast.users["tmb.maker"])
    assert stranger.get(reverse("audit:credit", args=[story.credit_id])).status_code == 403


def test_platform_auditor_sees_every_credit(story: Any, platform_auditor: Any) -> None:
    story.issued()
    client = verified_client(platform_auditor)
    assert client.get(reverse("audit:credit", args=[story.credit_id])).status_code == 200


def test_read_log_is_tamper_evident(cast: Any) -> None:
    from django.db import connection

    for n in range(3):
        readlog.log_read(cast.users["vhb.auditor"], "credit", f"lc:{n}")
    readlog.seal()
    assert readlog.verify_read_log().ok
    with connection.cursor() as cur:
        cur.execute("ALTER TABLE audit_read_access DISABLE TRIGGER ledger_audit_read_access_no_update_delete")
        cur.execute("UPDATE audit_read_access SET target = 'lc:other' WHERE seq = 2")
        cur.execute("ALTER TABLE audit_read_access ENABLE ALWAYS TRIGGER ledger_audit_read_access_no_update_delete")
    check = readlog.verify_read_log()
    assert not check.ok and "row 2" in check.problem


def test_a_bank_auditor_sees_its_own_banks_verifications_only(cast: Any, platform_auditor: Any) -> None:
    from lc.audit import services as config
    from lc.audit.record import Operator
    from lc.models import Role

    other = config.create_user(actor=Operator("test-ops"), username="ncb.auditor", organization=cast.orgs["advising"],
                               roles=[Role.AUDITOR])
    mine = VerificationRun.objects.create(requested_by=cast.users["vhb.auditor"], requested_at=timezone.now())
    theirs = VerificationRun.objects.create(requested_by=other, requested_at=timezone.now())
    client = verified_client(cast.users["vhb.auditor"])
    home = client.get(reverse("audit:home")).content.decode()
    assert reverse("audit:verify-run", args=[mine.pk]) in home and "ncb.auditor" not in home
    assert client.get(reverse("audit:verify-run", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("audit:verify-run", args=[mine.pk])).status_code == 200
    everyone = verified_client(platform_auditor)
    assert everyone.get(reverse("audit:verify-run", args=[theirs.pk])).status_code == 200
    assert "ncb.auditor" in everyone.get(reverse("audit:home")).content.decode()


def test_read_log_refuses_updates_and_deletes_and_a_removed_tail_is_caught(cast: Any) -> None:
    from django.db import DatabaseError, connection, transaction

    for n in range(3):
        readlog.log_read(cast.users["vhb.auditor"], "credit", f"lc:{n}")
    readlog.seal()
    for statement in ("UPDATE audit_read_access SET target = 'lc:other' WHERE seq = 2",
                      "DELETE FROM audit_read_access WHERE seq = 3"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(statement)  # append-only: the trigger refuses, even to the table's owner
    assert ReadAccess.objects.count() == 3 and readlog.verify_read_log().ok
    with connection.cursor() as cur:  # an insider who disables the trigger and drops the last row
        cur.execute("ALTER TABLE audit_read_access DISABLE TRIGGER ledger_audit_read_access_no_update_delete")
        cur.execute("DELETE FROM audit_read_access WHERE seq = 3")
        cur.execute("ALTER TABLE audit_read_access ENABLE ALWAYS TRIGGER ledger_audit_read_access_no_update_delete")
    check = readlog.verify_read_log()
    assert not check.ok and "missing" in check.problem
