"""Verifying whatever a person or a system presents: one entry point for pages, API and CLI.

The bytes are read by :func:`microcred.core.verify.inputs.read_presented` (JSON credential,
VC-JWT, presentation, baked PNG/SVG, OB 2.0 assertion, and the registered unwrappers: offline
bundle, PDF certificate); then an OB 3.0 / VC credential goes to the given :class:`Verifier`
(VC-DM 2.0 §7.1, OB 3.0 §9), an offline bundle to its own offline verification, a presentation
to :func:`verify_presentation` (VC-DM 2.0 §4.13), and an Open Badges 2.0 assertion to
:func:`verify_ob2` through the guarded fetcher (OB 2.0 §Verification).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from microcred.core.did.fetch import Fetcher
from microcred.core.formats.ob2 import documents_fetcher, verify_ob2
from microcred.core.verify.inputs import Presented, read_presented
from microcred.core.verify.pipeline import Verifier
from microcred.core.verify.presentation import PresentationReport, verify_presentation
from microcred.core.verify.report import VerificationReport

Report = VerificationReport | PresentationReport
"""A credential's report, or a presentation's (its own checks plus one per credential)."""


def verify_presented(
    data: bytes,
    *,
    verifier: Verifier,
    fetcher: Fetcher | None,
    filename: str | None = None,
    media_type: str | None = None,
    recipient: str | None = None,
    challenge: str | None = None,
    domain: str | None = None,
) -> tuple[Presented, Report]:
    """What ``data`` holds and its verification report.

    ``fetcher`` (the guarded one) is used only for Open Badges 2.0 (hosted assertion, badge,
    issuer, key, revocation list); ``None`` verifies offline, with those checks skipped unless
    the presented container carries the documents. ``recipient`` (e.g. an e-mail address) is
    compared with an OB 2.0 recipient identity; ``challenge`` / ``domain`` are a presentation's.
    Raises :class:`~microcred.errors.InvalidInputError` when nothing readable was presented;
    a bad credential is a report, never an exception.
    """
    presented = read_presented(data, filename=filename, media_type=media_type)
    return presented, verify_read(
        presented,
        verifier=verifier,
        fetcher=fetcher,
        recipient=recipient,
        challenge=challenge,
        domain=domain,
    )


def verify_read(
    presented: Presented,
    *,
    verifier: Verifier,
    fetcher: Fetcher | None,
    recipient: str | None = None,
    challenge: str | None = None,
    domain: str | None = None,
) -> Report:
    """The report on something already read (see :func:`verify_presented`)."""
    bundle = presented.extra.get("bundle")
    if isinstance(bundle, Mapping):
        from microcred.core.verify.bundle import verify_bundle  # registered as a plug-in

        return verify_bundle(bundle, now=verifier.clock)
    elm = presented.extra.get("elm")
    if isinstance(elm, Mapping):
        from microcred.core.verify.elm import verify_elm  # registered as a plug-in

        return verify_elm(elm, trust_anchors=verifier.seal_trust_anchors, trust=verifier.trust)
    if presented.kind == "presentation":
        assert presented.document is not None
        return verify_presentation(
            presented.document, verifier=verifier, challenge=challenge, domain=domain
        )
    if presented.kind == "ob2":
        return verify_ob2(
            presented.document if presented.document is not None else presented.text,
            fetcher=_with_local(presented.documents, fetcher),
            now=verifier.clock(),
            recipient=recipient,
        )
    return verifier.verify(presented.document if presented.document is not None else presented.text)


def _with_local(documents: Mapping[str, Any], fetcher: Fetcher | None) -> Fetcher | None:
    """Documents carried with the credential first, then the (guarded) fetcher, if any."""
    if not documents:
        return fetcher
    local = documents_fetcher(documents)

    def fetch(url: str) -> bytes:
        if url in documents or fetcher is None:
            return local(url)
        return fetcher(url)

    return fetch
