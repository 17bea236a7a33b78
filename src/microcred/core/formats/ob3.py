"""Open Badges 3.0 format: award <-> unsigned ``OpenBadgeCredential`` (OB 3.0 §8; VCDM 2.0).

Mapping of the Annex I elements (STANDARDS.md §3.11; nothing is lost for a later ELM export):

* native OB 3.0: title -> ``achievement.name``; learner -> ``credentialSubject.id`` (DID/URL)
  and ``identifier`` IdentityObjects (name, ``ext:givenName``, ``ext:familyName``, salted
  SHA-256 e-mail, institutional id); awarding body -> ``achievement.creator`` (first) and
  issuer ``address.addressCountryCode``; date of issuing -> ``validFrom`` + ``awardedDate``;
  ECTS -> ``creditsAvailable``/``creditsEarned``; EQF -> ``alignment`` with
  ``targetType: "ext:EQF"``; ESCO skills -> ``alignment`` with ``targetType: "ext:ESCOSkill"``;
  grading scheme/grade -> ``resultDescription``/``result``; evidence -> ``evidence``.
* extension terms of ``https://w3id.org/microcred/v1`` (all values EU vocabulary IRIs where a
  vocabulary exists): ``issuerCountry``/``issuerRegion``, ``awardingBody``, ``learningOutcome``
  (``nameMap`` + ``relatedESCOSkill``), ``ectsCredits``/``workloadHours`` (xsd:decimal as
  strings), ``eqfLevel``/``nqfLevel``/``qfEheaCycle``, ``assessmentType``, ``assessmentMode``,
  ``participationMode``, ``learningSetting``, ``supervisionAndIdentityVerification``,
  ``qualityAssurance``, ``prerequisites``, ``integrationStackability``/``stacksInto``,
  ``furtherInformation``, ``instructionLanguage``, ``validityPeriod``.
* multilingual text: the OB 3.0 schema types ``name``/``description``/``narrative`` as plain
  strings (VC 2.0 language value objects fail it), so they carry the primary language and the
  full language map goes in the sibling ``nameMap``/``descriptionMap``/``narrativeMap``
  (``@container: @language``).

``credentialSchema`` names the OB 3.0 JSON Schema with ``1EdTechJsonSchemaValidator2019``, so the
``extensions.json`` context is included. ``credentialStatus`` is one object; ``proof`` is added
later by the signer.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from microcred.core.formats.completeness import ANNEX_I_MANDATORY, ANNEX_I_OPTIONAL, EuCompleteness
from microcred.core.formats.ob3_schema import OB3_SCHEMA_ID, validate_ob3_schema
from microcred.core.model.award import Award, Evidence, expiry_of
from microcred.core.model.countries import country_from_nal_iri, country_nal_iri, is_country_code
from microcred.core.model.issuer import IssuerProfile
from microcred.core.model.language import LanguageMap
from microcred.core.model.learner import Learner
from microcred.core.model.microcredential import (
    EscoSkill,
    GradingScheme,
    Identifier,
    LearningOutcome,
    Level,
    MicroCredential,
    Organisation,
    QualityAssurance,
    Stackability,
    StackTarget,
    Workload,
)
from microcred.core.model.validation import validate_award
from microcred.core.model.vocabularies import eqf_level_number, is_absolute_iri
from microcred.errors import DocumentParseError, SpecValidationError

__all__ = [
    "MICROCRED_CONTEXT",
    "OB3",
    "OB3_CONTEXT",
    "OB3_CONTEXTS",
    "OB3_EXTENSIONS_CONTEXT",
    "OB3_SCHEMA_ID",
    "VC_V2_CONTEXT",
    "EuCompleteness",
    "IssuerProfile",
    "Ob3Format",
    "build_credential",
    "eu_elements",
    "hash_identity",
    "read_award",
    "validate_ob3_schema",
]

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB3_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
MICROCRED_CONTEXT = "https://w3id.org/microcred/v1"
OB3_CONTEXTS = (VC_V2_CONTEXT, OB3_CONTEXT, OB3_EXTENSIONS_CONTEXT, MICROCRED_CONTEXT)
SCHEMA_VALIDATOR_TYPE = "1EdTechJsonSchemaValidator2019"

EQF_TARGET_TYPE = "ext:EQF"
ESCO_TARGET_TYPE = "ext:ESCOSkill"
QA_TARGET_TYPE = "ext:QualityAssurance"
_EQF_FRAMEWORK = "European Qualifications Framework"
_IN_LANGUAGE = re.compile(r"^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$")
_MAX_ITEMS = 1000


# ---- building -----------------------------------------------------------------------------


def hash_identity(identifier: str, salt: str) -> str:
    """OB 3.0 IdentityHash: ``"sha256$" + hex(SHA-256(UTF-8(identifier + salt)))``."""
    return "sha256$" + hashlib.sha256((identifier + salt).encode("utf-8")).hexdigest()


def _timestamp(value: datetime) -> str:
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _texts(
    node: dict[str, Any],
    key: str,
    value: LanguageMap | str | None,
    lang: str,
    map_key: str | None = None,
) -> None:
    """Set the native string ``key`` (language ``lang``) and, for a LanguageMap, ``map_key``."""
    if value is None:
        return
    if isinstance(value, str):
        node[key] = value
        return
    node[key] = value.best(lang)
    if map_key:
        node[map_key] = value.to_dict()


def _address(country: str, region: str | None = None) -> dict[str, Any]:
    address: dict[str, Any] = {"type": ["Address"], "addressCountryCode": country}
    if region:
        address["addressRegion"] = region
    return address


def _org_profile(org: Organisation, lang: str) -> dict[str, Any]:
    profile: dict[str, Any] = {"id": org.id, "type": ["Profile"]}
    _texts(profile, "name", org.legal_name, lang, "nameMap")
    if org.url:
        profile["url"] = org.url
    if org.email:
        profile["email"] = org.email
    profile["address"] = _address(org.country)
    if org.identifiers:
        profile["otherIdentifier"] = [
            {"type": "IdentifierEntry", "identifier": i.value, "identifierType": f"ext:{i.scheme}"}
            for i in org.identifiers
        ]
    return profile


def _issuer_profile(issuer: IssuerProfile, lang: str) -> dict[str, Any]:
    profile: dict[str, Any] = {"id": issuer.id, "type": ["Profile"]}
    _texts(profile, "name", issuer.name, lang, "nameMap")
    if issuer.url:
        profile["url"] = issuer.url
    if issuer.email:
        profile["email"] = issuer.email
    _texts(profile, "description", issuer.description, lang, "descriptionMap")
    if issuer.image:
        profile["image"] = {"id": issuer.image, "type": "Image"}
    profile["address"] = _address(issuer.country_code, issuer.region)
    return profile


def _alignments(mc: MicroCredential, lang: str) -> list[dict[str, Any]]:
    alignments = []
    level = eqf_level_number(mc.level.eqf or "")
    if level is not None and mc.level.eqf:
        alignments.append(
            {
                "type": ["Alignment"],
                "targetType": EQF_TARGET_TYPE,
                "targetName": f"EQF level {level}",
                "targetUrl": mc.level.eqf,
                "targetFramework": _EQF_FRAMEWORK,
                "targetCode": str(level),
            }
        )
    for skill in mc.all_esco_skills():
        alignments.append(
            {
                "type": ["Alignment"],
                "targetType": ESCO_TARGET_TYPE,
                "targetName": skill.label.best(lang) if skill.label else skill.iri,
                "targetUrl": skill.iri,
                "targetFramework": "ESCO",
                "targetCode": skill.iri.rsplit("/", 1)[-1],
            }
        )
    return alignments


def _result_description(grading: GradingScheme, achievement_id: str, lang: str) -> dict[str, Any]:
    node: dict[str, Any] = {
        "id": f"{achievement_id}#grading",
        "type": ["ResultDescription"],
        "resultType": grading.result_type,
    }
    _texts(node, "name", grading.title, lang, "nameMap")
    _texts(node, "description", grading.description, lang, "descriptionMap")
    if grading.allowed_values:
        node["allowedValue"] = list(grading.allowed_values)
    return node


def _criteria_text(mc: MicroCredential, lang: str) -> str:
    lines = [f"- {o.text.best(lang)}" for o in mc.learning_outcomes]
    return "\n".join(lines)


def _achievement(mc: MicroCredential, achievement_id: str) -> dict[str, Any]:
    lang = mc.primary_language
    node: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
    }
    _texts(node, "name", mc.title, lang, "nameMap")
    if mc.description:
        _texts(node, "description", mc.description, lang, "descriptionMap")
    else:
        node["description"] = _criteria_text(mc, lang)
    criteria: dict[str, Any] = {}
    if mc.criteria:
        _texts(criteria, "narrative", mc.criteria, lang, "narrativeMap")
    else:
        criteria["narrative"] = _criteria_text(mc, lang)
    node["criteria"] = criteria
    node["inLanguage"] = lang if _IN_LANGUAGE.match(lang) else lang.split("-")[0]
    if mc.image:
        node["image"] = {"id": mc.image, "type": "Image"}
    if mc.workload.ects is not None:
        node["creditsAvailable"] = _number(mc.workload.ects)
    if alignments := _alignments(mc, lang):
        node["alignment"] = alignments
    if mc.tags:
        node["tag"] = list(mc.tags)
    if mc.version:
        node["version"] = mc.version
    node["creator"] = _org_profile(mc.awarding_bodies[0], lang)
    if mc.grading_scheme:
        node["resultDescription"] = [_result_description(mc.grading_scheme, achievement_id, lang)]
    # Annex I elements through https://w3id.org/microcred/v1
    node["issuerCountry"] = [country_nal_iri(c) for c in mc.issuer_countries]
    if mc.issuer_regions:
        node["issuerRegion"] = list(mc.issuer_regions)
    node["awardingBody"] = [_org_profile(org, lang) for org in mc.awarding_bodies]
    node["learningOutcome"] = [_outcome(o) for o in mc.learning_outcomes]
    if mc.workload.ects is not None:
        node["ectsCredits"] = str(mc.workload.ects)
    if mc.workload.hours is not None:
        node["workloadHours"] = str(mc.workload.hours)
    _put(node, "eqfLevel", mc.level.eqf)
    _put(node, "nqfLevel", mc.level.nqf)
    _put(node, "qfEheaCycle", mc.level.qf_ehea_cycle)
    node["assessmentType"] = list(mc.assessment_types)
    _put(node, "assessmentMode", mc.assessment_mode)
    node["participationMode"] = list(mc.participation)
    _put(node, "learningSetting", mc.learning_setting)
    _put(node, "supervisionAndIdentityVerification", mc.supervision)
    node["qualityAssurance"] = [_qa(qa, lang) for qa in mc.quality_assurance]
    if mc.prerequisites:
        node["prerequisites"] = mc.prerequisites.to_dict()
    if mc.stackability:
        node["integrationStackability"] = mc.stackability.option
        if mc.stackability.stacks_into:
            node["stacksInto"] = [_stack_target(t, lang) for t in mc.stackability.stacks_into]
    if mc.further_information:
        node["furtherInformation"] = mc.further_information.to_dict()
    if mc.languages:
        node["instructionLanguage"] = list(mc.languages)
    _put(node, "validityPeriod", mc.validity)
    return node


def _put(node: dict[str, Any], key: str, value: str | None) -> None:
    if value:
        node[key] = value


def _outcome(outcome: LearningOutcome) -> dict[str, Any]:
    node: dict[str, Any] = {"nameMap": outcome.text.to_dict()}
    if outcome.esco_skills:
        node["relatedESCOSkill"] = [s.iri for s in outcome.esco_skills]
    return node


def _qa(qa: QualityAssurance, lang: str) -> dict[str, Any]:
    node: dict[str, Any] = {"qualityAssuranceType": qa.type}
    if qa.accrediting_body:
        node["accreditingBody"] = _org_profile(qa.accrediting_body, lang)
    if qa.description:
        node["descriptionMap"] = qa.description.to_dict()
    if qa.url:
        node["url"] = qa.url
    return node


def _stack_target(target: StackTarget, lang: str) -> dict[str, Any]:
    node: dict[str, Any] = {"id": target.id}
    _texts(node, "name", target.title, lang, "nameMap")
    return node


def _recipient(learner: Learner, salt: str | None) -> dict[str, Any]:
    subject: dict[str, Any] = {}
    if learner.did or learner.url:
        subject["id"] = learner.did or learner.url
    identifiers: list[dict[str, Any]] = []

    def plain(kind: str, value: str | None) -> None:
        if value:
            identifiers.append(
                {"type": "IdentityObject", "identityType": kind, "hashed": False,
                 "identityHash": value}  # fmt: skip
            )

    def hashed(kind: str, value: str, salt: str) -> None:
        identifiers.append(
            {"type": "IdentityObject", "identityType": kind, "hashed": True,
             "identityHash": hash_identity(value, salt), "salt": salt}  # fmt: skip
        )

    plain("name", learner.display_name)
    plain("ext:givenName", learner.given_name)
    plain("ext:familyName", learner.family_name)
    if learner.email and salt is not None:
        hashed("emailAddress", learner.email.strip().lower(), salt)
    if learner.institutional_id:
        if salt is not None:
            hashed("identifier", learner.institutional_id, salt)
        else:
            plain("identifier", learner.institutional_id)
    if identifiers:
        subject["identifier"] = identifiers
    return subject


def _issuer_problems(issuer: IssuerProfile) -> list[str]:
    problems = []
    if not is_absolute_iri(issuer.id):
        problems.append(f"issuer: id {issuer.id!r} is not a DID or URL")
    if not is_country_code(issuer.country_code):
        problems.append(f"issuer: {issuer.country_code!r} is not an ISO 3166-1 alpha-2 code")
    name = issuer.name if isinstance(issuer.name, str) else issuer.name.best()
    if not name.strip():
        problems.append("issuer: a name is required")
    return problems


def build_credential(
    award: Award,
    *,
    issuer: IssuerProfile,
    credential_id: str,
    salt: str | None = None,
    status: Mapping[str, Any] | None = None,
    achievement_id: str | None = None,
    credential_schema: bool = True,
) -> dict[str, Any]:
    """The UNSIGNED OB 3.0 ``OpenBadgeCredential`` for ``award``.

    ``salt`` enables the hashed e-mail (and hashes the institutional id); without a DID or URL
    for the learner a salt is required. ``status`` becomes the single ``credentialStatus``
    object. ``achievement_id`` defaults to the micro-credential id (an IRI) or
    ``urn:microcred:achievement:<slug>``. Raises :class:`SpecValidationError` listing every
    problem.
    """
    problems = validate_award(award) + _issuer_problems(issuer)
    learner, mc = award.learner, award.micro_credential
    if not is_absolute_iri(credential_id):
        problems.append(f"credential id: {credential_id!r} is not an absolute IRI")
    if achievement_id is not None and not is_absolute_iri(achievement_id):
        problems.append(f"achievement id: {achievement_id!r} is not an absolute IRI")
    if not (learner.did or learner.url or learner.institutional_id) and salt is None:
        problems.append("learner: a salt is required to identify the learner by hashed e-mail")
    if salt is not None and not salt:
        problems.append("salt: must not be empty")
    if status is not None and not (
        isinstance(status, Mapping)
        and isinstance(status.get("type"), str)
        and isinstance(status.get("id"), str)
    ):
        problems.append("credential status: an object with an 'id' and a 'type' is required")
    if problems:
        raise SpecValidationError(problems)

    lang = mc.primary_language
    ach_id = achievement_id or (mc.id if is_absolute_iri(mc.id) else f"urn:microcred:achievement:{mc.id}")
    subject: dict[str, Any] = _recipient(learner, salt)
    subject["type"] = ["AchievementSubject"]
    subject["achievement"] = _achievement(mc, ach_id)
    if mc.workload.ects is not None:
        subject["creditsEarned"] = _number(mc.workload.ects)
    if award.grade is not None:
        result: dict[str, Any] = {"type": ["Result"], "value": award.grade}
        if mc.grading_scheme:
            result["resultDescription"] = f"{ach_id}#grading"
        subject["result"] = [result]

    credential: dict[str, Any] = {
        "@context": list(OB3_CONTEXTS if credential_schema else _without_extensions()),
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": mc.title.best(lang),
        "issuer": _issuer_profile(issuer, lang),
        "validFrom": _timestamp(award.issued),
        "awardedDate": _timestamp(award.awarded or award.issued),
    }
    valid_until = award.valid_until or expiry_of(mc, award.issued)
    if valid_until is not None:
        credential["validUntil"] = _timestamp(valid_until)
    credential["credentialSubject"] = subject
    if award.evidence:
        credential["evidence"] = [_evidence(e) for e in award.evidence]
    if credential_schema:
        credential["credentialSchema"] = [{"id": OB3_SCHEMA_ID, "type": SCHEMA_VALIDATOR_TYPE}]
    if status is not None:
        credential["credentialStatus"] = json.loads(json.dumps(dict(status)))
    return credential


def _without_extensions() -> tuple[str, ...]:
    return tuple(c for c in OB3_CONTEXTS if c != OB3_EXTENSIONS_CONTEXT)


def _evidence(evidence: Evidence) -> dict[str, Any]:
    node: dict[str, Any] = {"type": ["Evidence"]}
    for key in ("id", "name", "description", "narrative", "genre"):
        value = getattr(evidence, key)
        if value is not None:
            node[key] = value
    return node
