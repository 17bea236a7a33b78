"""LanguageMap: BCP 47 keyed multilingual text."""

from __future__ import annotations

import pytest

from microcred.core.model import LanguageMap


def test_best_prefers_exact_then_primary_subtag_then_english_then_first() -> None:
    text = LanguageMap({"fr": "Bonjour", "en-GB": "Hello", "de-AT": "Servus"})
    assert text.best() == "Bonjour"
    assert text.best("de-AT") == "Servus"
    assert text.best("de") == "Servus"
    assert text.best("en-US") == "Hello"
    assert text.best("it") == "Hello"
    assert LanguageMap({"fr": "Bonjour"}).best("it") == "Bonjour"
    assert LanguageMap().best("en") == ""


def test_tags_are_normalised_and_the_map_is_immutable_and_hashable() -> None:
    text = LanguageMap({"EN-gb": "Hi", "sr-latn-RS": "Zdravo"})
    assert list(text) == ["en-GB", "sr-Latn-RS"]
    assert text.primary_language == "en-GB"
    assert text == {"en-GB": "Hi", "sr-Latn-RS": "Zdravo"}
    assert hash(text) == hash(LanguageMap({"sr-Latn-RS": "Zdravo", "en-GB": "Hi"}))
    with pytest.raises(AttributeError):
        text._items = ()  # type: ignore[misc]
    assert LanguageMap.of("Hallo", "de").to_dict() == {"de": "Hallo"}
