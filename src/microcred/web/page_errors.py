"""What a page says when a use case refuses (issue 4, "English, French and German from day
one"): the service's errors carry technical English for logs and the API, so a page shows a
sentence chosen by the error's type, translated, and adds the English detail only when the
sentence alone does not say what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass

from microcred.errors import InvalidInputError
from microcred.service.accounts import SIGN_IN_FAILED
from microcred.service.errors import Conflict, NotFound, PermissionDenied, Unauthenticated
from microcred.web.labels import N_

SIGN_IN_FAILED_SENTENCE = N_(
    "Sign-in failed: the e-mail address or the password is wrong, or the link has expired."
)


@dataclass(frozen=True)
class PageError:
    """``message``: an English message id the template translates (``{{ _(error) }}``);
    ``detail``: the error's own English text, printed with ``lang="en"``, or None."""

    message: str
    detail: str | None


_SENTENCES: tuple[tuple[type[Exception], str, bool], ...] = (
    # (error type, sentence, whether the English detail is worth showing)
    (NotFound, N_("It was not found, or it is not yours to see."), False),
    (PermissionDenied, N_("You are not allowed to do this."), True),
    (Conflict, N_("This cannot be done in its current state."), True),
    (InvalidInputError, N_("What you entered could not be accepted."), True),
)


def page_error(exc: Exception) -> PageError:
    """The sentence and detail a page shows for ``exc``."""
    if isinstance(exc, Unauthenticated):
        detail = str(exc)
        return PageError(SIGN_IN_FAILED_SENTENCE, None if detail == SIGN_IN_FAILED else detail)
    for kind, sentence, with_detail in _SENTENCES:
        if isinstance(exc, kind):
            return PageError(sentence, str(exc) if with_detail else None)
    return PageError(N_("The request could not be completed."), str(exc))
