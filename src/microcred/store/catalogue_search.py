"""Searchable columns of a micro-credential description (``description_to_dict`` form).

The public catalogue is searched by text, EQF level, ECTS, language, form of participation and
ESCO skill (Council Recommendation 2022/C 243/02, Annex I elements). These values are extracted
once, when a catalogue version is stored, into plain columns and facet rows that the database can
index; the description itself is stored unchanged beside them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from microcred.core.model.vocabularies import EQF_LEVELS, PARTICIPATION_FORMS, eqf_level_number

__all__ = ["SearchColumns", "norm_language", "norm_participation", "norm_text", "search_columns"]


@dataclass(frozen=True)
class SearchColumns:
    """What the catalogue search looks at; ``facets`` are (kind, value) pairs."""

    text: str
    eqf_level: int | None
    ects: float | None
    facets: frozenset[tuple[str, str]]


def norm_text(value: str) -> str:
    """Case-insensitive form used on both sides of a text match (Unicode case folding)."""
    return value.casefold()


def norm_language(value: str) -> str:
    return value.strip().lower()


def norm_participation(value: str) -> str:
    """The concept IRI for an alias, label or IRI; unknown values compare case-insensitively."""
    try:
        return PARTICIPATION_FORMS.resolve(value)
    except ValueError:
        return value.strip().casefold()


def _texts(value: Any) -> Iterator[str]:
    """Every string of a language map (``{"en": ..., "fr": ...}``) or a plain string."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        yield from (v for v in value.values() if isinstance(v, str))


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _eqf(description: Mapping[str, Any]) -> int | None:
    level = description.get("level")
    raw = level.get("eqf") if isinstance(level, Mapping) else description.get("eqf")
    if raw is None or isinstance(raw, bool):
        return None
    try:
        return eqf_level_number(EQF_LEVELS.resolve(str(raw)))
    except ValueError:
        return None


def _ects(description: Mapping[str, Any]) -> float | None:
    workload = description.get("workload")
    raw = workload.get("ects") if isinstance(workload, Mapping) else description.get("ects")
    if raw is None or isinstance(raw, bool):
        return None
    try:
        return float(raw)
    except (TypeError, ValueError):
        return None


def _skill_iri(item: Any) -> str | None:
    if isinstance(item, str):
        return item
    if isinstance(item, Mapping) and isinstance(item.get("iri"), str):
        return str(item["iri"])
    return None


def search_columns(description: Mapping[str, Any]) -> SearchColumns:
    """Extract the search columns: text of title, description and learning outcomes in every
    language; EQF level; ECTS; languages (``languages``, else the title's languages); forms of
    participation; ESCO skills of the whole credential and of each learning outcome."""
    outcomes = [o for o in _list(description.get("learning_outcomes")) if isinstance(o, Mapping)]
    texts = [
        *_texts(description.get("title")),
        *_texts(description.get("description")),
        *(t for o in outcomes for t in _texts(o.get("text"))),
    ]
    languages = _list(description.get("languages"))
    if not languages and isinstance(description.get("title"), Mapping):
        languages = list(description["title"])
    skills = [
        *_list(description.get("esco_skills")),
        *(s for o in outcomes for s in _list(o.get("esco"))),
    ]
    facets = {("language", norm_language(x)) for x in languages if isinstance(x, str)}
    facets |= {
        ("participation", norm_participation(x))
        for x in _list(description.get("participation"))
        if isinstance(x, str)
    }
    facets |= {("esco_skill", iri) for s in skills if (iri := _skill_iri(s))}
    return SearchColumns(
        text=norm_text("\n".join(texts)),
        eqf_level=_eqf(description),
        ects=_ects(description),
        facets=frozenset((kind, value[:512]) for kind, value in facets),
    )
