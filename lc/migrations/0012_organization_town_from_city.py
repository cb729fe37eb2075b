"""Data: the SR2026 town of each existing organisation is its city (cut to the 35 characters
of ISO 20022's TwnNm); street, building, post code and sub-division stay empty until someone
who knows them fills them in. Reversing leaves the towns (the schema migration drops them)."""

from typing import Any

from django.db import migrations


def town_from_city(apps: Any, schema_editor: Any) -> None:
    organization = apps.get_model("lc", "Organization")
    for org in organization.objects.filter(town="").exclude(city="").only("id", "city"):
        organization.objects.filter(pk=org.pk).update(town=org.city[:35])


class Migration(migrations.Migration):
    dependencies = [("lc", "0011_organization_structured_address")]

    operations = [migrations.RunPython(town_from_city, migrations.RunPython.noop)]
