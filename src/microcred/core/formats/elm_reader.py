"""Reading Europass credentials: ELM v3 ``EuropeanDigitalCredential`` -> Annex I elements.

Any ELM v3 credential is read (the EC samples, EDC-issued ones, our exports): bare JSON-LD, the
JAdES JSON envelope EDC seals it in (``{"payload": "<credential>", "signatures": [...]}``,
STANDARDS.md §2.5) or the EDC "uploadable" wrapper ``{"credential": {...}}``. The paths are those
of STANDARDS.md §2.4; element names are the shared Annex I names of
:mod:`microcred.core.formats.completeness`, so every format reports the same way. Concepts are
given as their IRIs, texts as language maps. Reading never raises on hostile input.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from microcred.core.formats.completeness import ANNEX_I_MANDATORY, ANNEX_I_OPTIONAL, EuCompleteness
from microcred.core.formats.ob3 import _ids, _lang_map, _obj, _objs, _str, _strs
from microcred.core.model.countries import country_from_nal_iri

__all__ = ["ElmSummary", "is_elm", "read_elm", "unwrap_elm"]

_EDC_CONTEXTS = (
    "http://data.europa.eu/snb/model/context/edc-ap",
    "https://data.europa.eu/snb/model/context/edc-ap",
)


def unwrap_elm(document: object) -> Mapping[str, Any] | None:
    """The credential inside a JAdES envelope or an uploadable wrapper (or ``document`` itself
    when it is a credential); None when there is no JSON object to read."""
    doc = _obj(document)
    if isinstance(doc.get("payload"), str) and "signatures" in doc:
        try:
            doc = _obj(json.loads(doc["payload"]))
        except ValueError:
            return None
    if "@context" not in doc and isinstance(doc.get("credential"), Mapping):
        doc = doc["credential"]
    return doc or None


def is_elm(document: object) -> bool:
    """True for an ELM credential (bare, enveloped or wrapped); never raises."""
    doc = unwrap_elm(document)
    if doc is None:
        return False
    return "EuropeanDigitalCredential" in _strs(doc.get("type")) or any(
        c in _EDC_CONTEXTS for c in _strs(doc.get("@context"))
    )


@dataclass(frozen=True)
class ElmSummary:
    """What an ELM credential says: its id, issuer, title and the Annex I elements found."""

    id: str | None
    issuer_id: str | None
    issuer_name: dict[str, str] | None
    title: dict[str, str] | None
    valid_from: str | None
    valid_until: str | None
    completeness: EuCompleteness = field(
        default_factory=lambda: EuCompleteness(present=(), missing=ANNEX_I_MANDATORY)
    )


def _claim(subject: Mapping[str, Any]) -> Mapping[str, Any]:
    claims = _objs(subject.get("hasClaim"))
    for claim in claims:
        if "LearningAchievement" in _strs(claim.get("type")):
            return claim
    return claims[0] if claims else {}


def _notes(value: object) -> list[dict[str, str]]:
    return [m for m in (_lang_map(n.get("noteLiteral")) for n in _objs(value)) if m]


def _learner(subject: Mapping[str, Any]) -> dict[str, Any] | None:
    value: dict[str, Any] = {}
    for key in ("fullName", "givenName", "familyName"):
        if text := _lang_map(subject.get(key)):
            value[key] = text
    if birth := _str(subject.get("dateOfBirth")):
        value["dateOfBirth"] = birth
    for key in ("nationalID", "nationalId"):
        if notation := _str(_obj(subject.get(key)).get("notation")):
            value["nationalId"] = notation
    emails = [
        ident[len("mailto:") :]
        for point in _objs(subject.get("contactPoint"))
        for ident in _ids(point.get("emailAddress"))
        if ident.startswith("mailto:")
    ]
    if emails:
        value["email"] = emails
    if value and (ident := _str(subject.get("id"))):
        value["id"] = ident
    return value or None


def _locations(organisations: list[Mapping[str, Any]]) -> dict[str, Any] | None:
    countries: list[str] = []
    regions: list[str] = []
    for org in organisations:
        for location in _objs(org.get("location")):
            for address in _objs(location.get("address")):
                for iri in _ids(address.get("countryCode")):
                    code = country_from_nal_iri(iri) or iri
                    if code not in countries:
                        countries.append(code)
            regions.extend(r for r in _ids(location.get("spatialCode")) if r not in regions)
        if countries:
            break
    if not countries:
        return None
    return {"countries": countries, **({"regions": regions} if regions else {})}


def _body(org: Mapping[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if ident := _str(org.get("id")):
        body["id"] = ident
    if name := _lang_map(org.get("legalName")):
        body["name"] = name
    return body


def _outcomes(spec: Mapping[str, Any]) -> list[Any]:
    outcomes: list[Any] = []
    for outcome in _objs(spec.get("learningOutcome")):
        entry: dict[str, Any] = {}
        if title := _lang_map(outcome.get("title")):
            entry["text"] = title
        if skills := _ids(outcome.get("relatedESCOSkill")):
            entry["escoSkills"] = skills
        if entry:
            outcomes.append(entry)
    if not outcomes and (summary := _notes(spec.get("learningOutcomeSummary"))):
        outcomes.extend({"text": text} for text in summary)
    return outcomes


def _workload(spec: Mapping[str, Any]) -> dict[str, Any] | None:
    value: dict[str, Any] = {}
    credits = [
        {"framework": (_ids(c.get("framework")) or [""])[0], "points": _str(c.get("point"))}
        for c in _objs(spec.get("creditPoint"))
        if _str(c.get("point"))
    ]
    if credits:
        value["credits"] = credits
    if volume := _str(spec.get("volumeOfLearning")):
        value["volumeOfLearning"] = volume
    return value or None


def _level(spec: Mapping[str, Any]) -> dict[str, Any] | None:
    value: dict[str, Any] = {}
    for key, out in (("eqfLevel", "eqf"), ("nqfLevel", "nqf"), ("educationLevel", "other")):
        if found := _ids(spec.get(key)):
            value[out] = found if len(found) > 1 else found[0]
    return value or None


def _assessments(claim: Mapping[str, Any], spec: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    specs = [_obj(a.get("specifiedBy")) for a in _objs(claim.get("provenBy"))]
    for assessment_spec in [*specs, *_objs(spec.get("provenBy"))]:
        found.extend(t for t in _ids(assessment_spec.get("dcType")) if t not in found)
    if not found:  # an assessment with no type still says one took place
        found.extend(_str(a.get("id")) or "assessment" for a in _objs(claim.get("provenBy")))
    return found


def _participation(claim: Mapping[str, Any], spec: Mapping[str, Any]) -> list[str]:
    found = _ids(spec.get("mode")) + _ids(spec.get("learningSetting"))
    for activity in _objs(claim.get("influencedBy")):
        found.extend(_ids(_obj(activity.get("specifiedBy")).get("mode")))
    return list(dict.fromkeys(found))


def _quality_assurance(
    document: Mapping[str, Any], claim: Mapping[str, Any], spec: Mapping[str, Any]
) -> list[Any]:
    holders = [
        spec,
        *_objs(_obj(claim.get("awardedBy")).get("awardingBody")),
        _obj(document.get("issuer")),
    ]
    found: list[Any] = []
    for holder in holders:
        for accreditation in _objs(holder.get("accreditation")):
            types = _ids(accreditation.get("dcType"))
            entry: dict[str, Any] = {"type": types[0] if types else None}
            agent = _body(_obj(accreditation.get("accreditingAgent")))
            if agent:
                entry["accreditingBody"] = agent
            found.append(entry)
    return found


def _stackability(claim: Mapping[str, Any], spec: Mapping[str, Any]) -> dict[str, Any] | None:
    value: dict[str, Any] = {}
    if isinstance(spec.get("isPartialQualification"), bool):
        value["isPartialQualification"] = spec["isPartialQualification"]
    for key in ("hasPart", "isPartOf", "entitlesTo"):
        if found := _ids(claim.get(key)) + _ids(spec.get(key)):
            value[key] = found
    return value or None


def _elements(document: Mapping[str, Any]) -> dict[str, Any]:
    subject = (_objs(document.get("credentialSubject")) or [{}])[0]
    claim = _claim(subject)
    spec = _obj(claim.get("specifiedBy"))
    awarding = _obj(claim.get("awardedBy"))
    bodies = _objs(awarding.get("awardingBody"))
    grades = [g for a in _objs(claim.get("provenBy")) for g in _notes(a.get("grade"))]
    supervision = [i for a in _objs(claim.get("provenBy")) for i in _ids(a.get("idVerification"))]
    further = _notes(claim.get("additionalNote")) + _notes(spec.get("additionalNote"))
    further += [
        {"url": url}
        for page in _objs(spec.get("homepage")) + _objs(spec.get("supplementaryDocument"))
        if (url := _str(page.get("contentURL")))
    ]
    found: dict[str, Any] = {
        "identification of the learner": _learner(subject),
        "title of the micro-credential": _lang_map(claim.get("title"))
        or _lang_map(spec.get("title")),
        "country(ies)/region(s) of the issuer": _locations([_obj(document.get("issuer")), *bodies]),
        "awarding body(ies)": [b for b in (_body(o) for o in bodies) if b],
        "date of issuing": _str(document.get("issued"))
        or _str(document.get("issuanceDate"))
        or _str(awarding.get("awardingDate"))
        or _str(document.get("validFrom")),
        "learning outcomes": _outcomes(spec),
        "notional workload": _workload(spec),
        "level": _level(spec),
        "type of assessment": _assessments(claim, spec),
        "form of participation": _participation(claim, spec),
        "type of quality assurance": _quality_assurance(document, claim, spec),
        "prerequisites": next(iter(_notes(spec.get("entryRequirement"))), None),
        "supervision and identity verification": supervision[0] if supervision else None,
        "grade achieved": grades[0] if grades else None,
        "integration/stackability options": _stackability(claim, spec),
        "further information": further,
    }
    return {name: value for name, value in found.items() if value}


def read_elm(document: object) -> ElmSummary:
    """The :class:`ElmSummary` of an ELM credential (bare, enveloped or wrapped); never raises.

    ``completeness.missing`` lists the mandatory Annex I elements the credential does not hold,
    e.g. ``type of quality assurance`` for the EC's own micro-credential sample.
    """
    try:
        doc = unwrap_elm(document) or {}
        values = _elements(doc)
        issuer = _obj(doc.get("issuer"))
        subject = (_objs(doc.get("credentialSubject")) or [{}])[0]
        title = values.get("title of the micro-credential")
        summary = ElmSummary(
            id=_str(doc.get("id")),
            issuer_id=_str(issuer.get("id")) or _str(doc.get("issuer")),
            issuer_name=_lang_map(issuer.get("legalName")),
            title=title if isinstance(title, dict) else _lang_map(_claim(subject).get("title")),
            valid_from=_str(doc.get("validFrom")),
            valid_until=_str(doc.get("validUntil")) or _str(doc.get("expirationDate")),
        )
    except Exception:  # hostile input must never crash a verifier or the wallet
        return ElmSummary(None, None, None, None, None, None)
    present = tuple(e for e in (*ANNEX_I_MANDATORY, *ANNEX_I_OPTIONAL) if e in values)
    missing = tuple(e for e in ANNEX_I_MANDATORY if e not in values)
    return ElmSummary(
        id=summary.id,
        issuer_id=summary.issuer_id,
        issuer_name=summary.issuer_name,
        title=summary.title,
        valid_from=summary.valid_from,
        valid_until=summary.valid_until,
        completeness=EuCompleteness(present=present, missing=missing, values=values),
    )
