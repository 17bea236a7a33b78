"""The offline verification bundle: a credential with everything needed to verify it later.

Issue 4, "Export": one JSON document (``application/json``) holding

- ``credential``: the signed credential, exactly as issued (JSON text or a compact VC-JWT);
- ``controllerDocuments``: the issuer's DID document and the controller document of every
  verification method used by the credential and its status lists (W3C CID 1.0 §3.3);
- ``statusLists``: each Bitstring Status List credential (BSL 1.0 §2.2) with the time it was
  fetched (``fetched``): status in the bundle is status *as of* that time;
- ``contexts``: every JSON-LD context the credential and the lists use (JSON-LD 1.1 §9), taken
  from microcred's hash-pinned contexts, or as fetched for contexts microcred does not ship;
- ``type`` ``MicrocredVerificationBundle``, ``version`` 1 and ``created``.

:func:`verify_bundle` runs the core :class:`~microcred.core.verify.pipeline.Verifier` with a
loader, DID resolver and status-list source that read only from the bundle. A bundle whose copy of
a context differs from microcred's pinned copy of the same URL is refused (context substitution
would change what the signature covers). Registers the ``bundle`` unwrapper of
:mod:`microcred.core.verify.inputs`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from microcred.core.did.key import DidKeyMethod
from microcred.core.did.resolver import Resolver
from microcred.core.jsonld.loader import StaticDocumentLoader, default_loader
from microcred.core.verify.checks import StatusListSource, as_list, issuer_id, parse_datetime
from microcred.core.verify.inputs import (
    EXTRA_DOCUMENTS,
    Presented,
    classify_text,
    jws_payload,
    register_unwrapper,
)
from microcred.core.verify.parse import parse_credential_input
from microcred.core.verify.pipeline import Verifier
from microcred.core.verify.report import CheckResult, Outcome, VerificationReport
from microcred.errors import (
    MICROCRED,
    VC_ERRORS,
    DocumentParseError,
    InvalidInputError,
    MicrocredError,
)

__all__ = [
    "BUNDLE_MEDIA_TYPE",
    "BUNDLE_TYPE",
    "BUNDLE_VERSION",
    "StatusSnapshot",
    "make_bundle",
    "parse_bundle",
    "verify_bundle",
]

BUNDLE_TYPE = "MicrocredVerificationBundle"
BUNDLE_VERSION = 1
BUNDLE_MEDIA_TYPE = "application/json"
BUNDLE_CHECK = "offline bundle"
MAX_BUNDLE_BYTES = 8 * 1024 * 1024


@dataclasses.dataclass(frozen=True)
class StatusSnapshot:
    """A status list credential and when it was fetched."""

    url: str
    credential: Mapping[str, Any]
    fetched: datetime


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _credential_object(text: str) -> Mapping[str, Any]:
    parsed = parse_credential_input(text)
    if isinstance(parsed, dict):
        return parsed
    payload = jws_payload(parsed) or {}
    vc = payload.get("vc", payload)
    return vc if isinstance(vc, Mapping) else {}


def _verification_methods(text: str, document: Mapping[str, Any]) -> list[str]:
    """Verification method URLs a credential's proofs (or its JWS ``kid``) name."""
    found: list[str] = []
    for proof in as_list(document.get("proof")):
        vm = proof.get("verificationMethod") if isinstance(proof, Mapping) else None
        if isinstance(vm, str):
            found.append(vm)
    token = text.strip()
    if not token.startswith("{") and "." in token:
        header = jws_payload(f"x.{token.split('.')[0]}.x")  # the header, read like a payload
        kid = header.get("kid") if header else None
        if isinstance(kid, str):
            found.append(f"{issuer_id(document) or ''}{kid}" if kid.startswith("#") else kid)
    return found


def _controllers(
    items: Iterable[tuple[str, Mapping[str, Any]]], resolver: Resolver
) -> dict[str, Mapping[str, Any]]:
    """The issuer's document and each verification method's controller document, by ``id``."""
    wanted: list[str] = []
    for text, document in items:
        issuer = issuer_id(document)
        if issuer and issuer.startswith("did:"):
            wanted.append(issuer)
        for vm in _verification_methods(text, document):
            wanted.append(vm.split("#", 1)[0])
    documents: dict[str, Mapping[str, Any]] = {}
    for url in dict.fromkeys(wanted):
        try:
            documents[url] = resolver.resolve_document(url)
        except MicrocredError:
            continue  # the bundle's verification will say which key it could not find
        for relation in as_list(documents[url].get("verificationMethod")):
            controller = relation.get("controller") if isinstance(relation, Mapping) else None
            if isinstance(controller, str) and controller not in documents:
                try:
                    documents[controller] = resolver.resolve_document(controller)
                except MicrocredError:
                    continue
    return documents


def _context_urls(documents: Iterable[Mapping[str, Any]]) -> list[str]:
    urls: list[str] = []
    for document in documents:
        urls += [c for c in as_list(document.get("@context")) if isinstance(c, str)]
        for proof in as_list(document.get("proof")):
            if isinstance(proof, Mapping):
                urls += [c for c in as_list(proof.get("@context")) if isinstance(c, str)]
    return list(dict.fromkeys(urls))


def make_bundle(
    credential_text: str,
    *,
    resolver: Resolver,
    status_lists: Mapping[str, StatusSnapshot] | Iterable[StatusSnapshot],
    created: datetime,
    loader: StaticDocumentLoader | None = None,
) -> dict[str, Any]:
    """The bundle of ``credential_text`` with the given status list snapshots.

    ``resolver`` gives the controller documents (it may fetch: this is when the bundle is
    made); ``loader`` the contexts (bundled ones always come from microcred's pinned copies).
    Raises :class:`DocumentParseError` when the text is not a credential and
    :class:`InvalidInputError` when a context it uses is not available.
    """
    document = _credential_object(credential_text)
    snapshots = list(status_lists.values() if isinstance(status_lists, Mapping) else status_lists)
    loader = loader or default_loader()
    lists = [(json.dumps(s.credential), s.credential) for s in snapshots]
    controllers = _controllers([(credential_text, document), *lists], resolver)
    contexts = []
    for url in _context_urls([document, *(s.credential for s in snapshots)]):
        try:
            contexts.append({"url": url, "document": loader.document(url)})
        except MicrocredError as exc:
            raise InvalidInputError(f"the bundle cannot include the context {url}: {exc}") from exc
    return {
        "type": BUNDLE_TYPE,
        "version": BUNDLE_VERSION,
        "created": _timestamp(created),
        "credential": credential_text,
        "controllerDocuments": list(controllers.values()),
        "statusLists": [
            {"url": s.url, "fetched": _timestamp(s.fetched), "credential": dict(s.credential)}
            for s in snapshots
        ],
        "contexts": contexts,
    }


@dataclasses.dataclass(frozen=True)
class _Bundle:
    credential: str
    created: datetime
    controllers: dict[str, Mapping[str, Any]]
    lists: dict[str, Mapping[str, Any]]
    fetched: dict[str, datetime]
    contexts: dict[str, Any]


def _need(node: Mapping[str, Any], key: str, kind: type, what: str) -> Any:
    value = node.get(key)
    if not isinstance(value, kind):
        raise DocumentParseError(f"the bundle's {what} is missing or not a {kind.__name__}")
    return value


def _objects(node: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    items = node.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise DocumentParseError(f"the bundle's {key} must be a list of objects")
    return items


def _read(bundle: Mapping[str, Any]) -> _Bundle:
    if bundle.get("type") != BUNDLE_TYPE:
        raise DocumentParseError(f"not a verification bundle: its type is not {BUNDLE_TYPE!r}")
    if bundle.get("version") != BUNDLE_VERSION:
        raise DocumentParseError(
            f"verification bundle version {bundle.get('version')!r} is not supported "
            f"(this microcred reads version {BUNDLE_VERSION})"
        )
    created = parse_datetime(_need(bundle, "created", str, "creation time (created)"))
    if created is None:
        raise DocumentParseError("the bundle's creation time (created) is not a date-time")
    controllers = {}
    for doc in _objects(bundle, "controllerDocuments"):
        controllers[_need(doc, "id", str, "controller document id")] = doc
    lists: dict[str, Mapping[str, Any]] = {}
    fetched: dict[str, datetime] = {}
    for entry in _objects(bundle, "statusLists"):
        url = _need(entry, "url", str, "status list url")
        when = parse_datetime(_need(entry, "fetched", str, f"fetch time of {url}"))
        if when is None:
            raise DocumentParseError(f"the bundle's fetch time of {url} is not a date-time")
        lists[url] = _need(entry, "credential", Mapping, f"status list {url}")
        fetched[url] = when
    contexts = {}
    for entry in _objects(bundle, "contexts"):
        contexts[_need(entry, "url", str, "context url")] = entry.get("document")
    return _Bundle(
        credential=_need(bundle, "credential", str, "credential"),
        created=created,
        controllers=controllers,
        lists=lists,
        fetched=fetched,
        contexts=contexts,
    )


def parse_bundle(data: bytes | str) -> dict[str, Any]:
    """A bundle document from JSON; raises :class:`DocumentParseError` naming the problem."""
    if len(data) > MAX_BUNDLE_BYTES:
        raise DocumentParseError(f"the bundle is larger than {MAX_BUNDLE_BYTES:,} bytes")
    try:
        bundle = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise DocumentParseError(f"the bundle is not JSON: {exc}") from exc
    if not isinstance(bundle, dict):
        raise DocumentParseError("the bundle is not a JSON object")
    _read(bundle)
    return bundle


def _loader(contexts: Mapping[str, Any]) -> StaticDocumentLoader:
    try:
        return StaticDocumentLoader(contexts)
    except InvalidInputError as exc:
        raise InvalidInputError(
            f"the bundle is refused: it replaces a pinned JSON-LD context ({exc}); "
            "a substituted context could change what the signature covers"
        ) from exc


def _refused(reason: str, problem_type: str) -> VerificationReport:
    return VerificationReport((CheckResult(BUNDLE_CHECK, Outcome.FAILED, reason, problem_type),))


def verify_bundle(
    bundle: Mapping[str, Any],
    *,
    now: datetime | Callable[[], datetime],
) -> VerificationReport:
    """Verify the bundle's credential with only what the bundle holds (no network).

    Status checks say "as of" the time each status list was fetched; an informative
    ``offline bundle`` check says when the bundle was made. A malformed bundle or one that
    replaces a pinned context is one failed ``offline bundle`` check.
    """
    try:
        read = _read(bundle)
        loader = _loader(read.contexts)
    except MicrocredError as exc:
        problem = (
            MICROCRED + "CONTEXT_SUBSTITUTION"
            if "pinned" in str(exc)
            else (VC_ERRORS + "PARSING_ERROR")
        )
        return _refused(str(exc), problem)
    clock = now if callable(now) else (lambda: now)
    status: StatusListSource = read.lists.get
    report = Verifier(
        loader=loader,
        resolver=Resolver((DidKeyMethod(),), read.controllers),
        status_lists=status,
        clock=clock,
    ).verify(read.credential)
    return _annotated(report, read)


def _annotated(report: VerificationReport, read: _Bundle) -> VerificationReport:
    as_of = sorted(read.fetched.values())
    when = _timestamp(as_of[0]) if as_of else None
    checks: list[CheckResult] = []
    for original in report.checks:
        check = original
        if (
            check.name.endswith("status")
            and when is not None
            and check.outcome is not Outcome.SKIPPED
        ):
            check = dataclasses.replace(
                original,
                reason=f"{check.reason} (as of {when}, when the bundle's status list was fetched)",
                details={**check.details, "asOf": when},
            )
        checks.append(check)
    note = f"verified offline from a bundle made {_timestamp(read.created)}"
    if when is not None:
        note += f"; revocation status is as of {when}, not today"
    checks.append(
        CheckResult(
            BUNDLE_CHECK,
            Outcome.PASSED,
            note,
            required=False,
            details={"created": _timestamp(read.created), "statusAsOf": when},
        )
    )
    return VerificationReport(tuple(checks), report.summary)


class BundleUnwrapper:
    """Reads a bundle presented for verification (:mod:`microcred.core.verify.inputs`)."""

    name = "bundle"

    def sniff(self, data: bytes) -> bool:
        head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head.startswith(b"{") or BUNDLE_TYPE.encode() not in data:
            return False
        try:
            document = json.loads(data)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return False
        return isinstance(document, dict) and document.get("type") == BUNDLE_TYPE

    def unwrap(self, data: bytes) -> Presented:
        bundle = parse_bundle(data)
        read = _read(bundle)
        presented = classify_text(read.credential, source="verification bundle")
        documents: dict[str, Any] = {**read.contexts, **read.controllers, **read.lists}
        return dataclasses.replace(presented, extra={EXTRA_DOCUMENTS: documents, "bundle": bundle})


register_unwrapper(BundleUnwrapper())
