"""Europass export: award -> ELM v3 ``EuropeanDigitalCredential`` (EDC application profile).

Implements the Annex I -> ELM mapping of STANDARDS.md §2.4 on the object graph of the EC sample
``Sample-MC-Annex1-unsigned.jsonld`` (§2.2), with every property the SHACL shapes
``EDC-generic-no-cv`` + ``EDC-generic-full`` (branch EDC-3.2-(LTS), §2.3) require:

* learner (1) -> ``credentialSubject`` ``Person`` (``fullName``/``givenName``/``familyName``
  language maps, ``contactPoint.emailAddress``, ``identifier``);
* title (2) -> ``hasClaim.title`` and ``specifiedBy.title`` (a ``Qualification``, the ELM class
  that may carry an ``accreditation``);
* country/region (3) -> ``location[].address.countryCode`` (+ ``spatialCode``, NUTS) of the
  issuer and the awarding bodies;
* awarding bodies (4) -> ``hasClaim.awardedBy.awardingBody[]``;
* date of issuing (5) -> ``issued`` (+ ``awardingDate``);
* learning outcomes (6) -> ``specifiedBy.learningOutcome[]`` with ``relatedESCOSkill``;
* workload (7) -> ``specifiedBy.creditPoint[]`` (ECTS) and ``volumeOfLearning`` (hours);
* level (8) -> ``specifiedBy.eqfLevel``/``nqfLevel`` (QF-EHEA cycle as ``educationLevel``);
* type of assessment (9) -> ``specifiedBy.provenBy[]`` ``LearningAssessmentSpecification``
  (one per type, ``dcType``); with a grade, also ``hasClaim.provenBy`` ``LearningAssessment``;
* form of participation (10) -> ``specifiedBy.mode[]`` and ``learningSetting``;
* type of quality assurance (11) -> ``specifiedBy.accreditation[]`` ``Accreditation``
  (``dcType``, ``accreditingAgent``);
* optional elements: prerequisites -> ``entryRequirement``; supervision -> ``idVerification``;
  grade -> ``grade`` Note; stackability -> ``isPartialQualification`` + ``additionalNote``
  naming the target credentials; further information -> ``additionalNote``; parts of a stacked
  credential -> ``hasClaim.hasPart`` (``LearningAchievement`` nodes passed in by the caller).

Multilingual values are JSON-LD language maps. ELM/EDC is VCDM 1.1 (``credentials/v1``).
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from base64 import b64encode
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from microcred.core.formats.ob3 import read_award
from microcred.core.model.award import Award, expiry_of
from microcred.core.model.countries import country_nal_iri, is_country_code
from microcred.core.model.issuer import IssuerProfile
from microcred.core.model.language import LanguageMap
from microcred.core.model.microcredential import (
    EscoSkill,
    LearningOutcome,
    MicroCredential,
    Organisation,
    QualityAssurance,
)
from microcred.core.model.vocabularies import (
    ASSESSMENT_TYPES,
    CREDIT_SYSTEMS,
    ECTS,
    EQF_LEVELS,
    EU_LANGUAGES,
    LEARNING_SETTINGS,
    PARTICIPATION_FORMS,
    QF_EHEA_CYCLES,
    QUALITY_ASSURANCE_TYPES,
    SNB,
    SUPERVISION,
    Vocabulary,
)
from microcred.core.stacking.evidence import PART_GENRE
from microcred.core.verify.checks import as_list
from microcred.errors import DocumentParseError, SpecValidationError

__all__ = [
    "EDC_CONTEXT",
    "EDC_SCHEMA_ID",
    "ELM_CONTEXTS",
    "VC_V1_CONTEXT",
    "build_elm",
    "elm_from_ob3",
    "issuer_from_ob3",
    "placeholder_png",
    "stacked_parts",
]

VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
EDC_CONTEXT = "http://data.europa.eu/snb/model/context/edc-ap"
ELM_CONTEXTS = (VC_V1_CONTEXT, EDC_CONTEXT)
EDC_SCHEMA_ID = "http://data.europa.eu/snb/model/ap/edc-generic-full"
GENERIC_PROFILE = SNB + "credential/e34929035b"
_COUNTRY_SCHEME = "http://publications.europa.eu/resource/authority/country"
_LANGUAGE_SCHEME = "http://publications.europa.eu/resource/authority/language"
_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type"
_ESCO_SKILLS = "http://data.europa.eu/esco/concept-scheme/skills"
_NQF_PREFIX = SNB + "qdr/"
_NUTS = "http://data.europa.eu/nuts/code/"
_BASE64 = SNB + "encoding/6146cde7dd"


def _timestamp(value: datetime) -> str:
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class _Ids:
    """Deterministic node ids ``urn:microcred:elm:<digest>:<kind>:<n>`` for one credential."""

    def __init__(self, credential_id: str) -> None:
        self._base = hashlib.sha256(credential_id.encode()).hexdigest()[:16]
        self._counts: dict[str, int] = {}

    def __call__(self, kind: str) -> str:
        self._counts[kind] = self._counts.get(kind, 0) + 1
        return f"urn:microcred:elm:{self._base}:{kind}:{self._counts[kind]}"


def _concept(iri: str, scheme: str | None, label: str | None = None) -> dict[str, Any]:
    node: dict[str, Any] = {"id": iri, "type": "Concept"}
    if scheme:
        node["inScheme"] = {"id": scheme, "type": "ConceptScheme"}
    if label:
        node["prefLabel"] = {"en": label}
    return node


def _vocab_concept(vocabulary: Vocabulary, iri: str) -> dict[str, Any]:
    """A concept of ``vocabulary``; ``inScheme`` only for the list's own concepts."""
    known = vocabulary.by_iri(iri)
    if known is None:
        return _concept(iri, None)
    scheme = vocabulary.scheme
    if known.iri.startswith(SNB + "learning-activity/"):
        scheme = SNB + "learning-activity/25831c2"
    return _concept(iri, scheme, known.label)


def _country(code: str) -> dict[str, Any]:
    iri = country_nal_iri(code) if is_country_code(code) else code
    return _concept(iri, _COUNTRY_SCHEME if is_country_code(code) else None, None)


def _language(code: str) -> dict[str, Any] | None:
    iri = EU_LANGUAGES.get(code.split("-", maxsplit=1)[0].lower())
    return _concept(iri, _LANGUAGE_SCHEME) if iri else None


def _note(ids: _Ids, text: LanguageMap | Mapping[str, str]) -> dict[str, Any]:
    return {"id": ids("note"), "type": "Note", "noteLiteral": dict(text)}


def _location(ids: _Ids, country: str, regions: Sequence[str] = ()) -> dict[str, Any]:
    location: dict[str, Any] = {
        "id": ids("location"),
        "type": "Location",
        "address": {"id": ids("address"), "type": "Address", "countryCode": _country(country)},
    }
    if regions:
        location["spatialCode"] = [
            _concept(r if ":" in r else _NUTS + r, None, None) | {"notation": r.rsplit("/", 1)[-1]}
            for r in regions
        ]
    return location


def _organisation(ids: _Ids, org: Organisation, regions: Sequence[str] = ()) -> dict[str, Any]:
    node: dict[str, Any] = {
        "id": org.id or ids("org"),
        "type": "Organisation",
        "legalName": org.legal_name.to_dict(),
        "location": [_location(ids, org.country, regions)],
    }
    if org.identifiers:
        node["identifier"] = [
            {
                "id": ids("identifier"),
                "type": "Identifier",
                "notation": i.value,
                "schemeName": i.scheme,
            }
            for i in org.identifiers
        ]
    if org.url:
        node["homepage"] = [
            {"id": ids("webResource"), "type": "WebResource", "contentURL": org.url}
        ]
    if org.email:
        node["contactPoint"] = [
            {
                "id": ids("contactPoint"),
                "type": "ContactPoint",
                "emailAddress": {"id": f"mailto:{org.email}", "type": "Mailbox"},
            }
        ]
    return node


def _issuer(ids: _Ids, issuer: IssuerProfile, legal_identifier: str | None) -> dict[str, Any]:
    name = issuer.name if isinstance(issuer.name, LanguageMap) else LanguageMap.of(issuer.name)
    org = Organisation(legal_name=name, country=issuer.country_code, url=issuer.url)
    node = _organisation(ids, org, (issuer.region,) if issuer.region else ())
    node["id"] = issuer.id
    node["eIDASIdentifier"] = {
        "id": ids("legalIdentifier"),
        "type": "LegalIdentifier",
        "notation": legal_identifier or issuer.id,
        "spatial": _country(issuer.country_code),
    }
    return node


def _skill(skill: EscoSkill) -> dict[str, Any]:
    node = _concept(skill.iri, _ESCO_SKILLS)
    if skill.label:
        node["prefLabel"] = skill.label.to_dict()
    return node


def _outcome(ids: _Ids, outcome: LearningOutcome) -> dict[str, Any]:
    node: dict[str, Any] = {
        "id": ids("learningOutcome"),
        "type": "LearningOutcome",
        "title": outcome.text.to_dict(),
    }
    if outcome.esco_skills:
        node["relatedESCOSkill"] = [_skill(s) for s in outcome.esco_skills]
    return node


def _accreditation(ids: _Ids, qa: QualityAssurance, mc: MicroCredential) -> dict[str, Any]:
    concept = _vocab_concept(QUALITY_ASSURANCE_TYPES, qa.type)
    label = QUALITY_ASSURANCE_TYPES.by_iri(qa.type)
    agent = qa.accrediting_body or (mc.awarding_bodies[0] if mc.awarding_bodies else None)
    node: dict[str, Any] = {
        "id": ids("accreditation"),
        "type": "Accreditation",
        "title": {"en": label.label if label else "Quality assurance"},
        "dcType": concept,
    }
    if agent is not None:
        node["accreditingAgent"] = _organisation(ids, agent)
    if qa.description:
        node["description"] = qa.description.to_dict()
    if qa.url:
        node["landingPage"] = [
            {"id": ids("webResource"), "type": "WebResource", "contentURL": qa.url}
        ]
    return node


def _hours(hours: Decimal) -> str:
    """xsd:duration of ``hours`` (``PT125H``; fractions as ``PT12.5H``)."""
    text = format(hours.normalize(), "f")
    return f"PT{text}H"


def _assessment_specs(ids: _Ids, mc: MicroCredential, lang: dict[str, Any] | None) -> list[Any]:
    specs = []
    for iri in mc.assessment_types:
        known = ASSESSMENT_TYPES.by_iri(iri)
        spec: dict[str, Any] = {
            "id": ids("learningAssessmentSpec"),
            "type": "LearningAssessmentSpecification",
            "title": {"en": known.label if known else "Assessment"},
            "dcType": _vocab_concept(ASSESSMENT_TYPES, iri),
        }
        if mc.assessment_mode:
            spec["mode"] = [_vocab_concept(PARTICIPATION_FORMS, mc.assessment_mode)]
        if mc.grading_scheme is not None:
            scheme: dict[str, Any] = {
                "id": ids("gradingScheme"),
                "type": "GradingScheme",
                "title": mc.grading_scheme.title.to_dict(),
            }
            if mc.grading_scheme.description:
                scheme["description"] = mc.grading_scheme.description.to_dict()
            spec["gradingScheme"] = scheme
        if lang:
            spec["language"] = [lang]
        specs.append(spec)
    return specs


def _qualification(
    ids: _Ids, mc: MicroCredential, lang: dict[str, Any] | None
) -> tuple[dict[str, Any], list[Any]]:
    spec: dict[str, Any] = {
        "id": ids("qualification"),
        "type": "Qualification",
        "title": mc.title.to_dict(),
        "learningOutcome": [_outcome(ids, o) for o in mc.learning_outcomes],
    }
    if mc.description:
        spec["description"] = mc.description.to_dict()
    if mc.workload.ects is not None:
        spec["creditPoint"] = [
            {
                "id": ids("creditPoint"),
                "type": "CreditPoint",
                "framework": _vocab_concept(CREDIT_SYSTEMS, ECTS),
                "point": format(mc.workload.ects.normalize(), "f"),
            }
        ]
    if mc.workload.hours is not None:
        spec["volumeOfLearning"] = _hours(mc.workload.hours)
    if mc.level.eqf:
        spec["eqfLevel"] = _vocab_concept(EQF_LEVELS, mc.level.eqf)
    if mc.level.nqf and mc.level.nqf.startswith(_NQF_PREFIX):
        spec["nqfLevel"] = [_concept(mc.level.nqf, _NQF_PREFIX + "25831c2")]
    if mc.level.qf_ehea_cycle:
        spec["educationLevel"] = [_vocab_concept(QF_EHEA_CYCLES, mc.level.qf_ehea_cycle)]
    if mc.participation:
        spec["mode"] = [_vocab_concept(PARTICIPATION_FORMS, p) for p in mc.participation]
    if mc.learning_setting:
        spec["learningSetting"] = _vocab_concept(LEARNING_SETTINGS, mc.learning_setting)
    if mc.prerequisites:
        spec["entryRequirement"] = _note(ids, mc.prerequisites)
    languages = [c for c in (_language(code) for code in mc.languages) if c]
    if languages:
        spec["language"] = languages
    assessments = _assessment_specs(ids, mc, lang)
    if assessments:
        spec["provenBy"] = assessments
    if mc.quality_assurance:
        spec["accreditation"] = [_accreditation(ids, q, mc) for q in mc.quality_assurance]
    notes = []
    if mc.stackability is not None:
        stackable = mc.stackability.option.endswith("Stackable")
        spec["isPartialQualification"] = stackable
        targets = "; ".join(
            (t.title.best() + " <" + t.id + ">") if t.title else t.id
            for t in mc.stackability.stacks_into
        )
        label = "Stackable towards" if stackable else "Stand-alone micro-credential"
        notes.append({"en": f"{label}: {targets}" if targets else label})
    if mc.further_information:
        notes.append(mc.further_information.to_dict())
    if notes:
        spec["additionalNote"] = [_note(ids, n) for n in notes]
    if mc.image:
        spec["homepage"] = [
            {"id": ids("webResource"), "type": "WebResource", "contentURL": mc.image}
        ]
    return spec, assessments


def _person(ids: _Ids, award: Award, lang: str) -> dict[str, Any]:
    learner = award.learner
    person: dict[str, Any] = {"id": learner.did or learner.url or ids("person"), "type": "Person"}
    if learner.display_name:
        person["fullName"] = {lang: learner.display_name}
    if learner.given_name:
        person["givenName"] = {lang: learner.given_name}
    if learner.family_name:
        person["familyName"] = {lang: learner.family_name}
    if learner.email:
        person["contactPoint"] = [
            {
                "id": ids("contactPoint"),
                "type": "ContactPoint",
                "emailAddress": {"id": f"mailto:{learner.email}", "type": "Mailbox"},
            }
        ]
    if learner.institutional_id:
        person["identifier"] = [
            {
                "id": ids("identifier"),
                "type": "Identifier",
                "notation": learner.institutional_id,
                "schemeName": "institutional identifier",
            }
        ]
    return person


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def placeholder_png(
    width: int = 200, height: int = 120, rgb: tuple[int, int, int] = (0, 51, 153)
) -> bytes:
    """A plain PNG (EU blue) for ``individualDisplay`` when no rendering of the award is given."""
    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(row * height))
        + _png_chunk(b"IEND", b"")
    )


def _display(
    ids: _Ids, mc: MicroCredential, image: bytes, lang: dict[str, Any] | None
) -> dict[str, Any]:
    language = lang or _concept(EU_LANGUAGES["en"], _LANGUAGE_SCHEME)
    display: dict[str, Any] = {
        "id": ids("displayParameter"),
        "type": "DisplayParameter",
        "title": mc.title.to_dict(),
        "primaryLanguage": language,
        "language": [language],
        "individualDisplay": [
            {
                "id": ids("individualDisplay"),
                "type": "IndividualDisplay",
                "language": language,
                "displayDetail": [
                    {
                        "id": ids("displayDetail"),
                        "type": "DisplayDetail",
                        "image": {
                            "id": ids("mediaObject"),
                            "type": "MediaObject",
                            "content": b64encode(image).decode("ascii"),
                            "contentEncoding": _concept(_BASE64, SNB + "encoding/25831c2"),
                            "contentType": _concept(_FILE_TYPE + "/PNG", _FILE_TYPE),
                        },
                        "page": 1,
                    }
                ],
            }
        ],
    }
    if mc.description:
        display["description"] = mc.description.to_dict()
    return display


def build_elm(
    award: Award,
    *,
    issuer: IssuerProfile,
    credential_id: str,
    legal_identifier: str | None = None,
    display_image: bytes | None = None,
    parts: Sequence[Mapping[str, Any]] = (),
    part_credentials: Sequence[tuple[str, str]] = (),
) -> dict[str, Any]:
    """The unsigned ``EuropeanDigitalCredential`` for ``award`` (see the module docstring).

    ``legal_identifier`` is the issuer's eIDAS legal identifier (e.g. the seal certificate's
    ``organizationIdentifier``, ``VATBE-0123456789``); without one the issuer's id stands in.
    ``display_image`` is a PNG rendering of the credential (a plain placeholder otherwise).
    ``parts`` are ``LearningAchievement`` nodes of the credentials a stacked one is made of;
    ``part_credentials`` names them instead as (credential id, title): each becomes a
    ``LearningAchievement`` awarded in the stacked credential's awarding process, with a note
    naming the part's credential (see :func:`stacked_parts`).
    Raises :class:`SpecValidationError` when the award lacks what EDC requires.
    """
    mc = award.micro_credential
    problems = []
    if not mc.title:
        problems.append("the micro-credential has no title")
    if not issuer.id or not issuer.country_code:
        problems.append("the issuer needs an id and a country")
    if not mc.awarding_bodies:
        problems.append("the micro-credential has no awarding body")
    if problems:
        raise SpecValidationError([f"cannot export to ELM: {p}" for p in problems])
    ids = _Ids(credential_id)
    primary = mc.primary_language
    lang = _language(primary)
    regions = mc.issuer_regions
    qualification, assessment_specs = _qualification(ids, mc, lang)
    claim: dict[str, Any] = {
        "id": ids("learningAchievement"),
        "type": "LearningAchievement",
        "title": mc.title.to_dict(),
        "awardedBy": {
            "id": ids("awardingProcess"),
            "type": "AwardingProcess",
            "awardingBody": [_organisation(ids, body, regions) for body in mc.awarding_bodies],
            "awardingDate": _timestamp(award.awarded or award.issued),
        },
        "specifiedBy": qualification,
    }
    if award.grade:
        assessment: dict[str, Any] = {
            "id": ids("learningAssessment"),
            "type": "LearningAssessment",
            "title": {"en": "Assessment"},
            "awardedBy": claim["awardedBy"],
            "grade": _note(ids, {primary: award.grade}),
        }
        if mc.supervision:
            assessment["idVerification"] = _vocab_concept(SUPERVISION, mc.supervision)
        if assessment_specs:
            assessment["specifiedBy"] = assessment_specs[0]
        claim["provenBy"] = [assessment]
    named = [_part(ids, claim["awardedBy"], primary, *part) for part in part_credentials]
    if parts or named:
        claim["hasPart"] = [dict(p) for p in parts] + named
    credential: dict[str, Any] = {
        "@context": list(ELM_CONTEXTS),
        "id": credential_id,
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "credentialProfiles": [_concept(GENERIC_PROFILE, SNB + "credential/25831c2", "Generic")],
        "credentialSchema": [{"id": EDC_SCHEMA_ID, "type": "ShaclValidator2017"}],
        "displayParameter": _display(ids, mc, display_image or placeholder_png(), lang),
        "issuer": _issuer(ids, issuer, legal_identifier),
        "issued": _timestamp(award.issued),
        "issuanceDate": _timestamp(award.issued),
        "validFrom": _timestamp(award.issued),
        "credentialSubject": _person(ids, award, primary) | {"hasClaim": [claim]},
    }
    valid_until = award.valid_until or expiry_of(mc, award.issued)
    if valid_until is not None:
        credential["expirationDate"] = _timestamp(valid_until)
        credential["validUntil"] = _timestamp(valid_until)
    return credential


def _part(
    ids: _Ids, awarded_by: Mapping[str, Any], language: str, credential_id: str, title: str
) -> dict[str, Any]:
    return {
        "id": ids("partAchievement"),
        "type": "LearningAchievement",
        "title": {language: title or credential_id},
        "awardedBy": awarded_by,
        "additionalNote": [_note(ids, {"en": f"Credential {credential_id}"})],
    }


def stacked_parts(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(credential id, title) of each part named in a stacked OB 3.0 credential's
    ``evidence`` (genre "Stacked micro-credential", issue 5)."""
    found = []
    for item in as_list(document.get("evidence")):
        if isinstance(item, Mapping) and item.get("genre") == PART_GENRE:
            ident, name = item.get("id"), item.get("name")
            if isinstance(ident, str):
                found.append((ident, name if isinstance(name, str) else ident))
    return found


def issuer_from_ob3(document: Mapping[str, Any]) -> IssuerProfile:
    """The issuer profile of an OB 3.0 credential (id, name map, country, URL)."""
    node = document.get("issuer")
    profile: Mapping[str, Any] = node if isinstance(node, Mapping) else {"id": node}
    name_map = profile.get("nameMap")
    name = profile.get("name")
    address = profile.get("address")
    country = address.get("addressCountryCode") if isinstance(address, Mapping) else None
    region = address.get("addressRegion") if isinstance(address, Mapping) else None
    if not isinstance(profile.get("id"), str) or not isinstance(country, str):
        raise DocumentParseError("credential: the issuer has no id or no address country")
    return IssuerProfile(
        id=profile["id"],
        name=LanguageMap(name_map) if isinstance(name_map, Mapping) else str(name or ""),
        country_code=country,
        url=profile.get("url") if isinstance(profile.get("url"), str) else None,
        region=region if isinstance(region, str) else None,
    )


def elm_from_ob3(
    document: Mapping[str, Any],
    *,
    legal_identifier: str | None = None,
    display_image: bytes | None = None,
    parts: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The ELM export of one of our OB 3.0 credentials (its EU elements read back by
    :func:`microcred.core.formats.ob3.read_award`); same ``id``, issuer and dates. The parts
    named in the evidence of a stacked credential become ``hasPart``."""
    award = read_award(document)
    credential_id = document.get("id")
    if not isinstance(credential_id, str):
        raise DocumentParseError("credential: no id")
    return build_elm(
        award,
        issuer=issuer_from_ob3(document),
        credential_id=credential_id,
        legal_identifier=legal_identifier,
        display_image=display_image,
        parts=parts,
        part_credentials=stacked_parts(document),
    )
