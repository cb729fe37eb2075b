"""Each admin action, posted through the admin's pages, is one ledger entry under the signed-in
staff member (issue 14), and the admin shows no secret and edits nothing the ledger keeps."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from axes.models import AccessLog
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from lc.audit import services as config
from lc.integrations import webhooks
from lc.integrations.keys import create_api_key
from lc.models import ApiKey, BankClosure, CreditState, LetterOfCredit, User, WebhookSubscription
from lc.scenarios import Story
from tests.audit.conftest import Recorded, only_new_entry
from tests.portal.conftest import verified_client

pytestmark = pytest.mark.django_db


def action(client: Any, model: str, name: str, pk: Any) -> Any:
    return client.post(f"/admin/{model}/", {"action": name, "_selected_action": [str(pk)]})


def by_staff(e: Recorded, staff: Any, kind: str) -> None:
    assert (e.kind, e.actor, e.actor_org, e.payload["by"]) == (kind, staff.ledger_id, "org:tradechain", staff.username)


def test_changing_a_persons_roles_in_the_admin_is_one_entry_by_the_staff_member(cast: Any, staff: Any) -> None:
    maker = cast.users["vhb.maker"]
    form = {"username": maker.username, "first_name": maker.first_name, "last_name": maker.last_name,
            "email": maker.email, "organization": str(maker.organization_id), "roles": "maker,checker"}
    response, e = only_new_entry(lambda: verified_client(staff).post(f"/admin/lc/user/{maker.pk}/change/", form))
    assert response.status_code == 302, response.content[:600]
    by_staff(e, staff, "user.changed")
    assert e.subject == maker.ledger_id and e.payload["changed"] == {"roles": [["maker"], ["checker", "maker"]]}
    assert User.objects.get(pk=maker.pk).roles == ["checker", "maker"]


def test_deactivating_a_person_in_the_admin_is_one_entry_by_the_staff_member(cast: Any, staff: Any) -> None:
    maker = cast.users["vhb.maker"]
    response, e = only_new_entry(lambda: action(verified_client(staff), "lc/user", "deactivate", maker.pk))
    assert response.status_code == 302
    by_staff(e, staff, "user.deactivated")
    assert not User.objects.get(pk=maker.pk).is_active


def test_a_password_set_in_the_admin_is_one_entry_by_the_staff_member_without_the_hash(cast: Any, staff: Any) -> None:
    maker = cast.users["vhb.maker"]
    password = "Admin-set-pass-2026"
    response, e = only_new_entry(lambda: verified_client(staff).post(
        f"/admin/lc/user/{maker.pk}/password/", {"password1": password, "password2": password}))
    assert response.status_code == 302
    by_staff(e, staff, "user.password_set")
    hashed = User.objects.get(pk=maker.pk).password
    assert password not in e.raw and hashed not in e.raw and hashed.split("$")[-1] not in e.raw


def org_form(bank: Any, closures: list[dict[str, str]], initial: int = 0) -> dict[str, str]:
    form = {"name": bank.name, "kind": bank.kind, "bic": bank.bic, "country": bank.country, "city": bank.city,
            "address": bank.address, "time_zone": bank.time_zone, "closures-TOTAL_FORMS": str(len(closures)),
            "closures-INITIAL_FORMS": str(initial), "working_days-TOTAL_FORMS": "0",
            "working_days-INITIAL_FORMS": "0"}
    for n, row in enumerate(closures):
        form.update({f"closures-{n}-{k}": v for k, v in row.items()})
    return form


def test_a_closure_entered_in_the_admin_is_one_entry_by_the_staff_member(cast: Any, staff: Any) -> None:
    bank = cast.orgs["issuing"]
    form = org_form(bank, [{"day": "2026-07-02", "reason": "typhoon signal 8", "force_majeure": "on"}])
    response, e = only_new_entry(lambda: verified_client(staff).post(f"/admin/lc/organization/{bank.pk}/change/", form))
    assert response.status_code == 302, response.content[:600]
    by_staff(e, staff, "org.closure_added")
    assert (e.subject, e.payload["day"], e.payload["force_majeure"]) == (bank.ledger_id, "2026-07-02", True)


def test_moving_a_closure_to_another_day_in_the_admin_is_recorded_not_dropped(cast: Any, staff: Any) -> None:
    """change_bank_closure keeps the day, so the admin used to save nothing for a new day and say
    it had: now the new day is added and the old one removed, each an entry by the staff member."""
    bank = cast.orgs["issuing"]
    closure = config.add_bank_closure(actor=staff, bank_id=bank.pk, day=dt.date(2026, 7, 2), reason="typhoon")
    form = org_form(bank, [{"id": str(closure.pk), "bank": str(bank.pk), "day": "2026-07-03", "reason": "typhoon"}],
                    initial=1)
    before = set(e.id for e in _entries())
    response = verified_client(staff).post(f"/admin/lc/organization/{bank.pk}/change/", form)
    assert response.status_code == 302, response.content[:600]
    new = [e for e in _entries() if e.id not in before]
    assert [(e.kind, e.actor) for e in new] == [("org.closure_added", staff.ledger_id),
                                                 ("org.closure_removed", staff.ledger_id)]
    assert list(BankClosure.objects.filter(bank=bank).values_list("day", flat=True)) == [dt.date(2026, 7, 3)]


def _entries() -> list[Any]:
    from ledger.models import PendingEntry

    return list(PendingEntry.objects.order_by("id"))


def test_revoking_an_api_key_in_the_admin_is_one_entry_by_the_staff_member(cast: Any, staff: Any) -> None:
    key, secret = create_api_key(user=cast.users["hhl.treasury"], name="ERP")
    client = verified_client(staff)
    response, e = only_new_entry(lambda: action(client, "lc/apikey", "revoke", key.pk))
    assert response.status_code == 302
    by_staff(e, staff, "apikey.revoked")
    assert e.payload["prefix"] == key.prefix and secret not in e.raw and key.key_hash not in e.raw
    # revoked_at is not a form field: the change page refuses a post that would clear it.
    assert client.post(f"/admin/lc/apikey/{key.pk}/change/", {"revoked_at": ""}).status_code == 403
    assert ApiKey.objects.get(pk=key.pk).revoked_at is not None


def test_disabling_a_webhook_in_the_admin_is_one_entry_and_keeps_it(cast: Any, staff: Any) -> None:
    sub = webhooks.create_subscription(actor=cast.users["hhl.treasury"], organization=cast.orgs["importer"],
                                       url="https://erp.example.com/hook", events=[])
    client = verified_client(staff)
    response, e = only_new_entry(lambda: action(client, "lc/webhooksubscription", "disable", sub.pk))
    assert response.status_code == 302
    by_staff(e, staff, "webhook.disabled")
    assert sub.secret not in e.raw and WebhookSubscription.objects.get(pk=sub.pk).active is False
    page = client.get(f"/admin/lc/webhooksubscription/{sub.pk}/change/").content.decode()
    assert sub.url in page and sub.secret not in page
    assert client.post(f"/admin/lc/webhooksubscription/{sub.pk}/delete/", {"post": "yes"}).status_code == 403


def test_removing_a_second_factor_in_the_admin_is_one_entry_without_the_key(cast: Any, staff: Any) -> None:
    maker = cast.users["vhb.maker"]
    device = TOTPDevice.objects.create(user=maker, name="phone", confirmed=True)
    client = verified_client(staff)
    for url in ("/admin/otp_totp/totpdevice/", f"/admin/otp_totp/totpdevice/{device.pk}/change/"):
        page = client.get(url)
        assert page.status_code == 200 and device.key not in page.content.decode(), url
    response, e = only_new_entry(lambda: action(client, "otp_totp/totpdevice", "remove", device.pk))
    assert response.status_code == 302
    by_staff(e, staff, "otp.device_removed")
    assert e.payload["user"] == maker.ledger_id and device.key not in e.raw
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


def test_the_admins_expiry_action_names_the_staff_member_not_the_timer(cast: Any, staff: Any) -> None:
    story = Story(cast, dt.datetime(2025, 3, 10, 10, tzinfo=timezone.get_default_timezone()))
    story.issued()
    response, e = only_new_entry(lambda: action(verified_client(staff), "lc/letterofcredit", "run_expiry_check",
                                                story.credit_id))
    assert response.status_code == 302
    assert (e.kind, e.actor, e.actor_org) == ("lc.expired", staff.ledger_id, "org:tradechain")
    assert e.subject == f"lc:{story.credit_id}" and e.payload["calendar"]["bank"]
    assert LetterOfCredit.objects.get(pk=story.credit_id).state == CreditState.EXPIRED


def test_sign_in_logs_are_shown_but_never_edited_or_deleted_in_the_admin(cast: Any, staff: Any) -> None:
    log = AccessLog.objects.create(username="vhb.maker", ip_address="10.0.0.1", user_agent="test",
                                   path_info="/login/", attempt_time=timezone.now())
    client = verified_client(staff)
    assert client.get("/admin/axes/accesslog/").status_code == 200
    assert client.post("/admin/axes/accesslog/", {"action": "delete_selected", "_selected_action": [str(log.pk)],
                                                 "post": "yes"}).status_code in (200, 302)
    assert client.post(f"/admin/axes/accesslog/{log.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post("/admin/axes/accessfailurelog/add/", {}).status_code == 403
    assert AccessLog.objects.filter(pk=log.pk).exists()



def test_adding_a_person_in_the_admin_is_one_entry_by_the_staff_member_without_the_hash(staff: Any) -> None:
    password = "Admin-added-pass-2026"
    form = {"username": "platform.new", "password1": password, "password2": password, "usable_password": "true"}
    response, e = only_new_entry(lambda: verified_client(staff).post("/admin/lc/user/add/", form))
    assert response.status_code == 302, response.content[:600]
    user = User.objects.get(username="platform.new")
    by_staff(e, staff, "user.created")
    assert e.subject == user.ledger_id and e.payload["password_set"] is True and user.check_password(password)
    assert password not in e.raw and user.password not in e.raw and user.password.split("$")[-1] not in e.raw


def test_adding_an_organisation_in_the_admin_is_one_entry_by_the_staff_member(staff: Any) -> None:
    form = {"name": "Kowloon Bank", "kind": "bank", "bic": "KWLNHKHH", "country": "HK", "city": "Hong Kong",
            "address": "", "time_zone": "", "closures-TOTAL_FORMS": "0", "closures-INITIAL_FORMS": "0",
            "working_days-TOTAL_FORMS": "0", "working_days-INITIAL_FORMS": "0"}
    response, e = only_new_entry(lambda: verified_client(staff).post("/admin/lc/organization/add/", form))
    assert response.status_code == 302, response.content[:600]
    by_staff(e, staff, "org.created")
    assert e.payload["organization"]["bic"] == "KWLNHKHH"
