# Each organisation's own time zone (issue 20): the field, then existing rows filled from their
# country (and city) as lc.time_zones.default_time_zone does today. The rule is copied here, not
# imported (a migration never imports app code); tests/lc/test_time_zones.py holds the two equal.

import zoneinfo
from pathlib import Path

from django.db import migrations, models

import lc.models.parties

PRINCIPAL_ZONES = {
    "AU": "Australia/Sydney", "BR": "America/Sao_Paulo", "CA": "America/Toronto", "FM": "Pacific/Pohnpei",
    "PS": "Asia/Hebron", "RU": "Europe/Moscow", "UA": "Europe/Kyiv", "UZ": "Asia/Tashkent",
}


def country_zones():
    for root in zoneinfo.TZPATH:
        path = Path(root) / "zone.tab"
        if path.is_file():
            break
    else:
        return {}
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        country, _, zone, *_ = line.split("\t")
        table.setdefault(country.upper(), []).append(zone)
    return table


def zone_for(table, country, city):
    zones = table.get(country.strip().upper(), [])
    if not zones:
        return ""
    place = city.strip().replace(" ", "_").casefold()
    by_city = [z for z in zones if place and z.rsplit("/", 1)[-1].casefold() == place]
    if by_city:
        return by_city[0]
    principal = PRINCIPAL_ZONES.get(country.strip().upper())
    return principal if principal in zones else zones[0]


def fill_time_zones(apps, schema_editor):
    Organization = apps.get_model("lc", "Organization")
    table = country_zones()
    for org in Organization.objects.filter(time_zone="").only("pk", "country", "city"):
        zone = zone_for(table, org.country, org.city)
        if zone:
            Organization.objects.filter(pk=org.pk).update(time_zone=zone)


class Migration(migrations.Migration):

    dependencies = [
        ('lc', '0018_waiver_decision_note'),
    ]

    operations = [
        migrations.AddField(
            model_name='organization',
            name='time_zone',
            field=models.CharField(blank=True, max_length=64, validators=[lc.models.parties.validate_time_zone]),
        ),
        migrations.RunPython(fill_time_zones, migrations.RunPython.noop),
    ]
