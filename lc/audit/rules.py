"""Who may change configuration: one `check_<action>` per configuration action of the events
catalogue (`lc.events.CONFIG_ACTIONS`), as lc.access has one per credit action.

Platform staff (superusers, or staff of no organisation) may change anything; an
organisation's administrator may manage its own people, second factors and (for a bank) its
closures; integrators manage their organisation's keys and webhooks; only auditors verify.
The operator at a shell (`Operator`) is trusted as far as the shell is, and named in the entry.
Each check raises Forbidden and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lc.audit.record import Actor, Operator
from lc.errors import Forbidden
from lc.models import ApiKey, Organization, Role, User, WebhookSubscription

PRIVILEGED = ("is_staff", "is_superuser")


def is_platform_staff(user: Any) -> bool:
    return bool(user.is_active and (user.is_superuser or (user.is_staff and user.organization_id is None)))


def is_auditor(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and Role.AUDITOR in (user.roles or []))


def is_platform_auditor(user: Any) -> bool:
    return is_auditor(user) and user.organization_id is None


def _trusted(actor: Actor) -> bool:
    return isinstance(actor, Operator) or (actor is not None and is_platform_staff(actor))


def _person(actor: Actor) -> User:
    if not isinstance(actor, User):
        raise Forbidden("a named person must make this change")
    return actor


def _admin_of(actor: Actor, org_id: Any) -> None:
    if _trusted(actor):
        return
    user = _person(actor)
    if org_id is None or user.organization_id != org_id or not user.has_role(Role.ADMINISTRATOR):
        raise Forbidden("only the organisation's administrator or platform staff may do this")


def _platform(actor: Actor) -> None:
    if not _trusted(actor):
        raise Forbidden("only platform staff may do this")


def check_create_user(actor: Actor, org: Organization | None, privileged: bool = False) -> None:
    _platform(actor) if privileged or org is None else _admin_of(actor, org.pk)


def check_change_user(actor: Actor, user: User, changes: dict[str, Any]) -> None:
    """An administrator changes their own organisation's people; moving a person to another
    organisation, or granting staff or superuser, is for platform staff."""
    crosses = "organization" in changes and getattr(changes["organization"], "pk", None) != user.organization_id
    if crosses or any(changes.get(f) for f in PRIVILEGED) or user.is_superuser or user.is_staff:
        _platform(actor)
    else:
        _admin_of(actor, user.organization_id)


def check_set_user_active(actor: Actor, user: User) -> None:
    if isinstance(actor, User) and actor.pk == user.pk:
        raise Forbidden("nobody may deactivate or reactivate themselves")
    _platform(actor) if user.is_staff or user.is_superuser else _admin_of(actor, user.organization_id)


def check_set_password(actor: Actor, user: User) -> None:
    if isinstance(actor, User) and actor.pk == user.pk:
        return
    _platform(actor) if user.is_staff or user.is_superuser else _admin_of(actor, user.organization_id)


def check_create_organization(actor: Actor, org: Organization | None = None) -> None:
    _platform(actor)


def check_change_organization(actor: Actor, org: Organization) -> None:
    _platform(actor)


def check_add_bank_closure(actor: Actor, bank: Organization) -> None:
    if not bank.is_bank:
        raise Forbidden("only a bank has banking-day closures")
    _admin_of(actor, bank.pk)


def check_change_bank_closure(actor: Actor, bank: Organization) -> None:
    check_add_bank_closure(actor, bank)


def check_remove_bank_closure(actor: Actor, bank: Organization) -> None:
    check_add_bank_closure(actor, bank)


def check_add_bank_working_day(actor: Actor, bank: Organization) -> None:
    check_add_bank_closure(actor, bank)


def check_remove_bank_working_day(actor: Actor, bank: Organization) -> None:
    check_add_bank_closure(actor, bank)


def check_change_time_zone(actor: Actor, org: Organization) -> None:
    """As a bank's calendar: its administrator or platform staff (a company's zone moves only the
    dates its people see, by the same people)."""
    _admin_of(actor, org.pk)


def check_set_approval_level(actor: Actor, bank: Organization) -> None:
    """A bank's approval levels say who may bind it above which amount (issue 20): set by its
    administrator or platform staff, never by the makers and checkers they govern."""
    if not bank.is_bank:
        raise Forbidden("only a bank has approval levels")
    _admin_of(actor, bank.pk)


def _integrator(actor: Actor, org_id: Any) -> None:
    if _trusted(actor):
        return
    user = _person(actor)
    if user.organization_id != org_id or not (user.has_role(Role.API_CLIENT) or user.has_role(Role.ADMINISTRATOR)):
        raise Forbidden(f"{user.username} needs the api_client or administrator role of the organisation")


def check_create_api_key(actor: Actor, owner: User) -> None:
    """A key is created by its owner (an integrator), or for them by an operator."""
    if _trusted(actor):
        return
    if isinstance(actor, User) and actor.pk != owner.pk:
        raise Forbidden("a key is created by the person who will hold it")
    _integrator(owner, owner.organization_id)


def check_revoke_api_key(actor: Actor, key: ApiKey) -> None:
    if _trusted(actor) or (isinstance(actor, User) and actor.pk == key.user_id):
        return
    _admin_of(actor, key.organization_id)


def check_create_webhook(actor: Actor, org: Organization) -> None:
    _integrator(actor, org.pk)


def check_change_webhook(actor: Actor, sub: WebhookSubscription) -> None:
    _integrator(actor, sub.organization_id)


def check_disable_webhook(actor: Actor, sub: WebhookSubscription) -> None:
    _integrator(actor, sub.organization_id)


def check_redeliver_webhook(actor: Actor, sub: WebhookSubscription) -> None:
    _integrator(actor, sub.organization_id)


def check_requeue_publication(actor: Actor, target: Any = None) -> None:
    _platform(actor)


def check_reset_lockout(actor: Actor, user: User | None = None) -> None:
    """A bank's administrator may lift a lock-out of the bank's own people; anyone else's (or a
    username nobody holds) is for platform staff."""
    _admin_of(actor, user.organization_id) if user is not None and user.organization_id else _platform(actor)


def check_purge_signin_logs(actor: Actor, target: Any = None) -> None:
    _platform(actor)


def check_enrol_device(actor: Actor, user: User) -> None:
    if isinstance(actor, User) and actor.pk == user.pk:
        return
    _platform(actor)


def check_remove_device(actor: Actor, user: User, last: bool = False) -> None:
    """A person removes their own device (a passkey they no longer hold) while another remains, so
    that no session drops to a password alone; the administrator or platform staff remove anyone's,
    the last one too (a lost phone: the person enrols again)."""
    if isinstance(actor, User) and actor.pk == user.pk and not _trusted(actor):
        if last:
            raise Forbidden("this is your only second factor: add another before removing it")
        return
    _platform(actor) if user.is_staff or user.is_superuser else _admin_of(actor, user.organization_id)


def check_verify_chain(actor: Actor, target: Any = None) -> None:
    if not (isinstance(actor, User) and is_auditor(actor)) and not _trusted(actor):
        raise Forbidden("only an auditor verifies the chain from the audit views")


def check_seal_read_log(actor: Actor, target: Any = None) -> None:
    if actor is not None:  # the beat timer seals; nobody else writes into the read log's chain
        _platform(actor)


CHECKS: dict[str, Callable[..., None]] = {
    name.removeprefix("check_"): fn for name, fn in list(globals().items())
    if name.startswith("check_") and callable(fn)
}


def check(action: str, actor: Actor, *target: Any, **options: Any) -> None:
    CHECKS[action](actor, *target, **options)
