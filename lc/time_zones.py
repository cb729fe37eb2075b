"""Which IANA time zone an organisation keeps its business days in, by default.

Pure Python (standard library only): read from the tz database's own country table
(``zone.tab``: country code, coordinates, zone, comment), found where ``zoneinfo`` finds its
zones (the system's /usr/share/zoneinfo, or the ``tzdata`` package when installed).

UCP 600 art. 2: a banking day is a day the bank is regularly open *at its place*, so its
"today" is the date at its own place, not the platform's.
"""

from __future__ import annotations

import importlib.resources
import zoneinfo
from collections.abc import Iterable
from functools import cache
from pathlib import Path

# Countries whose first zone.tab row is not the zone of the capital or main financial centre.
# zone.tab lists a country's zones roughly east to west (AU starts at Lord Howe Island, CA at
# St John's, RU at Kaliningrad, BR at Noronha); these name the zone of the principal city.
PRINCIPAL_ZONES = {
    "AU": "Australia/Sydney",  # Canberra and Sydney keep New South Wales time
    "BR": "America/Sao_Paulo",  # Brasilia (DF) and Sao Paulo
    "CA": "America/Toronto",  # Ottawa and Toronto
    "FM": "Pacific/Pohnpei",  # Palikir
    "PS": "Asia/Hebron",  # Ramallah, West Bank
    "RU": "Europe/Moscow",
    "UA": "Europe/Kyiv",
    "UZ": "Asia/Tashkent",
}


def _zone_tab_text() -> str | None:
    for root in zoneinfo.TZPATH:
        path = Path(root) / "zone.tab"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    try:  # the tzdata package, where the system has no tz database
        return importlib.resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return None


def parse_zone_tab(lines: Iterable[str]) -> dict[str, list[str]]:
    """zone.tab's rows as country code -> its zones, in the table's order."""
    table: dict[str, list[str]] = {}
    for line in lines:
        if line.startswith("#") or not line.strip():
            continue
        country, _, zone, *_ = line.rstrip("\n").split("\t")
        table.setdefault(country.upper(), []).append(zone)
    return table


@cache
def country_zones() -> dict[str, list[str]]:
    text = _zone_tab_text()
    return parse_zone_tab(text.splitlines()) if text is not None else {}


def default_time_zone(country: str, city: str = "", table: dict[str, list[str]] | None = None) -> str:
    """The zone an organisation in `country` (ISO 3166 alpha-2) and `city` keeps by default: the
    country's zone named after the city when there is one (a bank in Urumqi, in Chicago), else
    the zone of its capital or principal city (CN Asia/Shanghai, US America/New_York); "" for a
    country the tz database has no zone for (Bouvet Island): the organisation's zone is then
    entered by hand."""
    zones = (country_zones() if table is None else table).get(country.strip().upper(), [])
    if not zones:
        return ""
    place = city.strip().replace(" ", "_").casefold()
    by_city = [z for z in zones if place and z.rsplit("/", 1)[-1].casefold() == place]
    if by_city:
        return by_city[0]
    principal = PRINCIPAL_ZONES.get(country.strip().upper())
    return principal if principal in zones else zones[0]


@cache
def available_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_time_zone(name: str) -> bool:
    """An IANA zone name this system knows (zoneinfo.available_timezones())."""
    return name in available_zones()
