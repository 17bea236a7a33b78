"""The trust registry: accredited providers and a pure lookup of an issuer on a date.

An entry names a provider by DID with its legal name, country, type of quality assurance (an EU
``accreditation`` concept IRI, Council Recommendation 2022/C 243/02 Annex I element 11), the
accrediting body and the period the accreditation is valid. :func:`trust_of` answers "is this
issuer in the registry, for which quality assurance, and was that valid on the issuing date?".
Entries are imported from JSON or CSV with one error per bad row, and published as a signed
``TrustedProviderList`` credential (see :func:`registry_list_credential`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from microcred.core.model.countries import is_country_code
from microcred.core.model.vocabularies import QUALITY_ASSURANCE_TYPES, is_absolute_iri
from microcred.errors import SpecValidationError

FIELDS = (
    "did",
    "legal_name",
    "country",
    "qa_type",
    "accrediting_body",
    "valid_from",
    "valid_until",
)
REQUIRED_FIELDS = FIELDS[:6]
LIST_TYPE = "TrustedProviderList"
ENTRY_TYPE = "TrustedProvider"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
UNDEFINED_TERMS = "https://www.w3.org/ns/credentials/undefined-terms/v2"


class NoRegistry(LookupError):  # noqa: N818 -- a state, not a failure
    """There is no trust registry to consult (none configured, or it is empty)."""


@dataclass(frozen=True)
class TrustedProvider:
    """One accreditation of a provider: who, under which quality assurance, from when to when."""

    did: str
    legal_name: str
    country: str
    qa_type: str
    accrediting_body: str
    valid_from: datetime
    valid_until: datetime | None = None

    def valid_at(self, at: datetime) -> bool:
        """True when ``at`` falls in ``[valid_from, valid_until)``."""
        return self.valid_from <= at and (self.valid_until is None or at < self.valid_until)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used by import files, the API and the signed list."""
        return {
            "did": self.did,
            "legal_name": self.legal_name,
            "country": self.country,
            "qa_type": self.qa_type,
            "qa_label": QUALITY_ASSURANCE_TYPES.by_iri(self.qa_type).label  # type: ignore[union-attr]
            if QUALITY_ASSURANCE_TYPES.by_iri(self.qa_type)
            else self.qa_type,
            "accrediting_body": self.accrediting_body,
            "valid_from": _stamp(self.valid_from),
            **({"valid_until": _stamp(self.valid_until)} if self.valid_until else {}),
        }


@dataclass(frozen=True)
class TrustResult:
    """What the registry says about an issuer on a date.

    ``listed``: the issuer has at least one entry; ``valid``: one of them covered ``at``
    (or, with no date known, covers none in particular: then ``valid`` is None).
    ``accreditations`` are the entries that were valid at ``at`` (all entries when ``at`` is None
    or none was valid).
    """

    issuer: str | None
    at: datetime | None
    listed: bool
    valid: bool | None
    accreditations: tuple[TrustedProvider, ...] = ()

    @property
    def trusted(self) -> bool:
        """Listed with an accreditation valid on the date."""
        return self.listed and self.valid is True

    def describe(self) -> str:
        """One plain sentence for a report."""
        who = self.issuer or "the issuer"
        if not self.listed:
            return f"not from a trusted provider: {who} is not in the trust registry"
        qa = "; ".join(
            f"{_qa_label(a.qa_type)} by {a.accrediting_body}" for a in self.accreditations
        )
        if self.valid is None:
            return f"{who} is in the trust registry ({qa}); the issuing date is unknown"
        when = self.at.date().isoformat() if self.at else "?"
        if self.valid:
            return f"trusted provider: {who} is accredited ({qa}), valid on the issuing date {when}"
        return (
            f"not from a trusted provider on the issuing date {when}: {who} is in the trust "
            f"registry ({qa}) but that accreditation was not valid then"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "at": _stamp(self.at) if self.at else None,
            "listed": self.listed,
            "validOnIssuingDate": self.valid,
            "accreditations": [a.to_dict() for a in self.accreditations],
        }


@dataclass(frozen=True)
class TrustRegistry:
    """An immutable set of entries; :meth:`trust_of` is the pure lookup."""

    entries: tuple[TrustedProvider, ...] = field(default_factory=tuple)

    def trust_of(self, issuer_did: str | None, at: datetime | None) -> TrustResult:
        """Is ``issuer_did`` in the registry, and was an accreditation valid at ``at``?"""
        mine = tuple(e for e in self.entries if issuer_did and e.did == issuer_did)
        if not mine:
            return TrustResult(issuer_did, at, listed=False, valid=False)
        if at is None:
            return TrustResult(issuer_did, at, listed=True, valid=None, accreditations=mine)
        valid = tuple(e for e in mine if e.valid_at(at))
        return TrustResult(
            issuer_did, at, listed=True, valid=bool(valid), accreditations=valid or mine
        )


def _qa_label(iri: str) -> str:
    concept = QUALITY_ASSURANCE_TYPES.by_iri(iri)
    return concept.label if concept else iri


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _moment(value: object, name: str, problems: list[str]) -> datetime | None:
    """A date (``2026-01-01``) or a date-time with a time zone, as an aware datetime."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            problems.append(f"{name}: must have a time zone")
            return None
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{name}: must be a date (YYYY-MM-DD) or a date-time with a time zone")
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        problems.append(f"{name}: {text!r} is not a date (YYYY-MM-DD) or an ISO 8601 date-time")
        return None
    if moment.tzinfo is None:
        problems.append(f"{name}: {text!r} must have a time zone")
        return None
    return moment


def provider_from_mapping(row: Mapping[str, Any]) -> TrustedProvider:
    """One entry from its JSON form; SpecValidationError lists every problem."""
    problems: list[str] = []
    if not isinstance(row, Mapping):
        raise SpecValidationError(["must be an object"])
    unknown = sorted(str(k) for k in row if k not in FIELDS and k != "qa_label")
    if unknown:
        problems.append(f"unknown fields {', '.join(unknown)}; allowed: {', '.join(FIELDS)}")
    for name in REQUIRED_FIELDS:
        value = row.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(f"{name}: is required")
    did = row.get("did")
    if did is not None and not (isinstance(did, str) and did.startswith("did:")):
        problems.append(f"did: {did!r} is not a DID (did:method:...)")
    for name in ("legal_name", "accrediting_body"):
        value = row.get(name)
        if value is not None and not isinstance(value, str):
            problems.append(f"{name}: must be text")
    country = row.get("country")
    if country is not None and not is_country_code(country):
        problems.append(f"country: {country!r} is not an ISO 3166-1 alpha-2 code (e.g. IE)")
    qa_type = ""
    if row.get("qa_type") is not None:
        try:
            qa_type = QUALITY_ASSURANCE_TYPES.resolve(row.get("qa_type"))
        except ValueError as exc:
            problems.append(f"qa_type: {exc}")
    valid_from = (
        _moment(row.get("valid_from"), "valid_from", problems)
        if row.get("valid_from") not in (None, "")
        else None
    )
    valid_until = None
    if row.get("valid_until") not in (None, ""):
        valid_until = _moment(row.get("valid_until"), "valid_until", problems)
    if valid_from and valid_until and valid_until <= valid_from:
        problems.append("valid_until: must be after valid_from")
    if problems:
        raise SpecValidationError(problems)
    assert valid_from is not None and is_absolute_iri(qa_type)
    return TrustedProvider(
        did=str(did),
        legal_name=str(row["legal_name"]).strip(),
        country=str(country),
        qa_type=qa_type,
        accrediting_body=str(row["accrediting_body"]).strip(),
        valid_from=valid_from,
        valid_until=valid_until,
    )


def providers_from_rows(
    rows: Iterable[Mapping[str, Any]], *, first: int = 1
) -> list[TrustedProvider]:
    """Every row as an entry; SpecValidationError with ``row N: ...`` for each bad row."""
    found: list[TrustedProvider] = []
    problems: list[str] = []
    for number, row in enumerate(rows, first):
        try:
            found.append(provider_from_mapping(row))
        except SpecValidationError as exc:
            problems += [f"row {number}: {p}" for p in exc.problems]
    if problems:
        raise SpecValidationError(problems)
    return found


def parse_registry_json(text: str | bytes) -> list[TrustedProvider]:
    """Entries from a JSON array of objects (or ``{"providers": [...]}``, or a signed list)."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SpecValidationError([f"registry file: not JSON ({exc})"]) from exc
    if isinstance(data, Mapping) and LIST_TYPE in _as_list(data.get("type")):
        return providers_of_list_credential(data)
    if isinstance(data, Mapping):
        data = data.get("providers")
    if not isinstance(data, list):
        raise SpecValidationError(
            ['registry file: expected a JSON array of providers or {"providers": [...]}']
        )
    return providers_from_rows(data)


def parse_registry_csv(text: str | bytes) -> list[TrustedProvider]:
    """Entries from CSV with a header row naming the fields; row numbers count the header."""
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [f for f in REQUIRED_FIELDS if f not in header]
    if missing:
        raise SpecValidationError([f"registry file: the CSV header lacks {', '.join(missing)}"])
    reader.fieldnames = header
    rows = [
        {k: (v.strip() if isinstance(v, str) else v) for k, v in row.items() if k} for row in reader
    ]
    return providers_from_rows(rows, first=2)


def parse_registry(text: str | bytes, *, name: str = "") -> list[TrustedProvider]:
    """JSON or CSV, by file name (``.csv``) or by content (JSON starts with ``[`` or ``{``)."""
    head = (text.decode("utf-8-sig") if isinstance(text, bytes) else text).lstrip()[:1]
    if name.lower().endswith(".csv") or head not in ("[", "{"):
        return parse_registry_csv(text)
    return parse_registry_json(text)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def registry_list_credential(
    providers: Sequence[TrustedProvider],
    *,
    issuer: str,
    issuer_name: str,
    list_id: str,
    valid_from: datetime,
) -> dict[str, Any]:
    """The unsigned ``TrustedProviderList`` credential publishing ``providers``.

    Only W3C contexts are used: the list's own terms (``TrustedProviderList``, ``provider``...)
    are issuer-dependent terms under the ``@vocab`` of the VC 2.0 undefined-terms context
    (VC-DM 2.0 §5.2), so the list verifies with any conforming verifier without a new
    context file.
    """
    return {
        "@context": [VC_V2, UNDEFINED_TERMS],
        "id": list_id,
        "type": ["VerifiableCredential", LIST_TYPE],
        "issuer": {"id": issuer, "name": issuer_name},
        "validFrom": _stamp(valid_from),
        "credentialSubject": {
            "id": list_id + "#providers",
            "type": "TrustedProviders",
            "provider": [
                {"type": ENTRY_TYPE, **p.to_dict()}
                for p in sorted(providers, key=lambda p: (p.did, p.valid_from))
            ],
        },
    }


def providers_of_list_credential(document: Mapping[str, Any]) -> list[TrustedProvider]:
    """The entries of a ``TrustedProviderList`` credential (its proof is checked elsewhere)."""
    subject = document.get("credentialSubject")
    if not isinstance(subject, Mapping):
        raise SpecValidationError(["trusted provider list: credentialSubject must be an object"])
    rows = [
        {k: v for k, v in item.items() if k != "type"}
        for item in _as_list(subject.get("provider"))
        if isinstance(item, Mapping)
    ]
    return providers_from_rows(rows)
