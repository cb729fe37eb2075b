"""Rate limits (issue 17): API requests per key (429 problem+json, Retry-After); sign-in, API-key
and TOTP checks per source address across subjects (429, Retry-After) with a progressive delay
per subject and source; never by username alone (another address still gets in)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lc.demo import totp_key
from lc.integrations import ratelimit
from lc.integrations.keys import create_api_key
from tests.api.conftest import client_with_key

pytestmark = pytest.mark.django_db
PASSWORD = "test-pass-123"  # the cast fixture's
ATTACKER, OFFICE = "203.0.113.7", "198.51.100.20"


@pytest.fixture
def three_failures(monkeypatch: Any) -> None:
    monkeypatch.setattr(ratelimit, "SOURCE_FAILURES", 3)


def _is_429(response: Any, problem: bool) -> None:
    assert response.status_code == 429, (response.status_code, response.content[:200])
    assert 1 <= int(response["Retry-After"]) <= ratelimit.WINDOW
    if problem:
        assert response["Content-Type"].startswith("application/problem+json")
        assert response.json()["status"] == 429


def test_api_requests_are_limited_per_key(cast: Any, settings: Any) -> None:
    settings.API_RATE_PER_MINUTE = 3
    _, first = create_api_key(user=cast.users["hhl.treasury"], name="one")
    _, second = create_api_key(user=cast.users["hhl.treasury"], name="two")
    client = client_with_key(first)
    answers = [client.get("/api/v1/credits/") for _ in range(8)]  # two minutes' windows at most
    assert answers[0].status_code == 200
    limited = [r for r in answers if r.status_code == 429]
    assert limited, [r.status_code for r in answers]
    _is_429(limited[0], problem=True)
    assert client_with_key(second).get("/api/v1/credits/").status_code == 200  # its own budget


def _sign_in(client: Client, username: str, password: str = PASSWORD, ip: str = ATTACKER) -> Any:
    return client.post(reverse("portal:login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_sign_in_failures_from_one_address_across_usernames_are_refused(cast: Any, three_failures: None) -> None:
    client = Client()
    for username in ("vhb.maker", "vhb.checker", "ncb.maker"):
        assert _sign_in(client, username, "wrong").status_code == 200
    _is_429(_sign_in(client, "hhl.treasury"), problem=False)  # even the right password, from there
    # Not by username: the same people sign in from their office.
    assert _sign_in(Client(), "vhb.maker", ip=OFFICE).status_code == 302


def test_each_failure_of_one_username_and_address_waits_longer() -> None:
    assert [ratelimit.progressive_delay(n) for n in range(7)] == [0, 0.1, 0.2, 0.4, 0.8, 1.6, 2.0]


def test_the_progressive_delay_is_served_by_the_sign_in(cast: Any) -> None:
    client = Client()
    took = []
    for _ in range(4):
        start = time.monotonic()
        _sign_in(client, "vhb.maker", "wrong")
        took.append(time.monotonic() - start)
    # Failure n is answered after progressive_delay(n): 0.1, 0.2, 0.4, 0.8 s.
    assert took[3] >= 0.8 and took[3] > took[0] + 0.6, took
    start = time.monotonic()
    _sign_in(Client(), "vhb.maker", "wrong", ip=OFFICE)  # another address owes its first delay only
    assert time.monotonic() - start < took[3] - 0.5


def test_api_key_guessing_from_one_address_is_refused(cast: Any, three_failures: None) -> None:
    _, good = create_api_key(user=cast.users["hhl.treasury"], name="good")
    guesser = Client(REMOTE_ADDR=ATTACKER)
    for n in range(3):
        response = guesser.get("/api/v1/credits/", HTTP_AUTHORIZATION=f"Bearer tck_guess{n}_secret")
        assert response.status_code == 401
    _is_429(guesser.get("/api/v1/credits/", HTTP_AUTHORIZATION=f"Bearer {good}"), problem=True)
    assert Client(REMOTE_ADDR=OFFICE).get("/api/v1/credits/", HTTP_AUTHORIZATION=f"Bearer {good}").status_code == 200


def test_totp_guessing_from_one_address_is_refused(cast: Any, three_failures: None) -> None:
    user = cast.users["vhb.checker"]
    device = TOTPDevice.objects.create(user=user, name="phone", key=totp_key(user.username), confirmed=True)
    client = Client()
    assert _sign_in(client, "vhb.checker").status_code == 302
    good = int(f"{TOTP(bytes.fromhex(device.key)).token():06d}")
    for n in range(3):
        wrong = f"{(good + 1 + n) % 1_000_000:06d}"
        assert client.post(reverse("portal:otp"), {"token": wrong}, REMOTE_ADDR=ATTACKER).status_code == 200
    _is_429(client.post(reverse("portal:otp"), {"token": f"{good:06d}"}, REMOTE_ADDR=ATTACKER), problem=False)


def test_a_failure_counter_expires_with_its_window_and_later_failures_do_not_extend_it() -> None:
    ratelimit.reset()
    ratelimit.SIGNIN.failed("someone", ATTACKER)
    client = ratelimit._client()
    keys = [ratelimit._name("signin", "pair", "someone", ATTACKER), ratelimit._name("signin", "source", ATTACKER)]
    client.expire(keys[0], 100)  # as if the window had run for a while
    ratelimit.SIGNIN.failed("someone", ATTACKER)
    assert int(client.get(keys[0])) == 2 and 0 < client.ttl(keys[0]) <= 100
    assert int(client.get(keys[1])) == 2 and 0 < client.ttl(keys[1]) <= ratelimit.WINDOW


def test_without_redis_the_limits_fail_open_and_reset_forgets_nothing_loudly(settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    ratelimit.reset()  # the chaos suite's tests start before their Redis does
    ratelimit.SIGNIN.failed("someone", ATTACKER)
    assert ratelimit.SIGNIN.retry_after(ATTACKER) == 0 and ratelimit.take("bucket", 1) == 0


def test_an_api_key_request_asks_redis_once(cast: Any, monkeypatch: Any) -> None:
    """Failure gate, key-cache epoch and the key's request count share one round trip (issue 12's
    API throughput: three round trips before). Counted on the real connection, which still sends."""
    import redis

    _, secret = create_api_key(user=cast.users["hhl.treasury"], name="one")
    client = client_with_key(secret)
    assert client.get("/api/v1/credits/").status_code == 200  # fills the key cache
    sent: list[bytes] = []
    real_send = redis.connection.AbstractConnection.send_packed_command

    def counting_send(self: Any, command: Any, check_health: bool = True) -> None:
        sent.append(command)
        real_send(self, command, check_health)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counting_send)
    assert client.get("/api/v1/credits/").status_code == 200
    assert len(sent) == 1, sent
    commands = b"".join(part if isinstance(part, bytes) else bytes(part) for part in sent[0]).upper()
    assert all(name in commands for name in (b"GET", b"TTL", b"INCR", b"EXPIRE")), commands


def test_the_shared_round_trip_still_limits_and_gates(cast: Any, settings: Any, three_failures: None) -> None:
    """The one round trip keeps each verdict: an over-rate key gets 429 while another key is
    served, and an address that failed too often gets 429 even with a good key."""
    settings.API_RATE_PER_MINUTE = 2
    _, first = create_api_key(user=cast.users["hhl.treasury"], name="one")
    _, second = create_api_key(user=cast.users["hhl.treasury"], name="two")
    answers = [client_with_key(first).get("/api/v1/credits/").status_code for _ in range(6)]
    assert 429 in answers and answers[0] == 200
    assert client_with_key(second).get("/api/v1/credits/").status_code == 200
    settings.API_RATE_PER_MINUTE = 1000
    guesser = client_with_key("tck_00000000_not-a-key")
    assert [guesser.get("/api/v1/credits/").status_code for _ in range(3)] == [401, 401, 401]
    _is_429(client_with_key(second).get("/api/v1/credits/"), problem=True)  # same address


def test_axes_locks_a_username_out_only_from_the_address_that_failed(cast: Any) -> None:
    """The issue's finding: five anonymous requests locked any account for 15 minutes (axes
    counted by username alone). Failures now lock that username from that address only: the
    attacker is refused even with the right password, the person signs in from the office."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(Client(), "vhb.checker", "wrong")
    assert _sign_in(Client(), "vhb.checker").status_code == 403  # from the attacker's address
    assert _sign_in(Client(), "vhb.checker", ip=OFFICE).status_code == 302
    assert _sign_in(Client(), "vhb.maker").status_code == 302  # another person, from there too


def test_the_admin_sign_in_locks_by_username_and_address_too(db: Any) -> None:
    """The admin's sign-in (django-otp's OTPAdminSite) goes through the same axes rule: an
    attacker's failures lock the staff member out from the attacker's address only."""
    from lc.models import User

    staff = User.objects.create(username="platform.ops", is_staff=True, is_superuser=True)
    staff.set_password("ops-pass-2026-long")
    staff.save()

    def admin_sign_in(password: str, ip: str) -> Any:
        return Client().post("/admin/login/?next=/admin/", {"username": "platform.ops", "password": password},
                             REMOTE_ADDR=ip)

    answers = [admin_sign_in("wrong", ATTACKER).status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert answers[0] == 200 and answers[-1] == 429  # the limit reached: axes' lockout answer
    assert admin_sign_in("ops-pass-2026-long", ATTACKER).status_code == 429
    office = admin_sign_in("ops-pass-2026-long", OFFICE)  # the password is right; the form asks for the token
    assert office.status_code == 200 and b"otp_token" in office.content
