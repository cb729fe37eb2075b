"""Places: countries, ports and the credit's place fields (44A/44E/44F/44B) read as an examiner does.

* "Hamburg, Rotterdam" in a credit means any one of them (ISBP 821); "Ningbo, China" is one port
  with its country, and a document may add or omit the country.
* "Any port in China", "any Chinese port": the document's port must be in that country, told by
  the country the document states or by the gazetteer below; a port the gazetteer does not know
  is left for the examiner to judge, as is a port in Hong Kong or Macao for "any port in China".
* A port district for its city ("Yantian" for "Shenzhen") is for the examiner to judge; an old or
  local name of the same port ("Bombay" for "Mumbai") is the same port.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import pycountry

from lc.examination.text import Match, same_words

_PORT_WORDS = re.compile(r"\b(?:PORT OF|SEAPORT|PORT|AIRPORT|CY|CFS|TERMINAL)\b")


def _clean(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()  # "Türkiye"
    return " ".join(re.sub(r"[^A-Z0-9 ]", " ", ascii_text.upper().replace("'", "").replace(".", " ")).split())


def _key(name: str) -> str:
    """A port name without "port of" and terminal words, so "Port Klang" and "Klang" meet."""
    return _clean(_PORT_WORDS.sub(" ", _clean(name)))


_ALIASES = {
    "HONG KONG SAR": "HK",
    "HONG KONG S A R": "HK",
    "HKSAR": "HK",
    "H K": "HK",
    "HONGKONG": "HK",
    "HK": "HK",
    "PRC": "CN",
    "P R C": "CN",
    "CHINA P R": "CN",
    "CHINA PRC": "CN",
    "KOREA REPUBLIC OF": "KR",
    "S KOREA": "KR",
    "HONG KONG SAR CHINA": "HK",
    "HONG KONG CHINA": "HK",
    "DEUTSCHLAND": "DE",
    "P R CHINA": "CN",
    "PR CHINA": "CN",
    "PEOPLES REPUBLIC OF CHINA": "CN",
    "MAINLAND CHINA": "CN",
    "CHINA MAINLAND": "CN",
    "USA": "US",
    "U S A": "US",
    "US": "US",
    "UK": "GB",
    "U K": "GB",
    "GREAT BRITAIN": "GB",
    "ENGLAND": "GB",
    "KOREA": "KR",
    "SOUTH KOREA": "KR",
    "REPUBLIC OF KOREA": "KR",
    "RUSSIA": "RU",
    "TURKEY": "TR",
    "TURKIYE": "TR",
    "HOLLAND": "NL",
    "UAE": "AE",
    "U A E": "AE",
    "MACAU": "MO",
    "VIETNAM": "VN",
    "TAIWAN": "TW",
    "IRAN": "IR",
}
_ADJECTIVES = {
    "CHINESE": "CN",
    "JAPANESE": "JP",
    "KOREAN": "KR",
    "INDIAN": "IN",
    "VIETNAMESE": "VN",
    "THAI": "TH",
    "MALAYSIAN": "MY",
    "INDONESIAN": "ID",
    "PHILIPPINE": "PH",
    "TAIWANESE": "TW",
    "SINGAPOREAN": "SG",
    "GERMAN": "DE",
    "FRENCH": "FR",
    "ITALIAN": "IT",
    "SPANISH": "ES",
    "DUTCH": "NL",
    "BELGIAN": "BE",
    "BRITISH": "GB",
    "AMERICAN": "US",
    "CANADIAN": "CA",
    "BRAZILIAN": "BR",
    "MEXICAN": "MX",
    "TURKISH": "TR",
    "EGYPTIAN": "EG",
    "AUSTRALIAN": "AU",
    "PAKISTANI": "PK",
    "BANGLADESHI": "BD",
    "EMIRATI": "AE",
}
_PORTS: dict[str, str] = {
    name: code
    for code, names in {
        "CN": "SHANGHAI NINGBO NINGBO-ZHOUSHAN BEILUN ZHOUSHAN SHENZHEN YANTIAN SHEKOU CHIWAN GUANGZHOU NANSHA HUANGPU "
        "QINGDAO TIANJIN XINGANG DALIAN XIAMEN FUZHOU LIANYUNGANG RIZHAO YINGKOU ZHANJIANG SHANTOU NANJING "
        "ZHANGJIAGANG TAICANG WUHAN CHONGQING ZHUHAI HAIKOU QINZHOU FANGCHENG JIANGMEN ZHONGSHAN FOSHAN DONGGUAN "
        "WENZHOU TAIZHOU YANTAI WEIHAI BEIJING",
        "HK": "HONG-KONG KWAI-CHUNG",
        "MO": "MACAO MACAU",
        "TW": "KAOHSIUNG KEELUNG TAICHUNG TAIPEI",
        "SG": "SINGAPORE",
        "MY": "KLANG PENANG TANJUNG-PELEPAS PASIR-GUDANG KUANTAN",
        "TH": "LAEM-CHABANG BANGKOK",
        "VN": "HO-CHI-MINH HO-CHI-MINH-CITY SAIGON CAT-LAI HAIPHONG HAI-PHONG DA-NANG CAI-MEP",
        "ID": "JAKARTA TANJUNG-PRIOK SURABAYA TANJUNG-PERAK SEMARANG BELAWAN",
        "PH": "MANILA CEBU BATANGAS SUBIC",
        "KR": "BUSAN PUSAN INCHEON GWANGYANG ULSAN PYEONGTAEK",
        "JP": "TOKYO YOKOHAMA KOBE OSAKA NAGOYA HAKATA FUKUOKA SHIMIZU MOJI",
        "IN": "NHAVA-SHEVA JAWAHARLAL-NEHRU JNPT MUMBAI BOMBAY CHENNAI MADRAS MUNDRA KOLKATA CALCUTTA HALDIA COCHIN "
        "KOCHI VISAKHAPATNAM TUTICORIN PIPAVAV KANDLA",
        "PK": "KARACHI PORT-QASIM",
        "BD": "CHITTAGONG CHATTOGRAM",
        "LK": "COLOMBO",
        "AE": "JEBEL-ALI DUBAI ABU-DHABI KHALIFA SHARJAH KHOR-FAKKAN",
        "SA": "JEDDAH DAMMAM",
        "OM": "SALALAH SOHAR MUSCAT",
        "QA": "DOHA HAMAD",
        "IR": "BANDAR-ABBAS",
        "TR": "ISTANBUL AMBARLI MERSIN IZMIR GEMLIK",
        "EG": "PORT-SAID ALEXANDRIA DAMIETTA SOKHNA",
        "MA": "TANGER-MED CASABLANCA",
        "NG": "LAGOS APAPA ONNE",
        "GH": "TEMA",
        "KE": "MOMBASA",
        "TZ": "DAR-ES-SALAAM",
        "ZA": "DURBAN CAPE-TOWN PORT-ELIZABETH NGQURA",
        "DJ": "DJIBOUTI",
        "NL": "ROTTERDAM AMSTERDAM",
        "BE": "ANTWERP ANTWERPEN ZEEBRUGGE",
        "DE": "HAMBURG BREMERHAVEN BREMEN WILHELMSHAVEN",
        "FR": "LE-HAVRE MARSEILLE FOS DUNKIRK",
        "GB": "FELIXSTOWE SOUTHAMPTON LONDON-GATEWAY LIVERPOOL TILBURY IMMINGHAM LONDON",
        "ES": "VALENCIA ALGECIRAS BARCELONA BILBAO",
        "IT": "GENOA GENOVA LA-SPEZIA GIOIA-TAURO NAPLES NAPOLI TRIESTE VENICE LIVORNO",
        "GR": "PIRAEUS",
        "PT": "SINES LISBON LEIXOES",
        "PL": "GDANSK GDYNIA",
        "SE": "GOTHENBURG GOTEBORG",
        "DK": "AARHUS COPENHAGEN",
        "FI": "HELSINKI",
        "RU": "SAINT-PETERSBURG ST-PETERSBURG NOVOROSSIYSK VLADIVOSTOK",
        "IE": "DUBLIN",
        "MT": "MARSAXLOKK",
        "SI": "KOPER",
        "HR": "RIJEKA",
        "RO": "CONSTANTA",
        "US": "LOS-ANGELES LONG-BEACH NEW-YORK NEWARK SAVANNAH HOUSTON SEATTLE TACOMA OAKLAND CHARLESTON NORFOLK "
        "BALTIMORE MIAMI NEW-ORLEANS JACKSONVILLE",
        "CA": "VANCOUVER PRINCE-RUPERT MONTREAL HALIFAX TORONTO",
        "MX": "VERACRUZ LAZARO-CARDENAS",
        "BR": "SANTOS PARANAGUA RIO-DE-JANEIRO ITAJAI RIO-GRANDE",
        "AR": "BUENOS-AIRES",
        "CL": "SAN-ANTONIO VALPARAISO",
        "PE": "CALLAO",
        "CO": "CARTAGENA BUENAVENTURA",
        "EC": "GUAYAQUIL",
        "UY": "MONTEVIDEO",
        "AU": "SYDNEY MELBOURNE BRISBANE FREMANTLE ADELAIDE",
        "NZ": "AUCKLAND TAURANGA",
    }.items()
    for name in (_key(n.replace("-", " ")) for n in names.split())
}
# Other names of one port: the same port.
_SAME_PORT = {
    "BOMBAY": "MUMBAI",
    "MADRAS": "CHENNAI",
    "CALCUTTA": "KOLKATA",
    "SAIGON": "HO CHI MINH",
    "HO CHI MINH CITY": "HO CHI MINH",
    "HOCHIMINH CITY": "HO CHI MINH",
    "HOCHIMINH": "HO CHI MINH",
    "HCMC": "HO CHI MINH",
    "PUSAN": "BUSAN",
    "ANTWERPEN": "ANTWERP",
    "GENOVA": "GENOA",
    "NAPOLI": "NAPLES",
    "GOTEBORG": "GOTHENBURG",
    "ST PETERSBURG": "SAINT PETERSBURG",
    "HAI PHONG": "HAIPHONG",
    "CHATTOGRAM": "CHITTAGONG",
    "MACAU": "MACAO",
    "COCHIN": "KOCHI",
    "NINGBO ZHOUSHAN": "NINGBO",
    "JAWAHARLAL NEHRU": "NHAVA SHEVA",
    "JNPT": "NHAVA SHEVA",
    "KWAI CHUNG": "HONG KONG",
    # Airports written as their IATA codes or airport names on air waybills (art. 23(a)(iv)).
    "HKG": "HONG KONG",
    "CHEK LAP KOK": "HONG KONG",
    "PVG": "SHANGHAI",
    "SHANGHAI PUDONG": "SHANGHAI",
    "SHA": "SHANGHAI",
    "PEK": "BEIJING",
    "SZX": "SHENZHEN",
    "NGB": "NINGBO",
    "XMN": "XIAMEN",
    "SIN": "SINGAPORE",
    "CHANGI": "SINGAPORE",
    "TPE": "TAIPEI",
    "ICN": "SEOUL",
    "NRT": "TOKYO",
    "HND": "TOKYO",
    "KIX": "OSAKA",
    "BKK": "BANGKOK",
    "SGN": "HO CHI MINH",
    "DXB": "DUBAI",
    "FRA": "FRANKFURT",
    "AMS": "AMSTERDAM",
    "LHR": "LONDON",
    "CDG": "PARIS",
    "JFK": "NEW YORK",
    "LAX": "LOS ANGELES",
    "ORD": "CHICAGO",
    "SYD": "SYDNEY",
}
# A port district or terminal of a city: for the examiner to judge.
_DISTRICT_OF = {
    "YANTIAN": "SHENZHEN",
    "SHEKOU": "SHENZHEN",
    "CHIWAN": "SHENZHEN",
    "BEILUN": "NINGBO",
    "NANSHA": "GUANGZHOU",
    "HUANGPU": "GUANGZHOU",
    "XINGANG": "TIANJIN",
    "TANJUNG PRIOK": "JAKARTA",
    "CAT LAI": "HO CHI MINH",
    "CAI MEP": "HO CHI MINH",
    "JEBEL ALI": "DUBAI",
    "APAPA": "LAGOS",
    "TANJUNG PERAK": "SURABAYA",
    "AMBARLI": "ISTANBUL",
    "LONDON GATEWAY": "LONDON",
    "TILBURY": "LONDON",
}
# US state codes written after a US port ("Savannah, GA"); many are also country codes.
_US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR "
    "PA RI SC SD TN TX UT VT VA WA WV WI WY".split()
)
_RELATED_COUNTRIES = frozenset({("CN", "HK"), ("CN", "MO"), ("CN", "TW")})
_ANY = re.compile(
    r"^ANY\s+(?:(?:MAIN|MAJOR|SEA|AIR)\s*)?(?P<adj>[A-Z ]+?)?\s*(?:SEA\s*|AIR\s*)?(?:PORTS?|AIRPORTS?|SEAPORTS?)"
    r"(?:\s+(?:IN|OF)\s+(?:THE\s+)?(?P<country>.+))?$"
)
# Without "any": "MAIN PORTS IN CHINA", "MAJOR PORT OF INDIA", "CHINESE MAIN PORT", "CHINA MAIN PORTS".
# ("PORT OF SPAIN" and "PORT OF NINGBO" are named ports: "main"/"major" or a country word is needed.)
_MAIN_IN = re.compile(r"^(?:MAIN|MAJOR)\s+(?:SEA\s*)?PORTS?\s+(?:IN|OF)\s+(?:THE\s+)?(?P<country>.+)$")
_COUNTRY_PORT = re.compile(r"^(?P<adj>[A-Z ]+?)\s+(?:MAIN\s+|MAJOR\s+)?(?:SEA\s*)?PORTS?$")


@functools.lru_cache(maxsize=1024)
def country_code(text: str) -> str:
    """ISO 3166 alpha-2 code of a country written in any usual way; "" when it is not one."""
    cleaned = re.sub(r"^THE ", "", _clean(text))
    if not cleaned:
        return ""
    if cleaned in _ALIASES:
        return _ALIASES[cleaned]
    if len(cleaned) == 2 and cleaned.isalpha():
        found = pycountry.countries.get(alpha_2=cleaned)
        return found.alpha_2 if found else ""
    try:
        return str(pycountry.countries.lookup(cleaned).alpha_2)
    except LookupError:
        return ""


def same_country(a: str, b: str) -> bool:
    """Two country fields name the same country ("HK", "Hong Kong"; "CN", "China", "P.R. China")."""
    code_a, code_b = country_code(a), country_code(b)
    if code_a and code_b:
        return code_a == code_b
    return _clean(a) == _clean(b)


@functools.lru_cache(maxsize=1024)
def port_name(text: str) -> str:
    """A port's own name: upper case, without "port of", terminal words or a country after a comma."""
    name = _key(text.split(",")[0])
    return _SAME_PORT.get(name, name)


@functools.lru_cache(maxsize=1024)
def port_country(text: str) -> str:
    """The country of a port as the document states it, else as the gazetteer knows it."""
    parts = [p for p in text.split(",") if p.strip()]
    name = port_name(text)
    known = _PORTS.get(name, "") or _PORTS.get(_DISTRICT_OF.get(name, ""), "")
    for part in reversed(parts[1:]):
        if known == "US" and _clean(part) in _US_STATES:
            return "US"  # "Long Beach, CA": the state, not Canada
        if code := country_code(part):
            return code
    return known


def alternatives(field_text: str) -> tuple[str, ...]:
    """A place field listing alternatives: "Hamburg, Rotterdam" means any one of them.

    A country standing after a port ("Ningbo, China") is the port's country, not an alternative.
    """
    parts = [p.strip() for p in re.split(r",|;|/|\bOR\b|\bAND\b", field_text.upper()) if p.strip()]
    ports = [p for p in parts if not country_code(p) or _key(p) in _PORTS]  # Hong Kong, Singapore: ports too
    return tuple(ports or parts)


@functools.lru_cache(maxsize=2048)
def place_match(required_field: str, found: str) -> Match:
    """How a document's place corresponds to the credit's place field."""
    if not required_field.strip():
        return Match.SAME
    if not found.strip():
        return Match.DIFFERENT
    wanted_country = _any_port_country(required_field)
    if wanted_country is not None:
        return _in_country(wanted_country, found)
    return max((_one_port(alt, found) for alt in alternatives(required_field)), default=Match.DIFFERENT)


def _any_port_country(field_text: str) -> str | None:
    """ "Any port in China" -> "CN"; "" for "any port" with no country; None for a named port."""
    text = _clean(field_text)
    main = _MAIN_IN.match(text)
    if main is not None:
        return country_code(main.group("country").strip()) or "?"
    named = _COUNTRY_PORT.match(text)
    if named is not None and not text.startswith("ANY "):
        adjective = named.group("adj").strip()
        return _ADJECTIVES.get(adjective) or country_code(adjective) or None  # else a port's own name
    match = _ANY.match(text)
    if match is None:
        return None
    adjective, country = (match.group("adj") or "").strip(), (match.group("country") or "").strip()
    if country:
        return country_code(country) or "?"
    if adjective:
        return _ADJECTIVES.get(adjective) or country_code(adjective) or "?"
    return ""


def _in_country(wanted: str, found: str) -> Match:
    if wanted == "":
        return Match.SAME  # "any port": every port
    shown = port_country(found)
    if wanted == "?" or not shown:
        return Match.CLOSE  # a country or port the gazetteer does not know: the examiner judges
    if shown == wanted:
        return Match.SAME
    return Match.CLOSE if (wanted, shown) in _RELATED_COUNTRIES else Match.DIFFERENT


def _one_port(wanted: str, found: str) -> Match:
    a, b = port_name(wanted), port_name(found)
    if a == b or a.replace(" ", "") == b.replace(" ", ""):  # "Hochiminh City" = "Ho Chi Minh City"
        return _country_agrees(wanted, found)
    if _DISTRICT_OF.get(b) == a or _DISTRICT_OF.get(a) == b:
        return Match.CLOSE
    verdict = same_words(a, b)
    if verdict == Match.DIFFERENT and a and set(a.split()) <= set(b.split()):
        verdict = Match.CLOSE  # "Tianjin Xingang" for "Tianjin": the port named more closely
    return min(verdict, _country_agrees(wanted, found))


def _country_agrees(wanted: str, found: str) -> Match:
    """ "Ningbo, China" for "Ningbo": the same; a port of that name in another country: not."""
    a, b = port_country(wanted), port_country(found)
    if not a or not b or a == b:
        return Match.SAME
    # "Hong Kong, China": the port of Hong Kong (a special administrative region of China) with the
    # country written as China; the port's own place decides, so "Ningbo, Hong Kong" still differs.
    # Taiwan written as China is for the examiner to judge.
    own = _PORTS.get(port_name(found), "") if b == "CN" else _PORTS.get(port_name(wanted), "") if a == "CN" else ""
    if own not in (a, b) or ("CN", own) not in _RELATED_COUNTRIES:
        return Match.DIFFERENT
    return Match.CLOSE if own == "TW" else Match.SAME
