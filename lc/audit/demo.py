"""The platform's own demo people (no organisation): an auditor who sees every credit and an
operations superuser for the admin; created through the ledgered services, with the demo's
stable TOTP keys (lc.demo.totp_key). Idempotent."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from lc.audit import services as config
from lc.demo import DEMO_PASSWORD, SEEDER, totp_key
from lc.models import Role, User

PLATFORM_USERS = {
    "platform.auditor": dict(roles=[Role.AUDITOR], is_staff=False, is_superuser=False,
                             first_name="Paul", last_name="Auditor"),
    "platform.admin": dict(roles=[], is_staff=True, is_superuser=True, first_name="Olivia", last_name="Ops"),
}


def ensure_platform_people(password: str = DEMO_PASSWORD) -> list[User]:
    seeder = SEEDER
    people = []
    for username, spec in PLATFORM_USERS.items():
        user = User.objects.filter(username=username).first() or config.create_user(
            actor=seeder, username=username, organization=None, password=password, **spec)  # type: ignore[arg-type]
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            device = TOTPDevice.objects.create(user=user, name="demo", key=totp_key(username), confirmed=False)
            config.enrol_device(actor=seeder, device_id=device.pk)
        people.append(user)
    return people
