"""Passkeys beside TOTP (issue 17), through the real ceremony views with a software authenticator
(an EC P-256 key, a 'none' attestation, real signatures): registering and removing one is a
ledgered act of the person, without key material; a session verified by a passkey is verified for
the portal and the API exactly as one verified by a TOTP code; a wrong origin registers nothing."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from typing import Any

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from django_otp_webauthn.models import WebAuthnCredential

from lc.access import needs_second_factor
from lc.models import User
from ledger.models import PendingEntry

pytestmark = pytest.mark.django_db
PASSWORD = "test-pass-123"  # the cast's (tests/conftest.py)
ORIGIN = "https://testserver"  # https://<host> for each ALLOWED_HOSTS name (tradechain/settings.py)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class SoftAuthenticator:
    """One passkey held in memory, answering navigator.credentials.create() and .get() as a
    platform authenticator would (user present and verified)."""

    def __init__(self, rp_id: str = "testserver", origin: str = ORIGIN) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.rp_id, self.origin, self.count = rp_id, origin, 0

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": self.origin}).encode()

    def _cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    def create(self, options: dict[str, Any]) -> dict[str, Any]:
        assert options["rp"]["id"] == self.rp_id
        attested = bytes(16) + len(self.credential_id).to_bytes(2, "big") + self.credential_id + self._cose_key()
        auth_data = hashlib.sha256(self.rp_id.encode()).digest() + bytes([0x45]) + bytes(4) + attested
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"])
        return {"id": b64url(self.credential_id), "rawId": b64url(self.credential_id), "type": "public-key",
                "response": {"clientDataJSON": b64url(client_data), "attestationObject": b64url(attestation),
                             "transports": ["internal"]},
                "clientExtensionResults": {"credProps": {"rk": True}}}

    def get(self, options: dict[str, Any]) -> dict[str, Any]:
        assert b64url(self.credential_id) in [c["id"] for c in options["allowCredentials"]]
        self.count += 1
        auth_data = hashlib.sha256(self.rp_id.encode()).digest() + bytes([0x05]) + self.count.to_bytes(4, "big")
        client_data = self._client_data("webauthn.get", options["challenge"])
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {"id": b64url(self.credential_id), "rawId": b64url(self.credential_id), "type": "public-key",
                "response": {"authenticatorData": b64url(auth_data), "clientDataJSON": b64url(client_data),
                             "signature": b64url(signature)}}


def post_json(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def register(client: Client, authenticator: SoftAuthenticator) -> Any:
    options = post_json(client, "/webauthn/registration/begin/").json()
    return post_json(client, "/webauthn/registration/complete/", authenticator.create(options))


def verify(client: Client, authenticator: SoftAuthenticator) -> Any:
    options = post_json(client, "/webauthn/authentication/begin/").json()
    return post_json(client, "/webauthn/authentication/complete/?next=/credits/", authenticator.get(options))


def sign_in(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def new_entries(before: set[int], kind: str) -> list[Any]:
    return list(PendingEntry.objects.exclude(id__in=before).filter(kind=kind))


def payload(entry: Any) -> dict[str, Any]:
    return json.loads(bytes(entry.payload))


def test_registering_a_passkey_is_the_persons_ledgered_enrolment_without_key_material(cast: Any) -> None:
    user: User = cast.users["hhl.treasury"]
    client = sign_in(user.username)
    assert client.get("/login/enrol/").status_code == 200  # no second factor yet: enrolment
    before = set(PendingEntry.objects.values_list("id", flat=True))
    authenticator = SoftAuthenticator()
    response = register(client, authenticator)
    assert response.status_code == 200, response.content
    credential = WebAuthnCredential.objects.get(user=user)
    assert credential.confirmed
    [entry] = new_entries(before, "otp.device_enrolled")
    assert (entry.actor, entry.subject) == (user.ledger_id, user.ledger_id)
    body, raw = payload(entry), bytes(entry.payload).decode()
    assert body["type"] == "webauthn" and body["device"] == credential.persistent_id
    assert body["credential_id_sha256"] == hashlib.sha256(authenticator.credential_id).hexdigest()
    assert body["public_key_sha256"] == hashlib.sha256(bytes(credential.public_key)).hexdigest()
    for secret in (bytes(credential.public_key), authenticator.credential_id):
        assert b64url(secret) not in raw and secret.hex() not in raw
        assert base64.b64encode(secret).decode() not in raw


def test_a_passkey_verified_session_counts_as_verified_for_portal_and_api(cast: Any) -> None:
    user: User = cast.users["hhl.treasury"]
    authenticator = SoftAuthenticator()
    assert register(sign_in(user.username), authenticator).status_code == 200
    client = sign_in(user.username)  # password only: a second factor is due
    assert client.get("/login/verify/").status_code == 200
    assert client.get("/credits/")["Location"].startswith("/login/")
    assert client.get("/api/v1/credits/").status_code in (401, 403)
    response = verify(client, authenticator)
    assert response.status_code == 200, response.content
    assert response.json()["redirect_url"] == "/credits/"
    assert client.get("/credits/").status_code == 200
    assert client.get("/api/v1/credits/").status_code == 200
    person: Any = client.get("/credits/").wsgi_request.user
    assert person.is_verified() and not needs_second_factor(person)
    assert person.otp_device.persistent_id == WebAuthnCredential.objects.get(user=user).persistent_id


def test_a_passkey_of_another_origin_or_person_does_not_verify(cast: Any) -> None:
    user = cast.users["hhl.treasury"]
    phishing = SoftAuthenticator(origin="https://hhl-login.example")
    client = sign_in(user.username)
    before = set(PendingEntry.objects.values_list("id", flat=True))
    assert register(client, phishing).status_code == 422
    assert not WebAuthnCredential.objects.exists() and not new_entries(before, "otp.device_enrolled")
    theirs = SoftAuthenticator()
    assert register(sign_in("nef.exports"), theirs).status_code == 200
    assert register(client, SoftAuthenticator()).status_code == 200
    stranger = sign_in(user.username)
    options = post_json(stranger, "/webauthn/authentication/begin/").json()
    assert b64url(theirs.credential_id) not in [c["id"] for c in options["allowCredentials"]]
    options["allowCredentials"].append({"id": b64url(theirs.credential_id), "type": "public-key"})
    assert post_json(stranger, "/webauthn/authentication/complete/", theirs.get(options)).status_code >= 400
    assert stranger.get("/api/v1/credits/").status_code in (401, 403)


def test_removing_a_passkey_is_ledgered_and_never_the_last_second_factor(cast: Any) -> None:
    user = cast.users["hhl.treasury"]
    first, second = SoftAuthenticator(), SoftAuthenticator()
    client = sign_in(user.username)
    assert register(client, first).status_code == 200  # verifies the session too
    assert register(client, second).status_code == 200
    assert client.get("/account/security/").status_code == 200
    kept, gone = WebAuthnCredential.objects.filter(user=user).order_by("pk")
    before = set(PendingEntry.objects.values_list("id", flat=True))
    assert client.post(f"/account/security/passkeys/{gone.pk}/remove/").status_code == 302
    [entry] = new_entries(before, "otp.device_removed")
    assert entry.actor == user.ledger_id and payload(entry)["device"] == gone.persistent_id
    assert payload(entry)["type"] == "webauthn"
    # The last one stays: removing it would leave a password alone.
    response = client.post(f"/account/security/passkeys/{kept.pk}/remove/", follow=True)
    assert "only second factor" in response.content.decode()
    assert WebAuthnCredential.objects.filter(pk=kept.pk).exists()
    assert not new_entries(before, "otp.device_removed")[1:]
    # Nobody removes another person's passkey from their own security page.
    other = sign_in("nef.exports")
    assert register(other, SoftAuthenticator()).status_code == 200
    assert other.post(f"/account/security/passkeys/{kept.pk}/remove/").status_code == 404
