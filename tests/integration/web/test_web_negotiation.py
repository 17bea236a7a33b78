"""Content negotiation of the pages (RFC 9110 §12.5): who gets HTML, which languages."""

from __future__ import annotations

import pytest

from microcred.core.model.vocabularies import EU_LANGUAGES
from microcred.web.names import LANGUAGES, language_name
from microcred.web.negotiation import accepted_languages, prefers_html


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),  # Firefox
        ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8", True),
        ("application/xhtml+xml", True),
        ("text/*", True),
        ("TEXT/HTML", True),
        (None, False),
        ("", False),
        ("*/*", False),
        ("application/json", False),
        ("application/json, text/html", False),  # a tie is not a preference
        ("text/html;q=0.5, application/json", False),
        ("text/html;q=0", False),
        ("text/html;q=oops", False),
        ("application/json;q=0.1, text/html", True),
    ],
)
def test_only_a_preference_for_html_gets_html(accept: str | None, html: bool) -> None:
    assert prefers_html(accept) is html


def test_accepted_languages_are_ranked_and_cleaned() -> None:
    assert accepted_languages("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5") == (
        "fr-CH",
        "fr",
        "en",
        "de",
    )
    assert accepted_languages("en;q=0.2, GA") == ("ga", "en")
    assert accepted_languages("de;q=0, <script>, nl") == ("nl",)
    assert accepted_languages(None) == ()
    assert len(accepted_languages(",".join(["en"] * 500 + ["fr", "de"] * 20))) <= 8


def test_every_eu_language_has_a_name() -> None:
    assert set(LANGUAGES) == set(EU_LANGUAGES)
    assert language_name("fr") == "français"
    assert language_name("fr-BE") == "français (fr-BE)"
    assert language_name("tlh") == "tlh"
