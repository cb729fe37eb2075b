"""Demo parties, people and credits (used by `seed_demo` and as the test personas).

Fictitious organisations matching the worked example of DOMAIN.md: a Hong Kong issuing
bank, an advising bank in Ningbo (mainland China), a confirming bank in Singapore, a Hong
Kong importer and a Ningbo exporter, plus a stranger bank and company that are party to
nothing (used to prove isolation).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from lc.audit import services as config
from lc.audit.record import Operator
from lc.models import Organization, OrgKind, Role, User

DEMO_PASSWORD = "tradechain-demo-2026"  # printed for the demo, not a secret
# Who the ledger names for everything the seed creates: explicit, never "system".
SEEDER = Operator("seed_demo")

ORGS = {
    "issuing": dict(name="Victoria Harbour Bank Ltd", kind=OrgKind.BANK, bic="VHBKHKHH", country="HK",
                    city="Hong Kong", address="1 Queen's Road Central, Hong Kong"),
    "advising": dict(name="Ningbo Coastal Bank", kind=OrgKind.BANK, bic="NCBKCNBN", country="CN",
                     city="Ningbo", address="200 Zhongshan East Road, Ningbo"),
    "confirming": dict(name="Lion City Trade Bank", kind=OrgKind.BANK, bic="LCTBSGSG", country="SG",
                       city="Singapore", address="8 Marina View, Singapore"),
    "importer": dict(name="Harbour Homewares Ltd", kind=OrgKind.CORPORATE, bic="", country="HK",
                     city="Hong Kong", address="18 Harbour Road, Wan Chai, Hong Kong"),
    "exporter": dict(name="Ningbo Everbright Flask Co., Ltd.", kind=OrgKind.CORPORATE, bic="", country="CN",
                     city="Ningbo", address="88 Jiangnan Road, Beilun, Ningbo"),
    "stranger_bank": dict(name="Thames Merchant Bank", kind=OrgKind.BANK, bic="TMBKGB2L", country="GB",
                          city="London", address="10 Lombard Street, London"),
    "stranger_corp": dict(name="Rhine Kitchenware GmbH", kind=OrgKind.CORPORATE, bic="", country="DE",
                          city="Cologne", address="5 Rheinufer, Cologne"),
}

# username -> (org key, roles, first name, last name)
USERS = {
    "vhb.maker": ("issuing", [Role.MAKER], "May", "Chan"),
    "vhb.checker": ("issuing", [Role.CHECKER], "Kenneth", "Lau"),
    "vhb.checker2": ("issuing", [Role.CHECKER], "Grace", "Ho"),
    "vhb.examiner": ("issuing", [Role.EXAMINER], "Alan", "Wong"),
    "vhb.auditor": ("issuing", [Role.AUDITOR], "Iris", "Tse"),
    "vhb.admin": ("issuing", [Role.ADMINISTRATOR], "Ada", "Leung"),
    "vhb.credit": ("issuing", [Role.CREDIT_OFFICER], "Vivian", "Cheung"),
    "ncb.maker": ("advising", [Role.MAKER], "Li", "Wei"),
    "ncb.checker": ("advising", [Role.CHECKER], "Zhang", "Min"),
    "ncb.examiner": ("advising", [Role.EXAMINER], "Chen", "Jing"),
    "lctb.maker": ("confirming", [Role.MAKER], "Tan", "Wei Ling"),
    "lctb.examiner": ("confirming", [Role.EXAMINER], "Lim", "Boon"),
    "hhl.treasury": ("importer", [Role.MAKER, Role.API_CLIENT], "Harriet", "Ng"),
    "nef.exports": ("exporter", [Role.MAKER, Role.API_CLIENT], "Bo", "Xu"),
    "tmb.maker": ("stranger_bank", [Role.MAKER, Role.EXAMINER, Role.CHECKER], "Oliver", "Grant"),
    "rkw.treasury": ("stranger_corp", [Role.MAKER, Role.API_CLIENT], "Lena", "Vogel"),
}


@dataclass
class Cast:
    orgs: dict[str, Organization]
    users: dict[str, User]

    def __getattr__(self, name: str) -> Organization | User:
        key = name.replace("__", ".")
        if key in self.users:
            return self.users[key]
        if name in self.orgs:
            return self.orgs[name]
        raise AttributeError(name)


def totp_key(username: str) -> str:
    """A stable demo TOTP key (hex) per user, so printed demo secrets keep working."""
    return hashlib.sha256(f"tradechain-demo-totp:{username}".encode()).hexdigest()[:40]


@transaction.atomic
def ensure_cast(password: str = DEMO_PASSWORD, with_totp: bool = True) -> Cast:
    """Create (or find) the demo organisations and users; idempotent.

    Through the ledgered seeding service (lc.audit.services.seed_people: the checks and entries
    an administrator's create_organization / create_user make), under SEEDER: every seeded
    organisation, person (with their roles) and second factor has its org.created /
    user.created / otp.device_enrolled entry, so the seed needs no exemption from "every change
    of rights is on the ledger". Rows found already are left as they are. In a few statements:
    every test that uses the demo cast seeds it afresh."""
    orgs = _existing_orgs()
    new_orgs = {key: Organization(**spec) for key, spec in ORGS.items() if key not in orgs}
    orgs.update(new_orgs)
    users = {u.username: u for u in User.objects.filter(username__in=list(USERS))}
    new_users = {username: User(username=username, organization=orgs[org_key], roles=list(roles),
                                first_name=first, last_name=last, email=f"{username}@example.com")
                 for username, (org_key, roles, first, last) in USERS.items() if username not in users}
    if new_orgs or new_users:
        config.seed_people(actor=SEEDER, orgs=list(new_orgs.values()),
                           users=[(user, password) for user in new_users.values()])
    users.update(new_users)
    orgs, users = {key: orgs[key] for key in ORGS}, {username: users[username] for username in USERS}
    if with_totp:
        for username, (org_key, _, _, _) in USERS.items():
            if orgs[org_key].is_bank:
                _ensure_totp(users[username])
    return Cast(orgs=orgs, users=users)


def _existing_orgs() -> dict[str, Organization]:
    """The demo organisations already there, by their key in ORGS (a bank by BIC, others by name)."""
    def match(spec: dict[str, str]) -> tuple[str, str]:
        return ("bic", spec["bic"]) if spec["bic"] else ("name", spec["name"])

    wanted = {match(spec): key for key, spec in ORGS.items()}
    rows = Organization.objects.filter(Q(bic__in=[v for f, v in wanted if f == "bic"])
                                       | Q(name__in=[v for f, v in wanted if f == "name"]))
    found = {}
    for org in rows:
        key = wanted.get(("bic", org.bic)) or wanted.get(("name", org.name))
        if key is not None:
            found[key] = org
    return found


def _ensure_totp(user: User) -> None:
    """The demo device, enrolled (ledgered) as a person's own enrolment would be."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="demo", defaults={
        "key": totp_key(user.username), "confirmed": False})
    if not device.confirmed:
        config.enrol_device(actor=SEEDER, device_id=device.pk)


def demo_logins() -> list[tuple[str, str, str]]:
    out = []
    for username, (org_key, roles, _, _) in USERS.items():
        if org_key.startswith("stranger"):
            continue
        out.append((username, ORGS[org_key]["name"], ", ".join(str(r.label) for r in roles)))
    return out
