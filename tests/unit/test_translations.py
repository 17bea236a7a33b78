"""The French and German catalogues cover every interface string (issue 4, "English, French and
German from day one"; workflow in docs/i18n.md).

The messages are extracted from the source exactly as ``pybabel extract -F babel.cfg`` does, so a
string added to the code or a template without a translation fails here with its text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from microcred.core.i18n import UI_LANGUAGES, translator
from microcred.core.model.vocabulary_labels import labels

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "src" / "microcred" / "locales"
TEMPLATE = LOCALES / "messages.pot"
TRANSLATED = [language for language in UI_LANGUAGES if language != "en"]
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);", "de": "nplurals=2; plural=(n != 1);"}

# %(name)s / %(n)d / %s (Python and Jinja2 new-style gettext) and {name} (str.format).
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%[sdfr]|\{\w*\}")
HOW_TO_FIX = (
    "run the extract/update commands of docs/i18n.md, then translate the new entries "
    "in src/microcred/locales/{fr,de}/LC_MESSAGES/messages.po"
)

MessageId = str | tuple[str, ...]


@pytest.fixture(scope="module")
def source_messages() -> set[MessageId]:
    """The message ids in the source today, read with the mapping of babel.cfg."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, str(ROOT / "babel.cfg"))  # type: ignore[no-untyped-call]
    return {
        message
        for _, _, message, _, _ in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=DEFAULT_KEYWORDS
        )
    }


def _catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as po:
        return read_po(po, locale=locale)


def _entries(catalog: Catalog) -> dict[MessageId, Message]:
    return {_key(message): message for message in catalog if message.id}


def _key(message: Message) -> MessageId:
    return message.id if isinstance(message.id, str) else tuple(message.id)


def _shown(ids: set[MessageId]) -> str:
    return "\n".join(f"  {message_id!r}" for message_id in sorted(ids, key=str))


def _strings(message: Message) -> tuple[str, ...]:
    return (message.string,) if isinstance(message.string, str) else tuple(message.string or ())


def _ids(message: Message) -> tuple[str, ...]:
    return (message.id,) if isinstance(message.id, str) else tuple(message.id)


def test_the_template_lists_exactly_the_messages_of_the_source(
    source_messages: set[MessageId],
) -> None:
    template = set(_entries(_catalog(TEMPLATE)))
    added, removed = source_messages - template, template - source_messages
    assert not added and not removed, (
        f"messages.pot is out of date ({HOW_TO_FIX}).\n"
        f"In the source, not in the template:\n{_shown(added)}\n"
        f"In the template, no longer in the source:\n{_shown(removed)}"
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_source_message_has_a_finished_translation(
    language: str, source_messages: set[MessageId]
) -> None:
    entries = _entries(_catalog(LOCALES / language / "LC_MESSAGES" / "messages.po", language))
    untranslated = {
        message_id
        for message_id in source_messages
        if message_id not in entries
        or entries[message_id].fuzzy
        or not all(s.strip() for s in _strings(entries[message_id]))
    }
    assert not untranslated, (
        f"{len(untranslated)} message(s) without a {language} translation ({HOW_TO_FIX}):\n"
        f"{_shown(untranslated)}"
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_template_message_is_translated_and_none_is_left_over(language: str) -> None:
    catalog = _catalog(LOCALES / language / "LC_MESSAGES" / "messages.po", language)
    entries = _entries(catalog)
    template = _entries(_catalog(TEMPLATE))
    assert set(template) <= set(entries), _shown(set(template) - set(entries))
    assert not catalog.obsolete, f"obsolete entries to delete: {_shown(set(catalog.obsolete))}"
    assert not catalog.fuzzy
    for message_id in template:
        message = entries[message_id]
        assert not message.fuzzy, f"fuzzy: {message_id!r}"
        assert all(s.strip() for s in _strings(message)), f"empty: {message_id!r}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders_and_markup_of_the_english(language: str) -> None:
    catalog = _catalog(LOCALES / language / "LC_MESSAGES" / "messages.po", language)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        english = _ids(message)
        for index, translation in enumerate(_strings(message)):
            source = english[min(index, len(english) - 1)]
            wanted = sorted(PLACEHOLDER.findall(source))
            if sorted(PLACEHOLDER.findall(translation)) != wanted:
                problems.append(f"{translation!r}: placeholders differ from {source!r}")
            # A stray % breaks the `%` formatting that Python and Jinja2 apply to the result.
            if PLACEHOLDER.sub("", translation).count("%") != PLACEHOLDER.sub("", source).count(
                "%"
            ):
                problems.append(f"{translation!r}: a lone % not in {source!r}")
            if sorted(re.findall(r"</?\w+", translation)) != sorted(re.findall(r"</?\w+", source)):
                problems.append(f"{translation!r}: HTML tags differ from {source!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_catalogue_declares_its_language_plural_rule(language: str) -> None:
    catalog = _catalog(LOCALES / language / "LC_MESSAGES" / "messages.po", language)
    assert (
        catalog.mime_headers
        and dict(catalog.mime_headers)["Plural-Forms"] == (PLURAL_FORMS[language])
    )
    plurals = [message for message in catalog if message.pluralizable]
    assert plurals, "the catalogues hold plural messages"
    assert all(len(_strings(message)) == catalog.num_plurals == 2 for message in plurals)


def test_the_catalogues_compile_and_apply_each_language_plural_rule() -> None:
    one, many = "%(num)s micro-credential", "%(num)s micro-credentials"
    french, german = translator("fr"), translator("de")
    assert french.gettext("Verify a credential") == "Vérifier un justificatif"
    assert german.gettext("Verify a credential") == "Einen Nachweis prüfen"
    assert french.ngettext(one, many, 0) % {"num": 0} == "0 microcertification"
    assert french.ngettext(one, many, 2) % {"num": 2} == "2 microcertifications"
    assert german.ngettext(one, many, 0) % {"num": 0} == "0 Microcredentials"
    assert german.ngettext(one, many, 1) % {"num": 1} == "1 Microcredential"


def test_eu_vocabulary_labels_are_translated_for_the_certificate() -> None:
    assert "Presential" in labels()
    assert translator("fr").gettext("Presential") == "En présentiel"
    assert translator("de").gettext("Institutional Quality Assurance") == (
        "Institutionelle Qualitätssicherung"
    )
    for language in TRANSLATED:
        untranslated = [label for label in labels() if translator(language).gettext(label) == label]
        # Names that stay the same in every language (acronyms, loanwords).
        assert set(untranslated) <= {"ECVET", "quiz", "portfolio", "Online", "Hybrid"}, untranslated
