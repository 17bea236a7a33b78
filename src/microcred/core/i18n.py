"""Languages of the user interface: English, French and German message catalogues (Babel).

The catalogues are gettext ``.po`` files in ``microcred/locales/<lang>/LC_MESSAGES/messages.po``,
compiled in memory the first time a language is asked for (no build step, no ``.mo`` files to
keep in step). English is the source language: its catalogue is the identity. Every component
that writes for people (web pages, e-mails, PDF certificates, the CLI's report) takes a
:class:`Translator` for the reader's language.

Strings are marked with ``_("...")`` in Python and ``{% trans %}`` / ``_()`` in Jinja2 templates;
``python -m babel.messages.frontend extract -F babel.cfg`` (see docs/i18n.md) collects them.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib.resources import files
from io import BytesIO

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

UI_LANGUAGES: tuple[str, ...] = ("en", "fr", "de")
"""The languages of the interface, the first being the default and the source language."""

DEFAULT_LANGUAGE = UI_LANGUAGES[0]

_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")

LANGUAGE_NAMES: dict[str, str] = {"en": "English", "fr": "Français", "de": "Deutsch"}
"""Each interface language in its own words (for a language switcher)."""


def supported(language: str | None) -> str | None:
    """The interface language that ``language`` (a BCP 47 tag such as ``fr-BE``) falls back to,
    or None."""
    if not language:
        return None
    primary = language.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in UI_LANGUAGES else None


def negotiate(preferences: Iterable[str | None]) -> str:
    """The first supported language among ``preferences`` (most preferred first), else English."""
    for preference in preferences:
        language = supported(preference)
        if language:
            return language
    return DEFAULT_LANGUAGE


def parse_accept_language(header: str | None) -> list[str]:
    """The language tags of an ``Accept-Language`` header, most preferred first
    (RFC 9110 §12.5.4)."""
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:32]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, position, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]


@cache
def _translations(language: str) -> gettext.NullTranslations:
    if language == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    source = files("microcred") / "locales" / language / "LC_MESSAGES" / "messages.po"
    with source.open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain="messages")


@dataclass(frozen=True)
class Translator:
    """Messages, dates and numbers for one interface language."""

    language: str = DEFAULT_LANGUAGE

    @property
    def translations(self) -> gettext.NullTranslations:
        """For Jinja2's ``install_gettext_translations``."""
        return _translations(self.language)

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def date(self, value: date | datetime | None, *, format: str = "long") -> str:
        """``value`` as this language writes dates (``22 November 2026``, ``22 novembre 2026``)."""
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = value.date()
        return format_date(value, format=format, locale=self.locale)

    def datetime(self, value: datetime | None, *, format: str = "medium") -> str:
        if value is None:
            return ""
        return format_datetime(value, format=format, locale=self.locale)

    def number(self, value: float | int | Decimal | None) -> str:
        """``value`` with this language's decimal sign (``7.5``, ``7,5``)."""
        if value is None:
            return ""
        return format_decimal(value, locale=self.locale)

    def duration(self, iso: str | None) -> str | None:
        """An ISO 8601 duration of years, months, weeks and days in words (``P1Y6M`` ->
        ``1 year, 6 months``, ``1 an, 6 mois``); any other form as given."""
        match = _DURATION.match(iso or "")
        if not iso or match is None or not any(match.groups()):
            return iso
        years, months, weeks, days = (None if n is None else int(n) for n in match.groups())
        parts = []
        if years is not None:
            parts.append(self.ngettext("%(n)d year", "%(n)d years", years) % {"n": years})
        if months is not None:
            parts.append(self.ngettext("%(n)d month", "%(n)d months", months) % {"n": months})
        if weeks is not None:
            parts.append(self.ngettext("%(n)d week", "%(n)d weeks", weeks) % {"n": weeks})
        if days is not None:
            parts.append(self.ngettext("%(n)d day", "%(n)d days", days) % {"n": days})
        return ", ".join(parts)

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.language)


def translator(language: str | None) -> Translator:
    """The translator of the interface language that ``language`` falls back to."""
    return Translator(supported(language) or DEFAULT_LANGUAGE)
