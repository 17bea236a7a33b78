"""The e-mails' words (issue 4): :class:`JinjaMailRenderer` implements the service's
:class:`microcred.service.mail.MailRenderer` port with the templates ``mail/<name>.txt`` and
``mail/<name>.html``, translated into the recipient's language like the pages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from microcred.core.i18n import Translator, supported, translator
from microcred.service.mail import OutgoingMail
from microcred.web.rendering import render_text


def _claim_subject(t: Translator, context: Mapping[str, Any]) -> str:
    return t.gettext("Your credential: %(title)s") % {"title": context.get("title") or ""}


def _sign_in_subject(t: Translator, context: Mapping[str, Any]) -> str:
    return t.gettext("Your sign-in link")


SUBJECTS: dict[str, Callable[[Translator, Mapping[str, Any]], str]] = {
    "claim": _claim_subject,
    "sign_in_link": _sign_in_subject,
}


class JinjaMailRenderer:
    """Renders ``claim`` and ``sign_in_link`` e-mails (plain text + HTML) in en, fr or de."""

    def render(self, template: str, language: str, context: Mapping[str, Any]) -> OutgoingMail:
        if template not in SUBJECTS:
            raise ValueError(f"no e-mail template {template!r}")
        lang = supported(language) or "en"
        t = translator(lang)
        values = {**context, "t": t}
        return OutgoingMail(
            subject=SUBJECTS[template](t, context),
            text=render_text(f"mail/{template}.txt", language=lang, **values),
            html=render_text(f"mail/{template}.html", language=lang, **values),
        )
