"""One ledger entry per configuration change, by a named person, without secrets (issue 14)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import ProtectedError
from django_otp.plugins.otp_totp.models import TOTPDevice

from lc.audit import services as config
from lc.audit.record import Operator
from lc.errors import Forbidden
from lc.integrations import webhooks
from lc.integrations.keys import create_api_key, revoke_api_key
from lc.models import BankClosure, Role, User, WebhookDelivery, WebhookSubscription
from ledger.models import PendingEntry
from tests.api.conftest import api_as  # noqa: F401  (the fixture)
from tests.audit.conftest import only_new_entry

pytestmark = pytest.mark.django_db


def test_creating_a_user_is_one_entry_by_the_administrator_without_the_hash(cast: Any) -> None:
    admin = cast.users["vhb.admin"]
    user, e = only_new_entry(lambda: config.create_user(
        actor=admin, username="vhb.new", organization=cast.orgs["issuing"], roles=[Role.MAKER],
        password="a-long-enough-pass-2026"))
    assert (e.kind, e.actor, e.subject) == ("user.created", admin.ledger_id, f"user:{user.pk}")
    assert e.payload["user"]["username"] == "vhb.new" and e.payload["user"]["roles"] == ["maker"]
    assert e.payload["by"] == "vhb.admin" and user.password not in e.raw and "md5" not in e.raw


def test_changing_roles_records_old_and_new(cast: Any) -> None:
    admin, maker = cast.users["vhb.admin"], cast.users["vhb.maker"]
    _, e = only_new_entry(lambda: config.change_user(actor=admin, user_id=maker.pk,
                                                     changes={"roles": [Role.MAKER, Role.CHECKER]}))
    assert e.kind == "user.changed" and e.actor == admin.ledger_id
    assert e.payload["changed"] == {"roles": [["maker"], ["checker", "maker"]]}


def test_moving_a_user_to_another_organisation_is_for_platform_staff(cast: Any, staff: Any) -> None:
    maker = cast.users["vhb.maker"]
    with pytest.raises(Forbidden):
        config.change_user(actor=cast.users["vhb.admin"], user_id=maker.pk, changes={"organization": cast.orgs["advising"]})
    _, e = only_new_entry(lambda: config.change_user(actor=staff, user_id=maker.pk,
                                                     changes={"organization": cast.orgs["advising"]}))
    assert e.actor == staff.ledger_id and e.actor_org == "org:tradechain"
    assert e.payload["changed"]["organization"] == [cast.orgs["issuing"].ledger_id, cast.orgs["advising"].ledger_id]


def test_deactivating_a_user(cast: Any) -> None:
    admin, maker = cast.users["vhb.admin"], cast.users["vhb.maker"]
    _, e = only_new_entry(lambda: config.set_user_active(actor=admin, user_id=maker.pk, active=False))
    assert e.kind == "user.deactivated" and e.payload["user"]["is_active"] is False


def test_password_reset_is_ledgered_without_the_hash(cast: Any) -> None:
    admin, maker = cast.users["vhb.admin"], cast.users["vhb.maker"]
    user, e = only_new_entry(lambda: config.set_password(actor=admin, user_id=maker.pk, password="Fresh-pass-2026!"))
    assert e.kind == "user.password_set" and e.actor == admin.ledger_id and e.payload["by_self"] is False
    assert user.password not in e.raw and user.password.split("$")[-1] not in e.raw and "Fresh-pass" not in e.raw


def test_organisations_are_created_and_changed_by_platform_staff(cast: Any, staff: Any) -> None:
    org, e = only_new_entry(lambda: config.create_organization(
        actor=staff, name="Kowloon Bank", kind="bank", bic="KWLNHKHH", country="HK", city="Hong Kong"))
    assert e.kind == "org.created" and e.subject == f"org:{org.pk}" and e.payload["organization"]["bic"] == "KWLNHKHH"
    _, e = only_new_entry(lambda: config.change_organization(actor=staff, org_id=org.pk, changes={"bic": "KWLNHKHX"}))
    assert e.kind == "org.changed" and e.payload["changed"] == {"bic": ["KWLNHKHH", "KWLNHKHX"]}
    assert e.subject == f"org:{org.pk}"  # the identity stays when the BIC changes


def test_bank_closures_and_force_majeure_are_ledgered_on_the_bank(cast: Any) -> None:
    admin, bank = cast.users["vhb.admin"], cast.orgs["issuing"]
    day = dt.date(2026, 7, 2)
    closure, e = only_new_entry(lambda: config.add_bank_closure(
        actor=admin, bank_id=bank.pk, day=day, reason="typhoon signal 8", force_majeure=True))
    assert (e.kind, e.subject) == ("org.closure_added", bank.ledger_id)
    assert e.payload["day"] == "2026-07-02" and e.payload["force_majeure"] is True
    _, e = only_new_entry(lambda: config.change_bank_closure(actor=admin, closure_id=closure.pk,
                                                             reason="typhoon", force_majeure=False))
    assert e.kind == "org.closure_changed" and e.payload["before"]["force_majeure"] is True
    _, e = only_new_entry(lambda: config.remove_bank_closure(actor=admin, closure_id=closure.pk))
    assert e.kind == "org.closure_removed" and not BankClosure.objects.filter(pk=closure.pk).exists()
    with pytest.raises(Forbidden):
        config.add_bank_closure(actor=cast.users["ncb.maker"], bank_id=bank.pk, day=day, reason="x")


def test_api_keys_are_ledgered_by_prefix_only(cast: Any) -> None:
    holder = cast.users["hhl.treasury"]
    (key, secret), e = only_new_entry(lambda: create_api_key(user=holder, name="ERP", actor=holder))
    assert e.kind == "apikey.created" and e.actor == holder.ledger_id and e.payload["prefix"] == key.prefix
    assert secret not in e.raw and key.key_hash not in e.raw
    _, e = only_new_entry(lambda: revoke_api_key(key=key, actor=holder))
    assert e.kind == "apikey.revoked" and key.key_hash not in e.raw


def test_webhook_subscriptions_are_ledgered_and_deleting_disables(cast: Any) -> None:
    holder, org = cast.users["hhl.treasury"], cast.orgs["importer"]
    sub, e = only_new_entry(lambda: webhooks.create_subscription(
        actor=holder, organization=org, url="https://erp.example.com/hook", events=[]))
    assert e.kind == "webhook.created" and sub.secret not in e.raw and e.payload["url"] == "https://erp.example.com/hook"
    WebhookDelivery.objects.create(subscription=sub, event_id="evt_1", event_type="credit.issued", payload={})
    _, e = only_new_entry(lambda: webhooks.update_subscription(actor=holder, subscription=sub, events=["credit.issued"]))
    assert e.kind == "webhook.changed" and e.payload["changed"] == {"events": [[], ["credit.issued"]]}
    _, e = only_new_entry(lambda: webhooks.disable_subscription(actor=holder, subscription=sub))
    assert e.kind == "webhook.disabled" and WebhookDelivery.objects.filter(subscription=sub).count() == 1


def test_second_factor_enrolment_and_removal_never_carry_the_key(cast: Any, staff: Any) -> None:
    maker = cast.users["vhb.maker"]
    device = TOTPDevice.objects.create(user=maker, name="phone", confirmed=False)
    _, e = only_new_entry(lambda: config.enrol_device(actor=maker, device_id=device.pk))
    assert e.kind == "otp.device_enrolled" and e.actor == maker.ledger_id and device.key not in e.raw
    _, e = only_new_entry(lambda: config.remove_device(actor=staff, device_id=device.pk))
    assert e.kind == "otp.device_removed" and e.actor == staff.ledger_id and device.key not in e.raw


def test_createsuperuser_and_changepassword_commands_are_ledgered(cast: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Root-pass-2026-long")
    _, e = only_new_entry(lambda: call_command("createsuperuser", username="root2", interactive=False))
    user = User.objects.get(username="root2")
    assert e.kind == "user.created" and e.actor == Operator.current().ledger_id and user.is_superuser
    assert user.password not in e.raw
    monkeypatch.setenv("TRADECHAIN_NEW_PASSWORD", "Another-pass-2026")
    _, e = only_new_entry(lambda: call_command("changepassword", "root2"))
    assert e.kind == "user.password_set" and e.actor.startswith("operator:") and "Another-pass" not in e.raw


def test_deleting_a_webhook_through_the_api_disables_it_once_and_keeps_its_delivery_log(cast: Any, api_as: Any) -> None:  # noqa: F811
    holder = cast.users["hhl.treasury"]
    sub = webhooks.create_subscription(actor=holder, organization=cast.orgs["importer"],
                                       url="https://erp.example.com/hook", events=[])
    WebhookDelivery.objects.create(subscription=sub, event_id="evt_1", event_type="credit.issued", payload={})
    client = api_as("hhl.treasury")
    response, e = only_new_entry(lambda: client.delete(f"/api/v1/webhooks/{sub.pk}/"))
    assert response.status_code == 204
    assert (e.kind, e.actor, e.subject) == ("webhook.disabled", holder.ledger_id, f"webhook:{sub.pk}")
    assert sub.secret not in e.raw and e.payload["active"] is False
    assert WebhookSubscription.objects.get(pk=sub.pk).active is False
    assert WebhookDelivery.objects.filter(subscription=sub).count() == 1
    entries = PendingEntry.objects.filter(kind="webhook.disabled", subject=f"webhook:{sub.pk}")
    assert client.delete(f"/api/v1/webhooks/{sub.pk}/").status_code == 204 and entries.count() == 1  # no change, no entry
    with pytest.raises(ProtectedError):  # nor can code delete it and its log with it
        WebhookSubscription.objects.filter(pk=sub.pk).delete()


def test_facilities_and_rates_are_ledgered_on_the_bank_by_the_credit_officer(cast: Any) -> None:
    from lc.services.facilities import set_facility, set_rate

    officer, bank = cast.users["vhb.credit"], cast.orgs["issuing"]
    facility, e = only_new_entry(lambda: set_facility(actor=officer, applicant=cast.orgs["importer"], currency="USD",
                                                      limit="100000.00", expiry_date=dt.date(2099, 12, 31)))
    assert (e.kind, e.actor, e.actor_org, e.subject) == ("facility.set", officer.ledger_id, bank.ledger_id,
                                                         bank.ledger_id)
    assert e.payload["facility"] == str(facility.id) and e.payload["applicant"] == cast.orgs["importer"].ledger_id
    assert e.payload["limit"] == "100000.00" and e.payload["expiry_date"] == "2099-12-31"
    rate, e = only_new_entry(lambda: set_rate(actor=officer, base="EUR", quote="USD", rate="1.0825"))
    assert (e.kind, e.actor, e.subject) == ("facility.rate_set", officer.ledger_id, bank.ledger_id)
    assert (e.payload["rate"], e.payload["base"], e.payload["quote"]) == (str(rate.id), "EUR", "USD")
    assert e.payload["value"] == "1.0825"


def test_enrolling_a_totp_device_in_the_portal_is_one_entry_by_the_person_without_the_key(cast: Any) -> None:
    from base64 import b32encode

    from django.test import Client
    from django.urls import reverse
    from django_otp.oath import TOTP

    maker = cast.users["ncb.maker"]
    client = Client()
    client.post(reverse("portal:login"), {"username": "ncb.maker", "password": "test-pass-123"})
    client.get(reverse("portal:enrol"))
    device = TOTPDevice.objects.get(user=maker, confirmed=False)
    code = f"{TOTP(bytes.fromhex(device.key)).token():06d}"
    response, e = only_new_entry(lambda: client.post(reverse("portal:enrol"), {"token": code}))
    assert response.status_code == 302
    assert (e.kind, e.actor, e.subject) == ("otp.device_enrolled", maker.ledger_id, maker.ledger_id)
    assert e.payload["type"] == "totp" and TOTPDevice.objects.get(pk=device.pk).confirmed
    assert device.key not in e.raw and b32encode(device.bin_key).decode().rstrip("=") not in e.raw  # as hex or as shown
