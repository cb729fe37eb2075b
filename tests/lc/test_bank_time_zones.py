"""Each bank's own time zone (issue 20): a banking day is a day the bank is open at its own place
(UCP 600 art. 2), so the day of presentation, the timers' "today" and the actor's "today" are taken
in the zone of the bank whose calendar applies, never in the platform's (settings.TIME_ZONE).

The presentation and timer tests run under several platform zones: each case falls on the other
side of midnight in at least one of them, so a business date taken in the platform's zone fails."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from lc import events, services
from lc.audit import services as config
from lc.audit.record import Operator
from lc.banking import examination_deadline
from lc.errors import Forbidden, InvalidInput, NotAllowed
from lc.models import Organization
from lc.models.parties import validate_time_zone
from lc.scenarios import EXAMPLE_ISSUE, Story, example_documents, example_start, weeks_between
from lc.services.common import calendar_for, years_around
from lc.services.credits import last_day_for_presentation
from lc.time_zones import PRINCIPAL_ZONES, country_zones, default_time_zone, parse_zone_tab
from ledger.models import PendingEntry

PLATFORM_ZONES = ["Asia/Hong_Kong", "Europe/London", "Pacific/Auckland"]
ZONES = {"issuing": "Asia/Hong_Kong", "advising": "Asia/Shanghai", "confirming": "Asia/Singapore",
         "stranger_bank": "Europe/London"}
THURSDAY, FRIDAY, SATURDAY = dt.date(2026, 6, 25), dt.date(2026, 6, 26), dt.date(2026, 6, 27)


# -- The default zone: one pure function over the tz database's country table.

@pytest.mark.parametrize(("country", "city", "zone"), [
    ("HK", "Hong Kong", "Asia/Hong_Kong"), ("CN", "Ningbo", "Asia/Shanghai"), ("CN", "", "Asia/Shanghai"),
    ("SG", "Singapore", "Asia/Singapore"), ("GB", "London", "Europe/London"), ("DE", "Cologne", "Europe/Berlin"),
    ("US", "", "America/New_York"), ("US", "New York", "America/New_York"), ("AU", "", "Australia/Sydney"),
    ("CA", "Montreal", "America/Toronto"), ("RU", "", "Europe/Moscow"), ("BR", "", "America/Sao_Paulo"),
    ("ES", "Madrid", "Europe/Madrid"), ("us", "", "America/New_York"),
    # A city that names one of its country's zones is that zone (the place of the bank, art. 2).
    ("US", "Chicago", "America/Chicago"), ("US", "los angeles", "America/Los_Angeles"), ("CN", "Urumqi", "Asia/Urumqi"),
    ("BV", "", ""),  # Bouvet Island: a country with no zone of its own in zone.tab
])
def test_an_organisations_default_zone_is_its_citys_or_its_capitals(country: str, city: str, zone: str) -> None:
    assert default_time_zone(country, city) == zone


def test_the_principal_zones_are_zones_of_their_countries_and_the_first_row_is_not() -> None:
    table = country_zones()
    for country, zone in PRINCIPAL_ZONES.items():
        assert zone in table[country] and table[country][0] != zone, country


def test_zone_tab_rows_are_read_in_order_and_comments_skipped() -> None:
    rows = ["# comment", "XX\t+0000+00000\tEtc/One\tfirst", "XX\t+0000+00000\tEtc/Two", "", "YY\t+0\tEtc/Three\n"]
    table = parse_zone_tab(rows)
    assert table == {"XX": ["Etc/One", "Etc/Two"], "YY": ["Etc/Three"]}
    assert default_time_zone("XX", table=table) == "Etc/One" and default_time_zone("XX", "two", table) == "Etc/Two"


def test_the_migrations_frozen_rule_agrees_with_the_app_for_every_country() -> None:
    import importlib

    migration = importlib.import_module("lc.migrations.0019_bank_time_zone")
    assert migration.PRINCIPAL_ZONES == PRINCIPAL_ZONES
    table = migration.country_zones()
    assert table == country_zones()
    for country, zones in table.items():
        for city in ("", zones[-1].rsplit("/", 1)[-1].replace("_", " "), "Nowhere"):
            assert migration.zone_for(table, country, city) == default_time_zone(country, city), (country, city)


def test_only_iana_zone_names_are_valid() -> None:
    validate_time_zone("Asia/Singapore")
    for bad in ("Mars/Olympus_Mons", "asia/singapore", "UTC+8"):
        with pytest.raises(ValidationError):
            validate_time_zone(bad)


# -- Organisations get their zone when made, and change it through a ledgered service.

@pytest.mark.django_db
def test_every_seeded_organisation_has_the_zone_of_its_place(cast: Any) -> None:
    for key, zone in {**ZONES, "importer": "Asia/Hong_Kong", "exporter": "Asia/Shanghai",
                      "stranger_corp": "Europe/Berlin"}.items():
        org = Organization.objects.get(pk=cast.orgs[key].pk)
        assert org.time_zone == zone and org.zone == ZoneInfo(zone), key
    created = json.loads(bytes(PendingEntry.objects.filter(kind="org.created", subject=cast.orgs["confirming"]
                                                           .ledger_id).get().payload))
    assert created["organization"]["time_zone"] == "Asia/Singapore"


@pytest.mark.django_db
def test_a_new_organisation_takes_its_countrys_zone_unless_one_is_given(db: Any) -> None:
    ops = Operator("onboarding")
    made = config.create_organization(actor=ops, name="Nile Bank", kind="bank", bic="NILBEGCX", country="EG",
                                      city="Alexandria")
    chosen = config.create_organization(actor=ops, name="Lakeside Bank", kind="bank", bic="LKSBUS33", country="US",
                                        city="Milwaukee", time_zone="America/Chicago")
    assert (made.time_zone, chosen.time_zone) == ("Africa/Cairo", "America/Chicago")
    with pytest.raises(InvalidInput):
        config.create_organization(actor=ops, name="Nowhere Bank", kind="bank", bic="NOWHUS33", country="US",
                                   city="X", time_zone="America/Atlantis")
    # A row made outside the services (blank zone) still reads its country's.
    bare = Organization.objects.create(name="Bare", kind="bank", bic="BAREGB2L", country="GB", city="Leeds")
    assert bare.time_zone == "" and bare.zone == ZoneInfo("Europe/London")


def _entry(kind: str) -> Any:
    return PendingEntry.objects.filter(kind=kind).latest("id")


@pytest.mark.django_db
def test_a_time_zone_change_is_one_ledger_entry_by_the_banks_administrator(cast: Any) -> None:
    bank, admin = cast.orgs["issuing"], cast.users["vhb.admin"]
    with pytest.raises(Forbidden):
        config.change_time_zone(actor=cast.users["vhb.maker"], org_id=bank.pk, time_zone="Asia/Macau")
    with pytest.raises(Forbidden):  # another bank's administrator
        config.change_time_zone(actor=admin, org_id=cast.orgs["advising"].pk, time_zone="Asia/Urumqi")
    with pytest.raises(InvalidInput):
        config.change_time_zone(actor=admin, org_id=bank.pk, time_zone="Asia/Kowloon")
    before = PendingEntry.objects.count()
    at = dt.datetime(2026, 6, 26, 16, 30, tzinfo=dt.UTC)  # Saturday 00:30 in Hong Kong, Friday 17:30 in London
    config.change_time_zone(actor=admin, org_id=bank.pk, time_zone="Europe/London", reason="test", now=at)
    assert PendingEntry.objects.count() == before + 1
    entry = _entry("org.time_zone_changed")
    payload = json.loads(bytes(entry.payload))
    assert (entry.subject, entry.actor, payload["by"]) == (bank.ledger_id, admin.ledger_id, "vhb.admin")
    assert payload["time_zone"] == ["Asia/Hong_Kong", "Europe/London"] and payload["reason"] == "test"
    assert payload["local_date"] == ["2026-06-27", "2026-06-26"]
    bank.refresh_from_db()
    assert bank.time_zone == "Europe/London"
    config.change_time_zone(actor=admin, org_id=bank.pk, time_zone="Europe/London")  # no change, no entry
    assert PendingEntry.objects.count() == before + 1


def test_the_time_zone_change_has_its_label_in_traditional_chinese() -> None:
    event = events.event("org.time_zone_changed")
    assert event is events.TIME_ZONE_CHANGED and event.config and event.action == "change_time_zone"
    with translation.override("zh-hant"):
        chinese = str(event.label)
    assert chinese != str(event.label) and not chinese.isascii()


@pytest.mark.django_db
def test_the_admin_page_changes_the_time_zone_as_one_ledger_entry(cast: Any, admin_client: Any) -> None:
    bank = cast.orgs["confirming"]
    form = {"name": bank.name, "kind": bank.kind, "bic": bank.bic, "country": bank.country, "city": bank.city,
            "address": bank.address, "time_zone": "Asia/Kuala_Lumpur", "closures-TOTAL_FORMS": "0",
            "closures-INITIAL_FORMS": "0", "working_days-TOTAL_FORMS": "0", "working_days-INITIAL_FORMS": "0"}
    url = f"/admin/lc/organization/{bank.pk}/change/"
    response = admin_client.post(url, {**form, "time_zone": "Asia/Lion_City"})
    assert response.status_code == 200 and "time_zone" in response.context["adminform"].form.errors
    assert not PendingEntry.objects.filter(kind="org.time_zone_changed").exists()
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content[:400]
    assert PendingEntry.objects.filter(kind="org.time_zone_changed").count() == 1
    assert not PendingEntry.objects.filter(kind="org.changed", subject=bank.ledger_id).exists()
    bank.refresh_from_db()
    assert bank.time_zone == "Asia/Kuala_Lumpur"


@pytest.mark.django_db
def test_an_organisation_added_in_the_admin_without_a_zone_gets_its_countrys(admin_client: Any) -> None:
    form = {"name": "Marina Bay Bank", "kind": "bank", "bic": "MBAYSGSG", "country": "SG", "city": "Singapore",
            "address": "", "time_zone": "", "closures-TOTAL_FORMS": "0", "closures-INITIAL_FORMS": "0",
            "working_days-TOTAL_FORMS": "0", "working_days-INITIAL_FORMS": "0"}
    response = admin_client.post("/admin/lc/organization/add/", form)
    assert response.status_code == 302, response.content[:400]
    bank = Organization.objects.get(bic="MBAYSGSG")
    assert bank.time_zone == "Asia/Singapore"
    created = json.loads(bytes(PendingEntry.objects.filter(kind="org.created", subject=bank.ledger_id).get().payload))
    assert created["organization"]["time_zone"] == "Asia/Singapore"


# -- The day of presentation and the art. 14(b) deadline, at the bank presented to.

@pytest.fixture(params=PLATFORM_ZONES)
def platform_zone(request: Any, settings: Any) -> str:
    settings.TIME_ZONE = request.param
    return str(request.param)


def issued_credit(cast: Any, bank_key: str, presented_after: dt.date, **terms: Any) -> Story:
    """An issued credit under which documents may be presented to `bank_key` (the issuing bank,
    or the bank nominated), issued about five weeks before `presented_after`."""
    nominated = cast.orgs["advising"] if bank_key == "issuing" else cast.orgs[bank_key]
    story = Story(cast, example_start(), shift_days=weeks_between(EXAMPLE_ISSUE, presented_after - dt.timedelta(days=35)),
                  available_with=nominated.bic, **terms)
    story.credit = services.create_application(
        actor=cast.users["hhl.treasury"], terms=story.terms, beneficiary=cast.orgs["exporter"],
        issuing_bank=cast.orgs["issuing"], advising_bank=cast.orgs["advising"], nominated_bank=nominated,
        now=story.at(-5))
    story.submit()
    story.prepare()
    story.approve()
    return story


def present_at(story: Story, bank_key: str, at: dt.datetime) -> Any:
    return services.present_documents(
        actor=story.cast.users["nef.exports"], credit_id=story.credit_id, presented_to=story.cast.orgs[bank_key],
        amount_claimed="1000.00", documents=example_documents(story.shift)[:1], now=at)


# 2026-07-01 is a public holiday in Hong Kong only: five banking days from Friday 26 June end on
# Friday 3 July in Singapore, Ningbo and London, on Monday 6 July in Hong Kong.
CASES = [
    ("confirming", FRIDAY, dt.time(23, 30), FRIDAY, dt.date(2026, 7, 3)),
    ("confirming", SATURDAY, dt.time(0, 30), SATURDAY, dt.date(2026, 7, 3)),
    ("issuing", FRIDAY, dt.time(23, 30), FRIDAY, dt.date(2026, 7, 6)),
    ("advising", FRIDAY, dt.time(23, 30), FRIDAY, dt.date(2026, 7, 3)),
    ("advising", SATURDAY, dt.time(0, 30), SATURDAY, dt.date(2026, 7, 3)),
    # 23:30 in London (BST) is 06:30 the next morning in Hong Kong.
    ("stranger_bank", FRIDAY, dt.time(23, 30), FRIDAY, dt.date(2026, 7, 3)),
    ("stranger_bank", THURSDAY, dt.time(23, 30), THURSDAY, dt.date(2026, 7, 2)),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("bank_key", "day", "clock", "presented_on", "deadline"), CASES,
                         ids=[f"{c[0]}-{c[1]:%a}-{c[2]:%H%M}" for c in CASES])
def test_the_day_of_presentation_and_its_deadline_are_the_bank_presented_tos(
        platform_zone: str, cast: Any, bank_key: str, day: dt.date, clock: dt.time, presented_on: dt.date,
        deadline: dt.date) -> None:
    bank = cast.orgs[bank_key]
    at = dt.datetime.combine(day, clock, tzinfo=ZoneInfo(ZONES[bank_key]))
    pres = present_at(issued_credit(cast, bank_key, day), bank_key, at)
    assert (pres.presented_on, pres.examination_deadline) == (presented_on, deadline)
    assert deadline == examination_deadline(presented_on, calendar_for(bank, years_around(presented_on)))
    calendar = json.loads(bytes(_entry("presentation.made").payload))["calendar"]
    assert (calendar["from"], calendar["time_zone"]) == (presented_on.isoformat(), ZONES[bank_key])


@pytest.mark.django_db
def test_a_friday_night_presentation_in_singapore_takes_singapores_calendar_not_hong_kongs(
        platform_zone: str, cast: Any) -> None:
    """The acceptance case: 23:30 on Friday in Singapore is Friday there whatever the platform's
    zone (Saturday 03:30 in Auckland); Hong Kong's calendar (1 July closed) would have given
    Monday 6 July."""
    at = dt.datetime(2026, 6, 26, 23, 30, tzinfo=ZoneInfo("Asia/Singapore"))
    pres = present_at(issued_credit(cast, "confirming", FRIDAY), "confirming", at)
    hong_kong = examination_deadline(FRIDAY, calendar_for(cast.orgs["issuing"], [2025, 2026, 2027]))
    assert pres.presented_on == FRIDAY
    assert pres.examination_deadline == dt.date(2026, 7, 3) != hong_kong == dt.date(2026, 7, 6)


@pytest.mark.django_db
def test_a_banks_new_time_zone_governs_its_next_presentation(cast: Any) -> None:
    at = dt.datetime(2026, 6, 27, 1, 30, tzinfo=ZoneInfo("Asia/Shanghai"))  # Friday 23:30 in Urumqi
    story = issued_credit(cast, "advising", SATURDAY)
    assert present_at(story, "advising", at).presented_on == SATURDAY
    config.change_time_zone(actor=Operator("ncb-ops"), org_id=cast.orgs["advising"].pk, time_zone="Asia/Urumqi")
    cast.orgs["advising"].refresh_from_db()
    assert present_at(story, "advising", at + dt.timedelta(minutes=1)).presented_on == FRIDAY


# -- Timers: each presentation's and each credit's "today" at the bank whose calendar applies.

@pytest.mark.django_db
def test_the_deadline_warning_comes_on_the_eve_at_the_bank_presented_to(platform_zone: str, cast: Any) -> None:
    london = ZoneInfo("Europe/London")
    pres = present_at(issued_credit(cast, "stranger_bank", THURSDAY), "stranger_bank",
                      dt.datetime.combine(THURSDAY, dt.time(23, 30), tzinfo=london))
    assert pres.examination_deadline == dt.date(2026, 7, 2)  # the eve is Wednesday 1 July in London
    tuesday_night = dt.datetime(2026, 6, 30, 23, 30, tzinfo=london)  # Wednesday morning in Hong Kong
    assert services.run_timers(now=tuesday_night).deadline_warnings == []
    assert services.run_timers(now=tuesday_night + dt.timedelta(hours=1)).deadline_warnings == [str(pres.pk)]


@pytest.mark.django_db
def test_a_credit_expires_after_the_last_day_at_its_place_of_expiry(platform_zone: str, cast: Any) -> None:
    story = issued_credit(cast, "stranger_bank", FRIDAY)
    assert story.credit is not None
    last_day, london = last_day_for_presentation(story.credit), ZoneInfo("Europe/London")
    late_evening = dt.datetime.combine(last_day, dt.time(23, 30), tzinfo=london)
    assert services.run_timers(now=late_evening).expired == []
    assert services.run_timers(now=late_evening + dt.timedelta(hours=1)).expired == [str(story.credit_id)]


# -- The actor's "today" (lc.access.Facts) in the actor's organisation's zone.

def _discrepant(cast: Any) -> Any:
    """The worked example presented to the Ningbo bank on Monday 16 June 2025 (deadline Monday 23
    June), shipped late, examined and found discrepant."""
    story = Story(cast, example_start())
    story.issued()
    docs = example_documents()
    docs[2].data["on_board_date"] = "2025-06-02"
    story.present(documents=docs)
    return story.examine()


@pytest.mark.django_db
@pytest.mark.parametrize("platform", ["Europe/London", "Pacific/Auckland"])
def test_the_examiner_may_refuse_until_midnight_at_the_bank_and_not_after(
        platform: str, settings: Any, cast: Any) -> None:
    settings.TIME_ZONE = platform
    pres = _discrepant(cast)
    assert pres.examination_deadline == dt.date(2025, 6, 23)
    ningbo, examiner = ZoneInfo("Asia/Shanghai"), cast.users["ncb.examiner"]
    with pytest.raises(NotAllowed, match=r"16\(f\)"):
        services.refuse_presentation(actor=examiner, presentation_id=pres.pk, disposal="returning",
                                     now=dt.datetime(2025, 6, 24, 0, 30, tzinfo=ningbo))
    services.refuse_presentation(actor=examiner, presentation_id=pres.pk, disposal="returning",
                                 now=dt.datetime(2025, 6, 23, 23, 30, tzinfo=ningbo))
    pres.refresh_from_db()
    assert pres.state == "refused"
    assert json.loads(bytes(_entry("presentation.refused").payload))["refused_on"] == "2025-06-23"


@pytest.mark.django_db
def test_the_api_directory_tells_each_organisations_time_zone(cast: Any) -> None:
    from rest_framework.test import APIClient

    from lc.integrations.keys import create_api_key

    _, secret = create_api_key(user=cast.users["nef.exports"], name="directory")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    body = client.get(f"/api/v1/organizations/{cast.orgs['confirming'].pk}/").json()
    assert (body["bic"], body["time_zone"]) == ("LCTBSGSG", "Asia/Singapore")
