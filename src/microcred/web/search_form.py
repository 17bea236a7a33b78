"""The catalogue search form: query parameters in, a :class:`CatalogueQuery` (or the reasons it
cannot be made) out.

The parameters are the JSON API's (``q``, ``organisation``, ``eqf_level``, ``ects_min``,
``ects_max``, ``language``, ``participation``, ``esco_skill``) plus ``page``, so one URL works
for both. Unlike the API, an empty field means "any" (a browser sends every field of a form), and
a bad value is reported next to its field, in the visitor's language, instead of as a problem
document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from microcred.core.i18n import Translator
from microcred.core.model.language import is_language_tag, normalize_language_tag
from microcred.core.model.vocabularies import PARTICIPATION_FORMS, is_absolute_iri
from microcred.service.ports import CatalogueQuery

FIELDS = (
    "q",
    "organisation",
    "eqf_level",
    "ects_min",
    "ects_max",
    "language",
    "participation",
    "esco_skill",
)
MAX_TEXT = 200
MAX_PAGE = 10_000
MAX_ECTS = Decimal(1000)


@dataclass(frozen=True)
class SearchForm:
    """What the visitor asked for: the raw ``values`` (to fill the form again), the ``query``
    they make, the ``page`` (from 1) and a message per field that could not be read (already
    translated)."""

    values: Mapping[str, str]
    query: CatalogueQuery
    page: int = 1
    errors: Mapping[str, str] = field(default_factory=dict)

    @property
    def filtered(self) -> bool:
        """True when any criterion is set."""
        return any(self.values.get(name) for name in FIELDS)


def _number(text: str, name: str, errors: dict[str, str], t: Translator) -> float | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or not 0 <= value <= MAX_ECTS:
        errors[name] = t.gettext("Enter a number of credits from 0 to %(max)s.") % {"max": MAX_ECTS}
        return None
    return float(value)


def _whole(text: str, low: int, high: int) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and low <= int(text) <= high else None


def read_search(params: Mapping[str, str], t: Translator) -> SearchForm:
    """Read the form; a field with an error is left out of the query, its message in ``t``'s
    language."""
    values = {name: params.get(name, "").strip()[:MAX_TEXT] for name in FIELDS}
    errors: dict[str, str] = {}
    eqf = _whole(values["eqf_level"], 1, 8) if values["eqf_level"] else None
    if values["eqf_level"] and eqf is None:
        errors["eqf_level"] = t.gettext("Choose an EQF level from 1 to 8.")
    ects_min = _number(values["ects_min"], "ects_min", errors, t) if values["ects_min"] else None
    ects_max = _number(values["ects_max"], "ects_max", errors, t) if values["ects_max"] else None
    if ects_min is not None and ects_max is not None and ects_min > ects_max:
        errors["ects_max"] = t.gettext("The maximum must not be below the minimum.")
        ects_max = None
    language = values["language"] or None
    if language is not None:
        if is_language_tag(language):
            language = normalize_language_tag(language)
        else:
            errors["language"] = t.gettext(
                "Choose a language, or enter a language code such as fr."
            )
            language = None
    participation = values["participation"] or None
    if participation is not None:
        try:
            PARTICIPATION_FORMS.resolve(participation)
        except ValueError:
            errors["participation"] = t.gettext("Choose a form of participation from the list.")
            participation = None
    skill = values["esco_skill"] or None
    if skill is not None and not is_absolute_iri(skill):
        errors["esco_skill"] = t.gettext(
            "Enter the full address of an ESCO skill, such as http://data.europa.eu/esco/skill/…"
        )
        skill = None
    raw_page = params.get("page", "").strip()
    page = _whole(raw_page, 1, MAX_PAGE) if raw_page else 1
    if page is None:
        errors["page"] = t.gettext("The page must be a whole number from 1 to %(max)s.") % {
            "max": MAX_PAGE
        }
        page = 1
    query = CatalogueQuery(
        text=values["q"] or None,
        organisation_id=values["organisation"] or None,
        eqf_level=eqf,
        ects_min=ects_min,
        ects_max=ects_max,
        language=language,
        participation=participation,
        esco_skill=skill,
    )
    return SearchForm(values=values, query=query, page=page, errors=errors)
