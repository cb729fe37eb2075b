"""Configuration changes: people, organisations, bank calendars and second factors.

Each function has the shape of a business action (house style): one outermost transaction,
lock the row, check the actor's rights (lc.audit.rules), change, record exactly one ledger
entry (lc.audit.record). A change that changes nothing records nothing. API keys and webhook
subscriptions have theirs in lc.integrations (keys.py, webhooks.py), the same way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from lc import events
from lc.audit import rules
from lc.audit.record import Actor, org_card, record_change, user_card
from lc.errors import InvalidInput, NotAllowed, NotFound
from lc.models import BankClosure, BankWorkingDay, Organization, Role, User
from lc.services.common import ObjectId, calendar_for
from lc.time_zones import default_time_zone, is_time_zone

USER_FIELDS = ("username", "first_name", "last_name", "email", "organization", "roles", "is_staff", "is_superuser")
ORG_FIELDS = ("name", "kind", "bic", "country", "city", "address", "language")


def _invalid(exc: ValidationError) -> InvalidInput:
    errors = [{"field": f, "message": " ".join(str(m) for m in ms)} for f, ms in exc.message_dict.items()] \
        if hasattr(exc, "error_dict") else [{"field": "", "message": " ".join(exc.messages)}]
    return InvalidInput("; ".join(f"{e['field']}: {e['message']}" for e in errors), errors)


def _lock(model: Any, pk: ObjectId | int, what: str) -> Any:
    try:
        return model.objects.select_for_update().get(pk=pk)
    except (model.DoesNotExist, ValueError, ValidationError) as exc:
        raise NotFound(f"no such {what}") from exc


def _shown(value: Any) -> Any:
    """A field value as the ledger shows it: organisations by immutable id, roles sorted."""
    if isinstance(value, Organization):
        return value.ledger_id
    if isinstance(value, list):
        return sorted(value)
    return value


def _check_roles(roles: list[str]) -> None:
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise InvalidInput(f"unknown roles: {', '.join(sorted(unknown))}", [{"field": "roles", "message": "unknown"}])


# -- People.

@transaction.atomic
def create_user(*, actor: Actor, username: str, organization: Organization | None, roles: list[str],
                first_name: str = "", last_name: str = "", email: str = "", password: str | None = None,
                is_staff: bool = False, is_superuser: bool = False, now: dt.datetime | None = None) -> User:
    now = now or timezone.now()
    rules.check("create_user", actor, organization, privileged=is_staff or is_superuser)
    _check_roles(roles)
    user = User(username=username, organization=organization, roles=sorted(roles), first_name=first_name,
                last_name=last_name, email=email, is_staff=is_staff, is_superuser=is_superuser)
    if password:
        _validate_password(password, user)
    user.set_password(password) if password else user.set_unusable_password()
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise _invalid(exc) from exc
    user.save()
    _user_created(user, actor, now, password_set=bool(password))
    return user


def _user_created(user: User, actor: Actor, now: dt.datetime, *, password_set: bool) -> None:
    record_change(events.USER_CREATED, subject=user.ledger_id, actor=actor, at=now,
                  payload={"user": user_card(user), "password_set": password_set})


@transaction.atomic
def change_user(*, actor: Actor, user_id: ObjectId, changes: Mapping[str, Any],
                now: dt.datetime | None = None) -> User:
    """Roles, organisation, names, e-mail, username, staff flags: one entry with each field's
    old and new value."""
    now = now or timezone.now()
    user = _lock(User, user_id, "user")
    unknown = set(changes) - set(USER_FIELDS)
    if unknown:
        raise InvalidInput(f"these fields are not changed here: {', '.join(sorted(unknown))}", [])
    diff = {f: v for f, v in changes.items() if _shown(getattr(user, f)) != _shown(v)}
    if not diff:
        return user
    rules.check("change_user", actor, user, diff)
    if "roles" in diff:
        _check_roles(diff["roles"])
    before = {f: _shown(getattr(user, f)) for f in diff}
    for field, value in diff.items():
        setattr(user, field, sorted(value) if field == "roles" else value)
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise _invalid(exc) from exc
    user.save(update_fields=list(diff))
    record_change(events.USER_CHANGED, subject=user.ledger_id, actor=actor, at=now, payload={
        "user": user_card(user), "changed": {f: [before[f], _shown(v)] for f, v in diff.items()}})
    return user


@transaction.atomic
def set_user_active(*, actor: Actor, user_id: ObjectId, active: bool, now: dt.datetime | None = None) -> User:
    """Deactivate (nobody is ever deleted: the ledger names them) or reactivate."""
    now = now or timezone.now()
    user = _lock(User, user_id, "user")
    rules.check("set_user_active", actor, user)
    if user.is_active == active:
        raise NotAllowed(f"{user.username} is already {'active' if active else 'inactive'}")
    user.is_active = active
    user.save(update_fields=["is_active"])
    record_change(events.USER_REACTIVATED if active else events.USER_DEACTIVATED, subject=user.ledger_id,
                  actor=actor, at=now, payload={"user": user_card(user)})
    return user


def _validate_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput("the password is not acceptable: " + " ".join(exc.messages),
                           [{"field": "password", "message": m} for m in exc.messages]) from exc


@transaction.atomic
def set_password(*, actor: Actor, user_id: ObjectId, password: str, now: dt.datetime | None = None) -> User:
    """Set or reset a password. The entry says who, for whom and when: never the hash."""
    now = now or timezone.now()
    user = _lock(User, user_id, "user")
    rules.check("set_password", actor, user)
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    by_self = isinstance(actor, User) and actor.pk == user.pk
    record_change(events.PASSWORD_SET, subject=user.ledger_id, actor=actor, at=now,
                  payload={"user": user.ledger_id, "username": user.username, "by_self": by_self})
    return user


# -- Organisations and their banking calendars.

@transaction.atomic
def create_organization(*, actor: Actor, name: str, kind: str, country: str, city: str, bic: str = "",
                        address: str = "", time_zone: str = "", now: dt.datetime | None = None) -> Organization:
    """A new organisation; its time zone, when not given, the one of its country and city."""
    now = now or timezone.now()
    rules.check("create_organization", actor)
    org = _with_time_zone(Organization(name=name, kind=kind, bic=bic, country=country, city=city, address=address,
                                       time_zone=time_zone))
    try:
        org.full_clean()
    except ValidationError as exc:
        raise _invalid(exc) from exc
    org.save()
    _org_created(org, actor, now)
    return org


def _with_time_zone(org: Organization) -> Organization:
    """Every new organisation gets a zone: the one entered, else its country's (and city's)."""
    org.time_zone = org.time_zone or default_time_zone(org.country, org.city)
    return org


def _org_created(org: Organization, actor: Actor, now: dt.datetime) -> None:
    record_change(events.ORG_CREATED, subject=org.ledger_id, actor=actor, at=now,
                  payload={"organization": org_card(org), "address": org.address})


@transaction.atomic
def seed_people(*, actor: Actor, orgs: Sequence[Organization], users: Sequence[tuple[User, str | None]],
                now: dt.datetime | None = None) -> None:
    """Many new organisations and people at once (the demo seed; a bank's onboarding file): the
    rule checks, field and password validation and ledger entries of create_organization and
    create_user, one entry per row, in a few statements instead of a dozen per row.

    The caller hands unsaved rows whose BICs, names and usernames it has found free: the checks
    that would ask the database (uniqueness, the organisation's existence) are left to its
    constraints, which refuse a race as an IntegrityError and roll the whole seed back."""
    now = now or timezone.now()
    for org in orgs:
        rules.check("create_organization", actor)
        _clean(_with_time_zone(org), exclude=[])
    for user, password in users:
        rules.check("create_user", actor, user.organization, privileged=user.is_staff or user.is_superuser)
        _check_roles(user.roles)
        user.roles = sorted(user.roles)
        if password:
            _validate_password(password, user)
        user.set_password(password) if password else user.set_unusable_password()
        _clean(user, exclude=["password", "organization"])
    Organization.objects.bulk_create(orgs)
    User.objects.bulk_create([user for user, _ in users])
    for org in orgs:
        _org_created(org, actor, now)
    for user, password in users:
        _user_created(user, actor, now, password_set=bool(password))


def _clean(obj: Any, exclude: list[str]) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise _invalid(exc) from exc


@transaction.atomic
def change_organization(*, actor: Actor, org_id: ObjectId, changes: Mapping[str, Any],
                        now: dt.datetime | None = None) -> Organization:
    now = now or timezone.now()
    org = _lock(Organization, org_id, "organisation")
    rules.check("change_organization", actor, org)
    unknown = set(changes) - set(ORG_FIELDS)
    if unknown:
        raise InvalidInput(f"these fields are not changed here: {', '.join(sorted(unknown))}", [])
    diff = {f: v for f, v in changes.items() if getattr(org, f) != v}
    if not diff:
        return org
    before = {f: getattr(org, f) for f in diff}
    for field, value in diff.items():
        setattr(org, field, value)
    try:
        org.full_clean()
    except ValidationError as exc:
        raise _invalid(exc) from exc
    org.save(update_fields=list(diff))
    record_change(events.ORG_CHANGED, subject=org.ledger_id, actor=actor, at=now, payload={
        "organization": org_card(org), "changed": {f: [before[f], v] for f, v in diff.items()}})
    return org


@transaction.atomic
def change_time_zone(*, actor: Actor, org_id: ObjectId, time_zone: str, reason: str = "",
                     now: dt.datetime | None = None) -> Organization:
    """The IANA zone the organisation's business dates are taken in (UCP 600 art. 2: a banking day
    is a day the bank is open at its own place). From now on its presentations' day of
    presentation, its timers' "today" and its people's dates are read there; dates already fixed
    (a day of presentation, a deadline) stay as they were. One entry, before and after."""
    now = now or timezone.now()
    org = _lock(Organization, org_id, "organisation")
    rules.check("change_time_zone", actor, org)
    before = org.time_zone or default_time_zone(org.country, org.city)
    if time_zone == before:
        return org
    if not is_time_zone(time_zone):  # the zone alone: a directory entry may lack other fields
        raise InvalidInput(f"{time_zone!r} is not an IANA time zone", [
            {"field": "time_zone", "message": "not an IANA time zone (e.g. Asia/Hong_Kong)"}])
    org.time_zone = time_zone
    org.save(update_fields=["time_zone"])
    record_change(events.TIME_ZONE_CHANGED, subject=org.ledger_id, actor=actor, at=now, payload={
        "organization": org_card(org), "time_zone": [before, time_zone], "reason": reason,
        # The date at the organisation's place when the change took effect, in the old and new zones.
        "local_date": [now.astimezone(ZoneInfo(before)).date() if is_time_zone(before) else None,
                       org.local_date(now)]})
    return org


def _closure_payload(closure: BankClosure) -> dict[str, Any]:
    return {"bank": closure.bank.ledger_id, "bank_name": closure.bank.name, "bic": closure.bank.bic,
            "closure": closure.pk, "day": closure.day, "reason": closure.reason,
            "force_majeure": closure.force_majeure}


@transaction.atomic
def add_bank_closure(*, actor: Actor, bank_id: ObjectId, day: dt.date, reason: str, force_majeure: bool = False,
                     now: dt.datetime | None = None) -> BankClosure:
    """A day the bank is closed (or, force majeure, art. 36: closed with no extension). The entry's
    subject is the bank, so a bank's calendar history is one subject's history."""
    now = now or timezone.now()
    bank = _lock(Organization, bank_id, "bank")
    rules.check("add_bank_closure", actor, bank)
    if BankClosure.objects.filter(bank=bank, day=day).exists():
        raise NotAllowed(f"{bank.name} already has a closure on {day}")
    if bank.working_days.filter(day=day).exists():
        raise NotAllowed(f"{day} is an adjusted working day at {bank.name}: remove it first")
    closure = BankClosure.objects.create(bank=bank, day=day, reason=reason, force_majeure=force_majeure)
    record_change(events.CLOSURE_ADDED, subject=bank.ledger_id, actor=actor, at=now,
                  payload=_closure_payload(closure))
    return closure


def _lock_closure(closure_id: ObjectId) -> BankClosure:
    closure: BankClosure = _lock(BankClosure, closure_id, "closure")
    closure.bank = Organization.objects.select_for_update().get(pk=closure.bank_id)
    return closure


@transaction.atomic
def change_bank_closure(*, actor: Actor, closure_id: ObjectId, reason: str, force_majeure: bool,
                        now: dt.datetime | None = None) -> BankClosure:
    now = now or timezone.now()
    closure = _lock_closure(closure_id)
    rules.check("change_bank_closure", actor, closure.bank)
    before = {"reason": closure.reason, "force_majeure": closure.force_majeure}
    if before == {"reason": reason, "force_majeure": force_majeure}:
        return closure
    closure.reason, closure.force_majeure = reason, force_majeure
    closure.save(update_fields=["reason", "force_majeure"])
    record_change(events.CLOSURE_CHANGED, subject=closure.bank.ledger_id, actor=actor, at=now,
                  payload={**_closure_payload(closure), "before": before})
    return closure


@transaction.atomic
def remove_bank_closure(*, actor: Actor, closure_id: ObjectId, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    closure = _lock_closure(closure_id)
    rules.check("remove_bank_closure", actor, closure.bank)
    payload = _closure_payload(closure)
    closure.delete()
    record_change(events.CLOSURE_REMOVED, subject=payload["bank"], actor=actor, at=now, payload=payload)


def _working_day_payload(working_day: BankWorkingDay) -> dict[str, Any]:
    return {"bank": working_day.bank.ledger_id, "bank_name": working_day.bank.name, "bic": working_day.bank.bic,
            "working_day": working_day.pk, "day": working_day.day, "reason": working_day.reason}


@transaction.atomic
def add_bank_working_day(*, actor: Actor, bank_id: ObjectId, day: dt.date, reason: str,
                         now: dt.datetime | None = None) -> BankWorkingDay:
    """An official adjusted working day (a weekend day or holiday the bank opens on, as mainland
    China's make-up days): every deadline counted across it counts it as a banking day from now on.
    Only a day the bank would otherwise be closed, and never a day of its own closure."""
    now = now or timezone.now()
    bank = _lock(Organization, bank_id, "bank")
    rules.check("add_bank_working_day", actor, bank)
    if bank.working_days.filter(day=day).exists():
        raise NotAllowed(f"{day} is already an adjusted working day at {bank.name}")
    if BankClosure.objects.filter(bank=bank, day=day).exists():
        raise NotAllowed(f"{bank.name} has a closure on {day}: remove it first")
    if calendar_for(bank, [day.year]).is_banking_day(day):
        raise InvalidInput(f"{day} is already a banking day at {bank.name}", [
            {"field": "day", "message": "an adjusted working day is a weekend day or a public holiday"}])
    working_day = BankWorkingDay.objects.create(bank=bank, day=day, reason=reason)
    record_change(events.WORKING_DAY_ADDED, subject=bank.ledger_id, actor=actor, at=now,
                  payload=_working_day_payload(working_day))
    return working_day


@transaction.atomic
def remove_bank_working_day(*, actor: Actor, working_day_id: int, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    working_day: BankWorkingDay = _lock(BankWorkingDay, working_day_id, "working day")
    working_day.bank = Organization.objects.select_for_update().get(pk=working_day.bank_id)
    rules.check("remove_bank_working_day", actor, working_day.bank)
    payload = _working_day_payload(working_day)
    working_day.delete()
    record_change(events.WORKING_DAY_REMOVED, subject=payload["bank"], actor=actor, at=now, payload=payload)


# -- Second factors.

def _device_payload(device: TOTPDevice) -> dict[str, Any]:
    user: User = device.user  # type: ignore[assignment]
    return {"user": user.ledger_id, "username": user.username, "device": device.persistent_id,
            "name": device.name, "type": "totp"}


@transaction.atomic
def enrol_device(*, actor: Actor, device_id: int, now: dt.datetime | None = None) -> TOTPDevice:
    """Confirm a TOTP device its user has just proved with a code: the entry never holds its key."""
    now = now or timezone.now()
    device = TOTPDevice.objects.select_for_update(of=("self",)).select_related("user").get(pk=device_id)
    rules.check("enrol_device", actor, device.user)
    if device.confirmed:
        raise NotAllowed("this device is already enrolled")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record_change(events.DEVICE_ENROLLED, subject=device.user.ledger_id, actor=actor, at=now,  # type: ignore[union-attr]
                  payload=_device_payload(device))
    return device


@transaction.atomic
def remove_device(*, actor: Actor, device_id: int, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    try:
        device = TOTPDevice.objects.select_for_update(of=("self",)).select_related("user").get(pk=device_id)
    except TOTPDevice.DoesNotExist as exc:
        raise NotFound("no such device") from exc
    rules.check("remove_device", actor, device.user, _is_last(device))
    payload = _device_payload(device)
    device.delete()
    record_change(events.DEVICE_REMOVED, subject=payload["user"], actor=actor, at=now, payload=payload)


def _is_last(device: Device) -> bool:
    """Whether `device` is its user's only confirmed second factor (TOTP and passkeys alike)."""
    return not any(d.persistent_id != device.persistent_id for d in devices_for_user(device.user, confirmed=True))


def _passkey_payload(credential: WebAuthnCredential) -> dict[str, Any]:
    """A passkey as the ledger shows it: hashes of its credential id and public key (the ids the
    authenticator and the database know it by), never the key itself."""
    user: User = credential.user  # type: ignore[assignment]
    return {"user": user.ledger_id, "username": user.username, "device": credential.persistent_id,
            "name": credential.name, "type": "webauthn", "credential_id_sha256": credential.credential_id_sha256,
            "public_key_sha256": hashlib.sha256(bytes(credential.public_key)).hexdigest(),
            "aaguid": credential.aaguid}


def _lock_passkey(credential_id: int) -> WebAuthnCredential:
    try:
        return WebAuthnCredential.objects.select_for_update(of=("self",)).select_related("user").get(pk=credential_id)
    except WebAuthnCredential.DoesNotExist as exc:
        raise NotFound("no such passkey") from exc


@transaction.atomic
def enrol_passkey(*, actor: Actor, credential_id: int, now: dt.datetime | None = None) -> WebAuthnCredential:
    """Confirm a passkey whose registration the library has just verified (attestation, origin,
    challenge), in the registration's transaction: as enrol_device does for a TOTP device."""
    now = now or timezone.now()
    credential = _lock_passkey(credential_id)
    rules.check("enrol_device", actor, credential.user)
    if credential.confirmed:
        raise NotAllowed("this passkey is already registered")
    credential.confirmed = True
    credential.save(update_fields=["confirmed"])
    record_change(events.DEVICE_ENROLLED, subject=credential.user.ledger_id, actor=actor, at=now,  # type: ignore[union-attr]
                  payload=_passkey_payload(credential))
    return credential


@transaction.atomic
def remove_passkey(*, actor: Actor, credential_id: int, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    credential = _lock_passkey(credential_id)
    rules.check("remove_device", actor, credential.user, _is_last(credential))
    payload = _passkey_payload(credential)
    credential.delete()
    record_change(events.DEVICE_REMOVED, subject=payload["user"], actor=actor, at=now, payload=payload)
