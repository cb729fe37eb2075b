"""RFC 3161 time-stamp protocol: build a request, read a response, verify a token.

Pure Python + `cryptography` (which has no TSP support), so the TSA publisher and the offline
bundle verifier share it.

DER comes from ledger.der (strict; DerError is the base of TspError).

What `verify_token` checks (RFC 3161 2.4.2, RFC 5652 5.4, RFC 5035/5816):
  the TSTInfo's messageImprint is the hash of the message; the signed attributes carry
  contentType id-ct-TSTInfo, messageDigest = hash(TSTInfo) and an ESS signing-certificate
  hash that names the signer's certificate; the signature over the DER SET of signed
  attributes verifies with that certificate's key; the certificate has the critical
  extended key usage timeStamping and only that; with trust roots, it chains to one of
  them (cryptography's path validation, at genTime) and every certificate the token carries
  belongs to that chain.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.verification import Criticality, ExtensionPolicy, PolicyBuilder, Store, VerificationError

from ledger.der import (
    BOOLEAN,
    CTX0,
    GENTIME,
    INTEGER,
    OCTETS,
    SEQUENCE,
    SET,
    DerError,
    Tlv,
    alg_id,
    algorithm,
    as_int,
    as_oid,
    der_int,
    encode,
    expect,
    parse_one,
)

HASHES = {  # OID -> (hashlib name, cryptography algorithm)
    "2.16.840.1.101.3.4.2.1": ("sha256", hashes.SHA256),
    "2.16.840.1.101.3.4.2.2": ("sha384", hashes.SHA384),
    "2.16.840.1.101.3.4.2.3": ("sha512", hashes.SHA512),
}
SHA256 = "2.16.840.1.101.3.4.2.1"
SHA1 = "1.3.14.3.2.26"  # only as the ESS v1 certificate hash, which RFC 3161 fixes to SHA-1
SIGNED_DATA = "1.2.840.113549.1.7.2"
TST_INFO = "1.2.840.113549.1.9.16.1.4"
ATTR_CONTENT_TYPE = "1.2.840.113549.1.9.3"
ATTR_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
ATTR_SIGNING_CERT = "1.2.840.113549.1.9.16.2.12"
ATTR_SIGNING_CERT_V2 = "1.2.840.113549.1.9.16.2.47"
RSA_ENCRYPTION = "1.2.840.113549.1.1.1"
SIGNATURE_HASH = {  # signature algorithms that name their own hash
    "1.2.840.113549.1.1.11": SHA256, "1.2.840.113549.1.1.12": "2.16.840.1.101.3.4.2.2",
    "1.2.840.113549.1.1.13": "2.16.840.1.101.3.4.2.3", "1.2.840.10045.4.3.2": SHA256,
    "1.2.840.10045.4.3.3": "2.16.840.1.101.3.4.2.2", "1.2.840.10045.4.3.4": "2.16.840.1.101.3.4.2.3",
}
ED25519 = "1.3.101.112"
PKI_STATUS = ["granted", "grantedWithMods", "rejection", "waiting", "revocationWarning", "revocationNotification"]
_GENTIME = re.compile(r"(\d{14})(?:\.(\d*[1-9]))?Z")


class TspError(DerError):
    """A malformed response or token, or a check that does not hold."""


_F = TypeVar("_F", bound=Callable[..., Any])


def _tsp_errors(fn: _F) -> _F:
    """Public functions raise TspError only: a DER error deep inside is a malformed token."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except TspError:
            raise
        except DerError as exc:
            raise TspError(str(exc)) from exc

    return wrapper  # type: ignore[return-value]


# --- request and response ----------------------------------------------------------------------


def build_request(digest: bytes, *, nonce: int, hash_oid: str = SHA256) -> bytes:
    """TimeStampReq v1 for a message hash, asking for the TSA certificate in the token."""
    imprint = encode(SEQUENCE, alg_id(hash_oid) + encode(OCTETS, digest))
    return encode(SEQUENCE, der_int(1) + imprint + der_int(nonce) + encode(BOOLEAN, b"\xff"))


@_tsp_errors
def token_from_response(data: bytes) -> bytes:
    """The TimeStampToken of a granted TimeStampResp; TspError naming the TSA's refusal."""
    parts = parse_one(data, SEQUENCE, "TimeStampResp").children()
    info = expect(parts[0] if parts else None, SEQUENCE, "PKIStatusInfo").children()
    status = as_int(info[0] if info else Tlv(0, b"", b""), "PKIStatus")
    if status not in (0, 1):
        name = PKI_STATUS[status] if 0 <= status < len(PKI_STATUS) else str(status)
        raise TspError(f"the TSA refused the request: status {name}")
    if len(parts) != 2:
        raise TspError("granted response without exactly one token")
    return parts[1].raw


# --- the token -----------------------------------------------------------------------------------


@dataclass
class _TstFields:
    gen_time: dt.datetime
    serial: int
    policy: str
    nonce: int | None


@dataclass
class TokenInfo(_TstFields):
    signer: x509.Certificate
    chain: list[x509.Certificate] | None  # None when no trust root was given

    @property
    def signer_subject(self) -> str:
        return self.signer.subject.rfc4514_string()


@dataclass
class _Parsed:
    tst_der: bytes
    digest_algs: list[str]
    certs: list[x509.Certificate]
    sid: Tlv
    digest_oid: str
    attrs_raw: bytes
    attrs: dict[str, list[Tlv]]
    sig_oid: str
    signature: bytes


@_tsp_errors
def verify_token(
    token: bytes,
    message: bytes,
    *,
    roots: Sequence[x509.Certificate] = (),
    extra_certs: Sequence[x509.Certificate] = (),
    nonce: int | None = None,
) -> TokenInfo:
    """Verify that `token` is a valid RFC 3161 timestamp of `message`; TspError says which check failed."""
    p = _parse_token(token)
    tst = _parse_tst_info(p.tst_der, message)
    if nonce is not None and tst.nonce != nonce:
        raise TspError("the token's nonce is not the one we sent")
    if p.digest_oid not in p.digest_algs:
        raise TspError("the signer's digest algorithm is not listed in digestAlgorithms")
    _check_signed_attributes(p)
    signer = _find_signer(p.sid, [*p.certs, *extra_certs])
    _check_signing_certificate(p.attrs, signer)
    _check_signature(p, signer)
    _check_eku(signer)
    chain = None
    if roots:
        chain = _validate_chain(signer, [*p.certs, *extra_certs], roots, tst.gen_time)
        stray = [c for c in p.certs if c not in chain]
        if stray:
            raise TspError(f"the token carries a certificate outside the verified chain: {stray[0].subject.rfc4514_string()}")
    else:
        _check_carried_certs(p.certs, signer)
    return TokenInfo(tst.gen_time, tst.serial, tst.policy, tst.nonce, signer=signer, chain=chain)


def _parse_token(token: bytes) -> _Parsed:
    ci = parse_one(token, SEQUENCE, "TimeStampToken").children()
    if len(ci) != 2 or as_oid(ci[0], "contentType") != SIGNED_DATA:
        raise TspError("the token is not a CMS SignedData")
    sd = parse_one(expect(ci[1], CTX0, "content").value, SEQUENCE, "SignedData").children()
    if len(sd) < 4 or as_int(sd[0], "SignedData version") != 3:
        raise TspError("SignedData must be version 3 with an encapsulated TSTInfo")
    digest_algs = [algorithm(a, "digestAlgorithms") for a in expect(sd[1], SET, "digestAlgorithms").children()]
    encap = expect(sd[2], SEQUENCE, "encapContentInfo").children()
    if len(encap) != 2 or as_oid(encap[0], "eContentType") != TST_INFO:
        raise TspError("the encapsulated content is not a TSTInfo")
    tst = parse_one(expect(encap[1], CTX0, "eContent").value, OCTETS, "eContent").value
    rest, certs = sd[3:], []
    if rest and rest[0].tag == CTX0:
        certs = [load_der_cert(c.raw) for c in rest.pop(0).children()]
    if len(rest) != 1:
        raise TspError("unexpected fields in SignedData (CRLs are not supported)")
    signer_infos = expect(rest[0], SET, "signerInfos").children()
    if len(signer_infos) != 1:
        raise TspError("a timestamp token has exactly one SignerInfo")
    si = expect(signer_infos[0], SEQUENCE, "SignerInfo").children()
    if len(si) != 6 or as_int(si[0], "SignerInfo version") not in (1, 3):
        raise TspError("SignerInfo needs version, sid, digest, signed attributes, algorithm and signature only")
    return _Parsed(
        tst_der=tst, digest_algs=digest_algs, certs=certs, sid=si[1],
        digest_oid=algorithm(si[2], "digestAlgorithm"), attrs_raw=expect(si[3], CTX0, "signedAttrs").raw,
        attrs=_attributes(si[3]), sig_oid=algorithm(si[4], "signatureAlgorithm"),
        signature=expect(si[5], OCTETS, "signature").value,
    )


def _attributes(signed_attrs: Tlv) -> dict[str, list[Tlv]]:
    out: dict[str, list[Tlv]] = {}
    for attr in signed_attrs.children():
        parts = expect(attr, SEQUENCE, "Attribute").children()
        if len(parts) != 2:
            raise TspError("malformed signed attribute")
        oid = as_oid(parts[0], "attribute type")
        if oid in out:
            raise TspError(f"signed attribute {oid} appears twice")
        out[oid] = expect(parts[1], SET, "attribute values").children()
    return out


def _parse_tst_info(der: bytes, message: bytes) -> _TstFields:
    f = parse_one(der, SEQUENCE, "TSTInfo").children()
    if len(f) < 5 or as_int(f[0], "TSTInfo version") != 1:
        raise TspError("TSTInfo must be version 1")
    policy = as_oid(f[1], "policy")
    imprint = expect(f[2], SEQUENCE, "messageImprint").children()
    hash_oid = algorithm(imprint[0], "messageImprint hash") if len(imprint) == 2 else ""
    if hash_oid not in HASHES:
        raise TspError("messageImprint uses an unsupported hash algorithm")
    expected = hashlib.new(HASHES[hash_oid][0], message).digest()
    if expect(imprint[1], OCTETS, "hashedMessage").value != expected:
        raise TspError(f"messageImprint is not the {HASHES[hash_oid][0].upper()} of the timestamped data")
    serial = as_int(f[3], "serialNumber")
    gen_time = _gen_time(expect(f[4], GENTIME, "genTime").value)
    nonce = next((as_int(t, "nonce") for t in f[5:] if t.tag == INTEGER), None)
    return _TstFields(gen_time, serial, policy, nonce)


def _gen_time(raw: bytes) -> dt.datetime:
    m = _GENTIME.fullmatch(raw.decode("ascii", "replace"))
    if not m:
        raise TspError("malformed genTime")
    try:
        stamp = dt.datetime.strptime(m.group(1), "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC)
    except ValueError as exc:
        raise TspError("malformed genTime") from exc
    return stamp + dt.timedelta(microseconds=int((m.group(2) or "0")[:6].ljust(6, "0")))


def _check_signed_attributes(p: _Parsed) -> None:
    ctype = p.attrs.get(ATTR_CONTENT_TYPE, [])
    if len(ctype) != 1 or as_oid(ctype[0], "contentType attribute") != TST_INFO:
        raise TspError("the signed contentType attribute is not id-ct-TSTInfo")
    if p.digest_oid not in HASHES:
        raise TspError("the signer uses an unsupported digest algorithm")
    digest = p.attrs.get(ATTR_MESSAGE_DIGEST, [])
    expected = hashlib.new(HASHES[p.digest_oid][0], p.tst_der).digest()
    if len(digest) != 1 or expect(digest[0], OCTETS, "messageDigest").value != expected:
        raise TspError("the signed messageDigest is not the hash of the TSTInfo")


def _find_signer(sid: Tlv, certs: Sequence[x509.Certificate]) -> x509.Certificate:
    for cert in certs:
        if sid.tag == SEQUENCE:
            parts = sid.children()
            if len(parts) != 2:
                raise TspError("malformed IssuerAndSerialNumber")
            if cert.issuer.public_bytes() == parts[0].raw and cert.serial_number == as_int(parts[1], "serial"):
                return cert
        elif sid.tag == 0x80:
            try:
                ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
            except x509.ExtensionNotFound:
                continue
            if ski == sid.value:
                return cert
    raise TspError("the signer's certificate is neither in the token nor among the given certificates")


def _check_signing_certificate(attrs: dict[str, list[Tlv]], cert: x509.Certificate) -> None:
    """ESS signing-certificate: the signature binds the exact certificate, not just its key."""
    der = cert.public_bytes(Encoding.DER)
    for oid, default in ((ATTR_SIGNING_CERT_V2, SHA256), (ATTR_SIGNING_CERT, SHA1)):
        values = attrs.get(oid)
        if not values:
            continue
        first = expect(expect(values[0], SEQUENCE, "SigningCertificate").children()[0], SEQUENCE, "certs").children()
        fields = expect(first[0] if first else None, SEQUENCE, "ESSCertID").children()
        hash_oid = algorithm(fields.pop(0), "ESSCertIDv2 hash") if fields and fields[0].tag == SEQUENCE else default
        name = "sha1" if hash_oid == SHA1 else HASHES.get(hash_oid, ("", None))[0]
        if not name or expect(fields[0] if fields else None, OCTETS, "certHash").value != hashlib.new(name, der).digest():
            raise TspError("the ESS signing-certificate attribute does not name the signer's certificate")
        return
    raise TspError("the token has no ESS signing-certificate attribute")


def _check_signature(p: _Parsed, cert: x509.Certificate) -> None:
    # RFC 5652 5.4: the signature covers the DER of the attributes as a SET OF, tag 0x31.
    data = bytes([SET]) + p.attrs_raw[1:]
    key = cert.public_key()
    try:
        if p.sig_oid == ED25519 and isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(p.signature, data)
            return
        hash_oid = SIGNATURE_HASH.get(p.sig_oid, p.digest_oid if p.sig_oid == RSA_ENCRYPTION else "")
        if hash_oid not in HASHES:
            raise TspError(f"unsupported signature algorithm {p.sig_oid}")
        algo = HASHES[hash_oid][1]()
        if isinstance(key, rsa.RSAPublicKey) and (p.sig_oid == RSA_ENCRYPTION or p.sig_oid.startswith("1.2.840.113549")):
            key.verify(p.signature, data, padding.PKCS1v15(), algo)
        elif isinstance(key, ec.EllipticCurvePublicKey) and p.sig_oid.startswith("1.2.840.10045"):
            key.verify(p.signature, data, ec.ECDSA(algo))
        else:
            raise TspError("the signature algorithm does not match the certificate's key")
    except InvalidSignature as exc:
        raise TspError("the TSA's signature over the signed attributes does not verify") from exc


def _check_eku(cert: x509.Certificate) -> None:
    """RFC 3161 2.3: the TSA certificate's extended key usage is timeStamping only, critical."""
    try:
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        eku = None
    if eku is None or not eku.critical or list(eku.value) != [ExtendedKeyUsageOID.TIME_STAMPING]:
        raise TspError("the signer's certificate is not a TSA certificate (critical EKU timeStamping only)")


def _check_carried_certs(certs: Sequence[x509.Certificate], signer: x509.Certificate) -> None:
    """Without a trust root, every certificate the token carries must at least fit together:
    each one besides the signer issued another (signature checked), and is itself either
    issued by one of them or a root whose self-signature verifies."""
    for cert in certs:
        if cert == signer:
            continue
        issued = any(o != cert and _issued_by(o, cert) for o in certs)
        vouched = any(_issued_by(cert, o) for o in certs)
        if not (issued and vouched):
            raise TspError(f"the token carries a certificate that issued none of its others: {cert.subject.rfc4514_string()}")


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _validate_chain(
    signer: x509.Certificate, others: Sequence[x509.Certificate], roots: Sequence[x509.Certificate], at: dt.datetime
) -> list[x509.Certificate]:
    def eku_ok(_policy: object, _cert: x509.Certificate, ext: x509.ExtendedKeyUsage | None) -> None:
        if ext is None or list(ext) != [ExtendedKeyUsageOID.TIME_STAMPING]:
            raise ValueError("EKU must be timeStamping only")

    for root in roots:
        # Path validation takes a trust anchor as given; we also want its bytes intact.
        if not _issued_by(root, root):
            raise TspError(f"trusted root {root.subject.rfc4514_string()} is not a valid self-signed certificate")
    leaf_policy = ExtensionPolicy.permit_all().require_present(x509.ExtendedKeyUsage, Criticality.CRITICAL, eku_ok)
    verifier = (
        PolicyBuilder().store(Store(list(roots))).time(at)
        .extension_policies(ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=leaf_policy)
        .build_client_verifier()
    )
    try:
        return list(verifier.verify(signer, [c for c in others if c != signer]).chain)
    except VerificationError as exc:
        raise TspError(f"the TSA certificate does not chain to a trusted root: {exc}") from exc


@_tsp_errors
def load_der_cert(der: bytes) -> x509.Certificate:
    outer = parse_one(der, SEQUENCE, "Certificate").children()
    if len(outer) != 3 or outer[2].tag != 0x03 or outer[2].value[:1] != b"\x00":
        # The signature BIT STRING has no unused bits; cryptography ignores that byte, we do not.
        raise TspError("malformed certificate signature field")
    try:
        cert = x509.load_der_x509_certificate(der)
        # Parsing is partly lazy: touch every field now so a damaged one fails here, by name.
        _ = (cert.issuer, cert.subject, cert.extensions, cert.not_valid_before_utc, cert.public_key())
    except Exception as exc:  # any failure to read untrusted bytes is a finding
        raise TspError(f"unreadable certificate: {exc}") from exc
    return cert


def load_pem_certs(data: bytes) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(data) if data.strip() else []
