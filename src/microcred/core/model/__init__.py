"""The micro-credential domain model (EU Council Recommendation 2022/C 243/02, Annex I).

Frozen dataclasses, no I/O and no JSON-LD: formats (:mod:`microcred.core.formats`) map them to
wire documents.
"""

from microcred.core.model.award import Award, Evidence, expiry_of
from microcred.core.model.description import (
    description_to_dict,
    learner_to_dict,
    load_description,
    load_learner,
    parse_description,
)
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
from microcred.core.model.validation import (
    validate_award,
    validate_learner,
    validate_micro_credential,
)

__all__ = [
    "Award",
    "EscoSkill",
    "Evidence",
    "GradingScheme",
    "Identifier",
    "IssuerProfile",
    "LanguageMap",
    "Learner",
    "LearningOutcome",
    "Level",
    "MicroCredential",
    "Organisation",
    "QualityAssurance",
    "StackTarget",
    "Stackability",
    "Workload",
    "description_to_dict",
    "expiry_of",
    "learner_to_dict",
    "load_description",
    "load_learner",
    "parse_description",
    "validate_award",
    "validate_learner",
    "validate_micro_credential",
]
