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

import functools
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
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
from microcred.core.model.validation import validate_award_only, validate_micro_credential
from microcred.core.model.vocabularies import eqf_level_number, is_absolute_iri
from microcred.errors import DocumentParseError, InvalidInputError, SpecValidationError

__all__ = [
    "MICROCRED_CONTEXT",
    "OB3",
    "OB3_CONTEXT",
    "OB3_CONTEXTS",
    "OB3_EXTENSIONS_CONTEXT",
    "OB3_SCHEMA_ID",
    "VC_V2_CONTEXT",
    "CredentialTemplate",
    "EuCompleteness",
    "IssuerProfile",
    "Ob3Format",
    "build_achievement",
    "build_credential",
    "eu_elements",
    "hash_identity",
    "prepare_credential",
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
    node.update(_extension_terms(mc, lang))
    return node


def build_achievement(
    mc: MicroCredential, *, achievement_id: str, creator: IssuerProfile | None = None
) -> dict[str, Any]:
    """The OB 3.0 ``Achievement`` (OB 3.0 §B.1.1) of ``mc``, as embedded by
    :func:`build_credential`, for publishing a catalogue entry on its own.

    ``creator`` replaces the default creator (the first awarding body). Raises
    :class:`SpecValidationError` listing every problem.
    """
    problems = validate_micro_credential(mc)
    if not is_absolute_iri(achievement_id):
        problems.append(f"achievement id: {achievement_id!r} is not an absolute IRI")
    if creator is not None:
        problems += _issuer_problems(creator)
    if problems:
        raise SpecValidationError(problems)
    node = _achievement(mc, achievement_id)
    if creator is not None:
        node["creator"] = _issuer_profile(creator, mc.primary_language)
    return node


def _extension_terms(mc: MicroCredential, lang: str) -> dict[str, Any]:
    """The Annex I elements carried by ``https://w3id.org/microcred/v1`` terms."""
    node: dict[str, Any] = {}
    node["issuerCountry"] = [country_nal_iri(c) for c in mc.issuer_countries]
    if mc.issuer_regions:
        node["issuerRegion"] = list(mc.issuer_regions)
    node["awardingBody"] = [_org_profile(org, lang) for org in mc.awarding_bodies]
    node["learningOutcome"] = [_outcome(o) for o in mc.learning_outcomes]
    if mc.esco_skills:
        node["relatedESCOSkill"] = _skills(mc.esco_skills)
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


def _skills(skills: Iterable[EscoSkill]) -> list[Any]:
    return [{"id": s.iri, "nameMap": s.label.to_dict()} if s.label else s.iri for s in skills]


def _outcome(outcome: LearningOutcome) -> dict[str, Any]:
    node: dict[str, Any] = {"nameMap": outcome.text.to_dict()}
    if outcome.esco_skills:
        node["relatedESCOSkill"] = _skills(outcome.esco_skills)
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
                {
                    "type": "IdentityObject",
                    "identityType": kind,
                    "hashed": False,
                    "identityHash": value,
                }
            )

    def hashed(kind: str, value: str, salt: str) -> None:
        identifiers.append(
            {
                "type": "IdentityObject",
                "identityType": kind,
                "hashed": True,
                "identityHash": hash_identity(value, salt),
                "salt": salt,
            }
        )

    plain("name", learner.name)
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
    problem. For many awards of one micro-credential, :func:`prepare_credential` once and
    :meth:`CredentialTemplate.build` per award give the same result faster.
    """
    template = prepare_credential(
        award.micro_credential,
        issuer=issuer,
        achievement_id=achievement_id,
        credential_schema=credential_schema,
    )
    return template.build(award, credential_id=credential_id, salt=salt, status=status)


class _Shared:
    """The built parts every credential of a template has in common."""

    __slots__ = (
        "achievement",
        "achievement_json",
        "contexts",
        "credits",
        "issuer",
        "name",
        "result_description",
    )

    def __init__(self, template: CredentialTemplate) -> None:
        mc = template.micro_credential
        lang = mc.primary_language
        self.contexts = OB3_CONTEXTS if template.credential_schema else _without_extensions()
        self.name = mc.title.best(lang)
        self.issuer = _issuer_profile(template.issuer, lang)
        self.achievement = _achievement(mc, template.achievement_id)
        self.credits = _number(mc.workload.ects) if mc.workload.ects is not None else None
        self.result_description = (
            f"{template.achievement_id}#grading" if mc.grading_scheme else None
        )
        self.achievement_json: str | None = None  # encoded at the first to_json


class CredentialTemplate:
    """What the OB 3.0 credentials of one micro-credential, issuer and achievement id have in
    common, checked and built once (:func:`prepare_credential`); :meth:`build` adds one award.

    Credentials built by one template SHARE its ``issuer`` and ``achievement`` objects: read
    them, serialise or sign them, but copy before changing them.
    """

    __slots__ = (
        "_achievement_problems",
        "_issuer_problems",
        "_mc_problems",
        "_shared",
        "achievement_id",
        "credential_schema",
        "issuer",
        "micro_credential",
    )

    def __init__(
        self,
        mc: MicroCredential,
        *,
        issuer: IssuerProfile,
        achievement_id: str | None,
        credential_schema: bool,
    ) -> None:
        self.micro_credential = mc
        self.issuer = issuer
        self.credential_schema = credential_schema
        self.achievement_id = achievement_id or (
            mc.id if is_absolute_iri(mc.id) else f"urn:microcred:achievement:{mc.id}"
        )
        self._mc_problems = tuple(validate_micro_credential(mc))
        self._issuer_problems = tuple(_issuer_problems(issuer))
        self._achievement_problems = (
            (f"achievement id: {achievement_id!r} is not an absolute IRI",)
            if achievement_id is not None and not is_absolute_iri(achievement_id)
            else ()
        )
        valid = not (self._mc_problems or self._issuer_problems or self._achievement_problems)
        self._shared = _Shared(self) if valid else None

    def build(
        self,
        award: Award,
        *,
        credential_id: str,
        salt: str | None = None,
        status: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The unsigned credential for ``award`` (an award of this template's
        micro-credential), exactly as :func:`build_credential` builds it; raises
        :class:`SpecValidationError` listing every problem, the template's included."""
        mc = award.micro_credential
        if mc is not self.micro_credential and mc != self.micro_credential:
            raise InvalidInputError(
                "the award is of another micro-credential than the credential template's"
            )
        learner = award.learner
        problems = [*self._mc_problems, *validate_award_only(award), *self._issuer_problems]
        if not is_absolute_iri(credential_id):
            problems.append(f"credential id: {credential_id!r} is not an absolute IRI")
        problems += self._achievement_problems
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
        if problems or self._shared is None:
            raise SpecValidationError(problems)
        shared = self._shared

        subject: dict[str, Any] = _recipient(learner, salt)
        subject["type"] = ["AchievementSubject"]
        subject["achievement"] = shared.achievement
        if shared.credits is not None:
            subject["creditsEarned"] = shared.credits
        if award.grade is not None:
            result: dict[str, Any] = {"type": ["Result"], "value": award.grade}
            if shared.result_description is not None:
                result["resultDescription"] = shared.result_description
            subject["result"] = [result]

        credential: dict[str, Any] = {
            "@context": list(shared.contexts),
            "id": credential_id,
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": shared.name,
            "issuer": shared.issuer,
            "validFrom": _timestamp(award.issued),
            "awardedDate": _timestamp(award.awarded or award.issued),
        }
        valid_until = award.valid_until or expiry_of(mc, award.issued)
        if valid_until is not None:
            credential["validUntil"] = _timestamp(valid_until)
        credential["credentialSubject"] = subject
        if award.evidence:
            credential["evidence"] = [_evidence(e) for e in award.evidence]
        if self.credential_schema:
            credential["credentialSchema"] = [{"id": OB3_SCHEMA_ID, "type": SCHEMA_VALIDATOR_TYPE}]
        if status is not None:
            credential["credentialStatus"] = json.loads(json.dumps(dict(status)))
        return credential

    def to_json(self, credential: Mapping[str, Any]) -> str:
        """``json.dumps(credential, ensure_ascii=False, separators=(",", ":"))`` of a
        credential built by this template (status or proof may have been added to it), with
        the shared achievement encoded once per template instead of once per credential."""
        encoder = _compact_encoder()
        shared = self._shared
        subject = credential.get("credentialSubject")
        if (
            shared is None
            or type(credential) is not dict
            or type(subject) is not dict
            or subject.get("achievement") is not shared.achievement
        ):
            return encoder.encode(credential)
        text = encoder.encode(
            {**credential, "credentialSubject": {**subject, "achievement": _HOLE}}
        )
        if text.count(_HOLE_JSON) != 1:  # the placeholder occurs in the data itself
            return encoder.encode(credential)
        if shared.achievement_json is None:
            shared.achievement_json = encoder.encode(shared.achievement)
        return text.replace(_HOLE_JSON, shared.achievement_json)


_HOLE = "\x00"
_HOLE_JSON = '"\\u0000"'


@functools.cache
def _compact_encoder() -> json.JSONEncoder:
    """What ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))`` encodes with."""
    return json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def prepare_credential(
    mc: MicroCredential,
    *,
    issuer: IssuerProfile,
    achievement_id: str | None = None,
    credential_schema: bool = True,
) -> CredentialTemplate:
    """Check ``mc`` and ``issuer`` and build the parts of their credentials shared by every
    award (issuer profile, achievement), once for many awards; never raises: problems are
    raised by :meth:`CredentialTemplate.build`, in :func:`build_credential`'s order. Options as
    in :func:`build_credential`."""
    return CredentialTemplate(
        mc, issuer=issuer, achievement_id=achievement_id, credential_schema=credential_schema
    )


def _without_extensions() -> tuple[str, ...]:
    return tuple(c for c in OB3_CONTEXTS if c != OB3_EXTENSIONS_CONTEXT)


def _evidence(evidence: Evidence) -> dict[str, Any]:
    node: dict[str, Any] = {"type": ["Evidence"]}
    for key in ("id", "name", "description", "narrative", "genre"):
        value = getattr(evidence, key)
        if value is not None:
            node[key] = value
    return node


# ---- reading (never trusts the input) -----------------------------------------------------


def _obj(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _items(value: object) -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value[:_MAX_ITEMS])
    return [] if value is None else [value]


def _objs(value: object) -> list[Mapping[str, Any]]:
    return [v for v in _items(value) if isinstance(v, Mapping)]


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _strs(value: object) -> list[str]:
    return [v for v in _items(value) if isinstance(v, str) and v]


def _ids(value: object) -> list[str]:
    """IRIs given as strings or as ``{"id": …}`` objects."""
    out = []
    for item in _items(value):
        ident = _str(_obj(item).get("id")) if isinstance(item, Mapping) else _str(item)
        if ident:
            out.append(ident)
    return out


def _lang_map(value: object) -> dict[str, str] | None:
    if not isinstance(value, Mapping):
        return None
    out = {
        k: v
        for k, v in list(value.items())[:_MAX_ITEMS]
        if isinstance(k, str) and isinstance(v, str)
    }
    return out or None


def _text_value(node: Mapping[str, Any], key: str, map_key: str) -> dict[str, str] | str | None:
    return _lang_map(node.get(map_key)) or _str(node.get(key))


def _decimal_text(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return str(value) if number.is_finite() else None


def _subject(document: Mapping[str, Any]) -> Mapping[str, Any]:
    subjects = _objs(document.get("credentialSubject"))
    return subjects[0] if subjects else {}


def _profile_summary(profile: object) -> dict[str, Any] | None:
    if isinstance(profile, str) and profile:
        return {"id": profile}
    node = _obj(profile)
    summary: dict[str, Any] = {}
    for key, value in (
        ("id", _str(node.get("id"))),
        ("name", _text_value(node, "name", "nameMap")),
        ("country", _str(_obj(node.get("address")).get("addressCountryCode"))),
        ("url", _str(node.get("url"))),
    ):
        if value:
            summary[key] = value
    return summary or None


def _alignments_of(achievement: Mapping[str, Any], *target_types: str) -> list[Mapping[str, Any]]:
    """Alignments of the given target types; with none given, the competency-like ones."""
    found = []
    for alignment in _objs(achievement.get("alignment")):
        target_type = alignment.get("targetType")
        if target_types:
            wanted = target_type in target_types
        else:
            wanted = target_type not in (EQF_TARGET_TYPE, QA_TARGET_TYPE)
        if wanted:
            found.append(alignment)
    return found


def _learner_value(subject: Mapping[str, Any]) -> dict[str, Any] | None:
    value: dict[str, Any] = {}
    if ident := _str(subject.get("id")):
        value["id"] = ident
    identifiers = [
        {
            "identityType": _str(i.get("identityType")),
            "hashed": i.get("hashed") is True,
            "identityHash": i["identityHash"],
        }
        for i in _objs(subject.get("identifier"))
        if _str(i.get("identityHash"))
    ]
    if identifiers:
        value["identifier"] = identifiers
    return value or None


def _country_value(
    document: Mapping[str, Any], achievement: Mapping[str, Any]
) -> dict[str, Any] | None:
    countries = [country_from_nal_iri(i) or i for i in _strs(achievement.get("issuerCountry"))]
    regions = _strs(achievement.get("issuerRegion"))
    if not countries:
        for profile in (document.get("issuer"), achievement.get("creator")):
            address = _obj(_obj(profile).get("address"))
            if code := _str(address.get("addressCountryCode")):
                countries = [code]
                regions = regions or _strs(address.get("addressRegion"))
                break
    if not countries:
        return None
    return {"countries": countries, **({"regions": regions} if regions else {})}


def _bodies_value(document: Mapping[str, Any], achievement: Mapping[str, Any]) -> list[Any]:
    for candidates in (
        _items(achievement.get("awardingBody")),
        _items(achievement.get("creator")),
        _items(document.get("issuer")),
    ):
        bodies = [b for b in map(_profile_summary, candidates) if b]
        if bodies:
            return bodies
    return []


def _outcomes_value(achievement: Mapping[str, Any]) -> list[Any]:
    outcomes: list[Any] = []
    for node in _objs(achievement.get("learningOutcome")):
        text = _text_value(node, "name", "nameMap")
        if text:
            skills = _ids(node.get("relatedESCOSkill"))
            outcomes.append({"text": text, **({"esco": skills} if skills else {})})
    if not outcomes:
        outcomes = [
            {"text": name, **({"url": url} if (url := _str(a.get("targetUrl"))) else {})}
            for a in _alignments_of(achievement)
            if (name := _str(a.get("targetName")))
        ]
    return outcomes


def _workload_value(subject: Mapping[str, Any], achievement: Mapping[str, Any]) -> dict[str, str]:
    value = {
        key: text
        for key, raw in (
            ("ects", achievement.get("ectsCredits")),
            ("hours", achievement.get("workloadHours")),
        )
        if (text := _decimal_text(raw))
    }
    if not value:
        credits = _decimal_text(achievement.get("creditsAvailable")) or _decimal_text(
            subject.get("creditsEarned")
        )
        if credits:
            value["credits"] = credits
    return value


def _level_value(achievement: Mapping[str, Any]) -> dict[str, str]:
    value = {
        key: text
        for key, raw in (
            ("eqf", achievement.get("eqfLevel")),
            ("nqf", achievement.get("nqfLevel")),
            ("qf_ehea_cycle", achievement.get("qfEheaCycle")),
        )
        if (text := _str(raw))
    }
    if "eqf" not in value:
        for alignment in _alignments_of(achievement, EQF_TARGET_TYPE):
            url, code = _str(alignment.get("targetUrl")), _str(alignment.get("targetCode"))
            if url and eqf_level_number(url) is not None:
                value["eqf"] = url
            elif code and code.isdigit() and 1 <= int(code) <= 8:
                value["eqf"] = f"http://data.europa.eu/snb/eqf/{int(code)}"
            elif url:
                value["eqf"] = url
            if "eqf" in value:
                break
    return value


def _qa_value(achievement: Mapping[str, Any]) -> list[Any]:
    value: list[Any] = []
    for node in _objs(achievement.get("qualityAssurance")):
        if qa_type := _str(node.get("qualityAssuranceType")):
            entry: dict[str, Any] = {"type": qa_type}
            if body := _profile_summary(node.get("accreditingBody")):
                entry["accrediting_body"] = body
            if url := _str(node.get("url")):
                entry["url"] = url
            value.append(entry)
    if not value:
        for alignment in _alignments_of(achievement, QA_TARGET_TYPE):
            if target := _str(alignment.get("targetUrl")) or _str(alignment.get("targetName")):
                value.append({"type": target})
    return value


def _stack_value(achievement: Mapping[str, Any]) -> dict[str, Any] | None:
    option = _str(achievement.get("integrationStackability"))
    targets = _ids(achievement.get("stacksInto"))
    if not option and not targets:
        return None
    return {
        **({"option": option} if option else {}),
        **({"stacks_into": targets} if targets else {}),
    }


def _grade_value(subject: Mapping[str, Any]) -> str | None:
    for result in _objs(subject.get("result")):
        if grade := _str(result.get("value")):
            return grade
    return None


def eu_elements(document: Mapping[str, Any]) -> EuCompleteness:
    """The Annex I elements held by ANY OB 3.0 credential (ours or others'); never raises.

    Our extension terms are read first, then native OB 3.0 fields (issuer address, creator,
    alignments ``ext:EQF``/``ext:QualityAssurance``, credits). ``missing`` lists only mandatory
    elements; values are JSON-compatible.
    """
    try:
        values = _eu_values(document)
    except Exception:  # hostile input must never crash a verifier
        values = {}
    present = tuple(e for e in (*ANNEX_I_MANDATORY, *ANNEX_I_OPTIONAL) if e in values)
    missing = tuple(e for e in ANNEX_I_MANDATORY if e not in values)
    return EuCompleteness(present=present, missing=missing, values=values)


def _eu_values(document: object) -> dict[str, Any]:
    doc = _obj(document)
    subject = _subject(doc)
    achievement = _obj(subject.get("achievement"))
    found: dict[str, Any] = {
        "identification of the learner": _learner_value(subject),
        "title of the micro-credential": _text_value(achievement, "name", "nameMap"),
        "country(ies)/region(s) of the issuer": _country_value(doc, achievement),
        "awarding body(ies)": _bodies_value(doc, achievement),
        "date of issuing": _str(doc.get("validFrom"))
        or _str(doc.get("issuanceDate"))
        or _str(doc.get("awardedDate")),
        "learning outcomes": _outcomes_value(achievement),
        "notional workload": _workload_value(subject, achievement),
        "level": _level_value(achievement),
        "type of assessment": _strs(achievement.get("assessmentType")),
        "form of participation": _strs(achievement.get("participationMode")),
        "type of quality assurance": _qa_value(achievement),
        "prerequisites": _text_value(achievement, "", "prerequisites"),
        "supervision and identity verification": _str(
            achievement.get("supervisionAndIdentityVerification")
        ),
        "grade achieved": _grade_value(subject),
        "integration/stackability options": _stack_value(achievement),
        "further information": _text_value(achievement, "", "furtherInformation"),
    }
    return {name: value for name, value in found.items() if value}


# ---- reading our own credentials back into the model --------------------------------------


def _need(node: Mapping[str, Any], key: str) -> Any:
    if key not in node:
        raise KeyError(key)
    return node[key]


def _text(node: Mapping[str, Any], key: str, map_key: str, lang: str) -> LanguageMap | None:
    if mapped := _lang_map(node.get(map_key)):
        return LanguageMap(mapped)
    text = _str(node.get(key))
    return LanguageMap({lang: text}) if text else None


def _organisation(profile: Mapping[str, Any], lang: str) -> Organisation:
    ident = _str(profile.get("id"))
    return Organisation(
        legal_name=_text(profile, "name", "nameMap", lang) or LanguageMap(),
        country=_str(_obj(profile.get("address")).get("addressCountryCode")) or "",
        url=_str(profile.get("url")),
        did=ident if ident and ident.startswith("did:") else None,
        identifiers=tuple(
            Identifier(str(entry["identifier"]), str(entry["identifierType"])[4:])
            for entry in _objs(profile.get("otherIdentifier"))
            if str(entry.get("identifierType", "")).startswith("ext:")
        ),
        email=_str(profile.get("email")),
    )


def _skill_list(value: object, lang: str) -> tuple[EscoSkill, ...]:
    skills = []
    for item in _items(value):
        if isinstance(item, Mapping):
            label = _lang_map(item.get("nameMap"))
            skills.append(EscoSkill(str(_need(item, "id")), LanguageMap(label) if label else None))
        elif isinstance(item, str):
            skills.append(EscoSkill(item))
    return tuple(skills)


def _micro_credential(achievement: Mapping[str, Any]) -> MicroCredential:
    lang = _str(achievement.get("inLanguage")) or "en"
    ach_id = str(_need(achievement, "id"))
    prefix = "urn:microcred:achievement:"
    grading = _objs(achievement.get("resultDescription"))
    stack_option = _str(achievement.get("integrationStackability"))
    return MicroCredential(
        id=ach_id[len(prefix) :] if ach_id.startswith(prefix) else ach_id,
        title=_text(achievement, "name", "nameMap", lang) or LanguageMap(),
        issuer_countries=tuple(
            country_from_nal_iri(i) or i for i in _strs(achievement.get("issuerCountry"))
        ),
        awarding_bodies=tuple(
            _organisation(p, lang) for p in _objs(_need(achievement, "awardingBody"))
        ),
        learning_outcomes=tuple(
            LearningOutcome(
                _text(o, "name", "nameMap", lang) or LanguageMap(),
                _skill_list(o.get("relatedESCOSkill"), lang),
            )
            for o in _objs(_need(achievement, "learningOutcome"))
        ),
        workload=Workload(
            ects=_decimal(achievement.get("ectsCredits")),
            hours=_decimal(achievement.get("workloadHours")),
        ),
        level=Level(
            eqf=_str(achievement.get("eqfLevel")),
            nqf=_str(achievement.get("nqfLevel")),
            qf_ehea_cycle=_str(achievement.get("qfEheaCycle")),
        ),
        assessment_types=tuple(_strs(achievement.get("assessmentType"))),
        participation=tuple(_strs(achievement.get("participationMode"))),
        quality_assurance=tuple(
            QualityAssurance(
                type=str(_need(q, "qualityAssuranceType")),
                accrediting_body=_organisation(_obj(q["accreditingBody"]), lang)
                if "accreditingBody" in q
                else None,
                description=_text(q, "", "descriptionMap", lang),
                url=_str(q.get("url")),
            )
            for q in _objs(achievement.get("qualityAssurance"))
        ),
        issuer_regions=tuple(_strs(achievement.get("issuerRegion"))),
        prerequisites=_text(achievement, "", "prerequisites", lang),
        supervision=_str(achievement.get("supervisionAndIdentityVerification")),
        assessment_mode=_str(achievement.get("assessmentMode")),
        grading_scheme=GradingScheme(
            title=_text(grading[0], "name", "nameMap", lang) or LanguageMap(),
            description=_text(grading[0], "description", "descriptionMap", lang),
            result_type=_str(grading[0].get("resultType")) or "Result",
            allowed_values=tuple(_strs(grading[0].get("allowedValue"))),
        )
        if grading
        else None,
        stackability=Stackability(
            stack_option,
            tuple(
                StackTarget(str(_need(t, "id")), _text(t, "name", "nameMap", lang))
                if isinstance(t, Mapping)
                else StackTarget(str(t))
                for t in _items(achievement.get("stacksInto"))
            ),
        )
        if stack_option
        else None,
        further_information=_text(achievement, "", "furtherInformation", lang),
        version=_str(achievement.get("version")),
        description=_text(achievement, "", "descriptionMap", lang),
        criteria=_text(_obj(achievement.get("criteria")), "", "narrativeMap", lang),
        image=_str(_obj(achievement.get("image")).get("id")),
        languages=tuple(_strs(achievement.get("instructionLanguage"))),
        esco_skills=_skill_list(achievement.get("relatedESCOSkill"), lang),
        learning_setting=_str(achievement.get("learningSetting")),
        tags=tuple(_strs(achievement.get("tag"))),
        validity=_str(achievement.get("validityPeriod")),
    )


def _decimal(value: object) -> Decimal | None:
    text = _decimal_text(value)
    return Decimal(text) if text is not None else None


def _learner(subject: Mapping[str, Any]) -> Learner:
    ident = _str(subject.get("id"))
    plain: dict[str, str] = {}
    for entry in _objs(subject.get("identifier")):
        kind, value = _str(entry.get("identityType")), _str(entry.get("identityHash"))
        if kind and value and entry.get("hashed") is False:
            plain.setdefault(kind, value)
    return Learner(
        name=plain.get("name"),
        given_name=plain.get("ext:givenName"),
        family_name=plain.get("ext:familyName"),
        email=plain.get("emailAddress"),
        did=ident if ident and ident.startswith("did:") else None,
        url=ident if ident and not ident.startswith("did:") else None,
        institutional_id=plain.get("identifier"),
    )


def _datetime(value: object) -> datetime:
    if not isinstance(value, str):
        raise TypeError("a date-time string is required")
    return datetime.fromisoformat(value)


def _read_award(document: Mapping[str, Any]) -> Award:
    subject = _subject(document)
    mc = _micro_credential(_obj(_need(subject, "achievement")))
    issued = _datetime(_need(document, "validFrom"))
    awarded = _datetime(document["awardedDate"]) if "awardedDate" in document else None
    valid_until = _datetime(document["validUntil"]) if "validUntil" in document else None
    return Award(
        learner=_learner(subject),
        micro_credential=mc,
        issued=issued,
        awarded=None if awarded == issued else awarded,
        grade=_grade_value(subject),
        evidence=tuple(
            Evidence(
                **{k: _str(e.get(k)) for k in ("id", "name", "description", "narrative", "genre")}
            )
            for e in _objs(document.get("evidence"))
        ),
        valid_until=None if valid_until == expiry_of(mc, issued) else valid_until,
        credential_id=_str(document.get("id")),
    )


def read_award(document: Mapping[str, Any]) -> Award:
    """The :class:`Award` held by an OB 3.0 credential built by :func:`build_credential`.

    Hashed identifiers cannot be recovered (the e-mail is then absent). Raises
    :class:`DocumentParseError` when ``document`` lacks the microcred extension elements.
    """
    if not isinstance(document, Mapping):
        raise DocumentParseError("credential: must be a JSON object")
    try:
        return _read_award(document)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError) as exc:
        raise DocumentParseError(
            f"credential: not a microcred Open Badges 3.0 credential ({type(exc).__name__}: "
            f"{str(exc)[:100]})"
        ) from exc


# ---- the Format plug-in -------------------------------------------------------------------


class Ob3Format:
    """Open Badges 3.0 as a :class:`~microcred.core.formats.registry.Format`."""

    name = "ob3"
    media_type = "application/vc"

    def detect(self, document: Mapping[str, Any]) -> bool:
        """True for a JSON object whose ``@context`` includes an OB 3.0 context."""
        if not isinstance(document, Mapping):
            return False
        contexts = _strs(document.get("@context"))
        return any(
            c.startswith("https://purl.imsglobal.org/spec/ob/v3p0/context") for c in contexts
        )

    def build(
        self,
        award: Award,
        *,
        issuer: IssuerProfile,
        credential_id: str,
        salt: str | None = None,
        status: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """See :func:`build_credential`."""
        return build_credential(award, issuer=issuer, credential_id=credential_id, salt=salt,
                                status=status)  # fmt: skip

    eu_elements = staticmethod(eu_elements)
    read_award = staticmethod(read_award)
    validate = staticmethod(validate_ob3_schema)


OB3 = Ob3Format()
