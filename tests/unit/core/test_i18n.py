"""The interface languages: catalogue loading, negotiation, locale formatting."""

from __future__ import annotations

from datetime import UTC, date, datetime

from microcred.core.i18n import UI_LANGUAGES, negotiate, parse_accept_language, translator


def test_french_and_german_catalogues_translate_and_english_is_the_source() -> None:
    assert translator("fr").gettext("Verify a credential") == "Vérifier un justificatif"
    assert translator("de").gettext("Verify a credential") == "Einen Nachweis prüfen"
    assert translator("en").gettext("Verify a credential") == "Verify a credential"


def test_an_unknown_message_falls_back_to_english() -> None:
    assert translator("de").gettext("No such message here") == "No such message here"


def test_regional_tags_fall_back_to_their_language_and_unknown_ones_to_english() -> None:
    assert translator("fr-BE").language == "fr"
    assert translator("de_AT").language == "de"
    assert translator("pt-PT").language == "en"
    assert translator(None).language == "en"


def test_accept_language_is_ordered_by_quality_then_position() -> None:
    header = "de;q=0.5, fr-CH, en;q=0.8, *;q=0.1, it;q=0"
    assert parse_accept_language(header) == ["fr-CH", "en", "de"]
    assert negotiate(parse_accept_language("it, de;q=0.9")) == "de"
    assert negotiate([None, "", "es"]) == "en"
    assert parse_accept_language("fr;q=abc, de") == ["de"]


def test_dates_and_numbers_follow_the_locale() -> None:
    day = date(2026, 11, 22)
    assert translator("en").date(day) == "November 22, 2026"
    assert translator("fr").date(day) == "22 novembre 2026"
    assert translator("de").date(datetime(2026, 11, 22, 9, tzinfo=UTC)) == "22. November 2026"
    assert translator("fr").number(7.5) == "7,5"
    assert translator("de").number(1500.25) == "1.500,25"
    assert translator("en").number(None) == ""


def test_every_interface_language_has_a_catalogue() -> None:
    for language in UI_LANGUAGES:
        assert translator(language).gettext("Verify a credential")


def test_durations_are_written_in_words_with_each_language_plural() -> None:
    assert translator("en").duration("P1Y6M") == "1 year, 6 months"
    assert translator("fr").duration("P1Y2W") == "1 an, 2 semaines"
    assert translator("de").duration("P5Y1D") == "5 Jahre, 1 Tag"
    assert translator("de").duration("PT3H") == "PT3H"  # hours are not in words: as given
    assert translator("fr").duration(None) is None
