"""Country names as Wikipedia's twin-town lists write them → ISO 3166-1 alpha-2 codes.

pycountry (the ISO 3166 database) knows the official and common names; Wikipedia's lists also use
short names ("Russia", "Turkey"), constituent countries ("England", "Wales, United Kingdom"), old or
misspelt names ("Moldavia", "Grece") and, a few times, a region before the country ("Brandenburg,
Germany"). The alias table below covers every spelling found in the data sets; anything else is looked
up exactly in pycountry, then its last comma-separated part is tried ("Réunion, France" → FR: the lists
file overseas departments under the state they belong to). No fuzzy matching: a wrong country would
silently merge two cities, so an unknown name is reported instead.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["country_code", "country_label", "ALIASES"]

#: Spelling (case-insensitive) → ISO 3166-1 alpha-2. Each entry is a spelling seen in the data.
ALIASES: dict[str, str] = {
    "russia": "RU",
    "turkey": "TR",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "republic of ireland": "IE",
    "palestine": "PS",
    "west bank": "PS",
    "georgia (country)": "GE",
    "cape verde": "CV",
    # Kosovo has no ISO 3166-1 code; XK is the user-assigned code the EU and others use.
    "kosovo": "XK",
    # ISO 3166 (de jure) counts Northern Cyprus as part of Cyprus.
    "northern cyprus": "CY",
    "ivory coast": "CI",
    "democratic republic of the congo": "CD",
    "republic of the congo": "CG",
    "moldavia": "MD",
    "east timor": "TL",
    "bosnia and hercegovina": "BA",
    "madagaskar": "MG",
    "in italy": "IT",
    "grece": "GR",
    "kazakhstah": "KZ",
    # Icelandic/Scandinavian spelling of Iceland ("Island"), used once on the Norway page.
    "island": "IS",
    "micronesia": "FM",
    "surinam": "SR",
    "brunei": "BN",
    "macedonia": "MK",
    "vatican city": "VA",
    "swaziland": "SZ",
    "the gambia": "GM",
    "macau": "MO",
    "laos": "LA",
    "syria": "SY",
    "south korea": "KR",
    "north korea": "KP",
    "taiwan": "TW",
    "vietnam": "VN",
    "czech republic": "CZ",
    "são tomé and príncipe": "ST",
    "falkland islands": "FK",
}

#: Labels for codes pycountry does not know (user-assigned) or names it too formally for a reader.
_LABELS: dict[str, str] = {"XK": "Kosovo", "TR": "Turkey", "RU": "Russia", "CZ": "Czech Republic",
                           "CV": "Cape Verde", "VA": "Vatican City", "PS": "Palestine", "MK": "North Macedonia",
                           "TW": "Taiwan", "CD": "Democratic Republic of the Congo",
                           "CG": "Republic of the Congo", "FM": "Micronesia", "BN": "Brunei",
                           "FK": "Falkland Islands"}


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


@lru_cache(maxsize=4096)
def country_code(text: str) -> str | None:
    """ISO 3166-1 alpha-2 code (upper case) for a country as written, or None when unknown or empty."""
    name = _normal(text)
    if not name:
        return None
    if name in ALIASES:
        return ALIASES[name]
    code = _pycountry_code(name)
    if code is None and "," in name:
        code = country_code(name.rsplit(",", 1)[1])
    return code


def _pycountry_code(name: str) -> str | None:
    """Exact lookup by name, official name, common name (never by a 2/3-letter code: 'in' is no India)."""
    import pycountry

    if len(name) <= 3:
        return None
    try:
        return pycountry.countries.lookup(name).alpha_2
    except LookupError:
        return None


@lru_cache(maxsize=512)
def country_label(code: str) -> str:
    """The English name a reader expects ("South Korea", not "Korea, Republic of")."""
    import pycountry

    if code in _LABELS:
        return _LABELS[code]
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        raise KeyError(code)
    return getattr(country, "common_name", None) or country.name
