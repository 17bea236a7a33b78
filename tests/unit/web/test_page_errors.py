"""A page names a refused request by the error's type, in words the catalogues translate."""

from __future__ import annotations

from microcred.core.i18n import translator
from microcred.errors import InvalidInputError
from microcred.service.accounts import SIGN_IN_FAILED
from microcred.service.errors import NotFound, PermissionDenied, Unauthenticated
from microcred.web.page_errors import SIGN_IN_FAILED_SENTENCE, page_error


def test_expected_errors_get_a_translated_sentence_and_only_useful_detail() -> None:
    assert page_error(Unauthenticated(SIGN_IN_FAILED)).detail is None
    assert page_error(Unauthenticated(SIGN_IN_FAILED)).message == SIGN_IN_FAILED_SENTENCE
    too_many = page_error(Unauthenticated("too many failed sign-ins"))
    assert too_many.detail == "too many failed sign-ins"
    assert page_error(NotFound("user 'x' not found")).detail is None
    refused = page_error(PermissionDenied("only learners keep a DID"))
    assert refused.detail == "only learners keep a DID"
    assert translator("fr").gettext(refused.message) != refused.message
    bad = page_error(InvalidInputError("did: 'x' is not a DID"))
    assert translator("de").gettext(bad.message) == "Ihre Eingabe konnte nicht übernommen werden."


def test_an_unexpected_error_keeps_its_english_detail() -> None:
    odd = page_error(ValueError("50% of nothing"))
    assert odd.detail == "50% of nothing"
    assert translator("fr").gettext(odd.message) == "La demande n'a pas pu aboutir."
