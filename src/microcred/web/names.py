"""Human names for the codes the pages show: languages (ISO 639-1, the EU's 24 official languages,
each in its own language) and countries (ISO 3166-1 alpha-2, the EU and EEA members in English).

A code without a name here is shown as the code.
"""

from __future__ import annotations

LANGUAGES: dict[str, str] = {
    "bg": "български", "cs": "čeština", "da": "dansk", "de": "Deutsch", "el": "ελληνικά",
    "en": "English", "es": "español", "et": "eesti", "fi": "suomi", "fr": "français",
    "ga": "Gaeilge", "hr": "hrvatski", "hu": "magyar", "it": "italiano", "lt": "lietuvių",
    "lv": "latviešu", "mt": "Malti", "nl": "Nederlands", "pl": "polski", "pt": "português",
    "ro": "română", "sk": "slovenčina", "sl": "slovenščina", "sv": "svenska",
}  # fmt: skip

COUNTRIES: dict[str, str] = {
    "AT": "Austria", "BE": "Belgium", "BG": "Bulgaria", "CY": "Cyprus", "CZ": "Czechia",
    "DE": "Germany", "DK": "Denmark", "EE": "Estonia", "ES": "Spain", "FI": "Finland",
    "FR": "France", "GR": "Greece", "HR": "Croatia", "HU": "Hungary", "IE": "Ireland",
    "IS": "Iceland", "IT": "Italy", "LI": "Liechtenstein", "LT": "Lithuania",
    "LU": "Luxembourg", "LV": "Latvia", "MT": "Malta", "NL": "Netherlands", "NO": "Norway",
    "PL": "Poland", "PT": "Portugal", "RO": "Romania", "SE": "Sweden", "SI": "Slovenia",
    "SK": "Slovakia",
}  # fmt: skip


def language_name(code: str) -> str:
    """``fr`` -> ``français``; ``fr-BE`` -> ``français (fr-BE)``; unknown codes as given."""
    name = LANGUAGES.get(code.split("-", maxsplit=1)[0].lower())
    if name is None:
        return code
    return name if "-" not in code else f"{name} ({code})"


def country_name(code: str) -> str:
    """``FR`` -> ``France``; other codes as given."""
    return COUNTRIES.get(code.upper(), code)
