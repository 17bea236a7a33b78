"""The one exception tree of microcred.

Issuing raises on bad input; verifying returns a report and raises only for programmer errors.
Each leaf carries the problem-type URL of the spec that names the problem (RFC 9457 ``type``)::

    MicrocredError
    ├── InvalidInputError            the caller's input cannot be used (CLI exit code 2)
    │   ├── SpecValidationError      a micro-credential description breaks EU Annex I rules
    │   ├── KeyFormatError           a key file or multibase key is malformed
    │   └── DocumentParseError       not JSON, not a JWT, not a credential at all
    ├── JsonLdError                  JSON-LD processing failed (VC-DI 1.0 §4)
    │   ├── UnknownContextError      a context URL that is not bundled or given locally
    │   ├── DataLossError            a term or IRI would be dropped (DATA_LOSS_DETECTION_ERROR)
    │   └── CanonicalizationLimitError  RDFC-1.0 work cap hit (poison dataset)
    ├── ProofError                   a proof cannot be created or processed
    ├── ResolutionError              a DID or verification method cannot be resolved
    └── StatusError                  a status list cannot be read or is malformed
"""

from __future__ import annotations

from typing import ClassVar

VC_ERRORS = "https://www.w3.org/TR/vc-data-model#"
SECURITY = "https://w3id.org/security#"
STATUS_LIST = "https://www.w3.org/ns/credentials/status-list#"
MICROCRED = "https://w3id.org/microcred/problems#"


class MicrocredError(Exception):
    """Base of every error microcred raises on purpose."""

    problem_type: ClassVar[str] = MICROCRED + "ERROR"


class InvalidInputError(MicrocredError):
    """The caller's input cannot be used as given."""

    problem_type = VC_ERRORS + "MALFORMED_VALUE_ERROR"


class SpecValidationError(InvalidInputError):
    """A micro-credential description breaks the EU Annex I rules.

    ``problems`` lists every problem found, each a plain sentence that names the element,
    e.g. ``"learning outcomes: at least one is required"``.
    """

    problem_type = MICROCRED + "INVALID_MICROCREDENTIAL"

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


class KeyFormatError(InvalidInputError):
    """A key file or multibase-encoded key is malformed."""

    problem_type = SECURITY + "INVALID_VERIFICATION_METHOD"


class DocumentParseError(InvalidInputError):
    """The input is not a JSON document, a JWT or a credential."""

    problem_type = VC_ERRORS + "PARSING_ERROR"


class JsonLdError(MicrocredError):
    """JSON-LD expansion or canonicalisation failed."""

    problem_type = SECURITY + "PROOF_TRANSFORMATION_ERROR"


class UnknownContextError(JsonLdError):
    """A context URL that is neither bundled nor supplied locally; nothing is fetched."""


class DataLossError(JsonLdError):
    """A term or relative IRI would be dropped by expansion (VC-DI 1.0 §2.4)."""

    problem_type = SECURITY + "DATA_LOSS_DETECTION_ERROR"


class CanonicalizationLimitError(JsonLdError):
    """RDFC-1.0 exceeded its work cap: a poison dataset is refused, not computed."""


class ProofError(MicrocredError):
    """A Data Integrity or JOSE proof cannot be created or processed."""

    problem_type = SECURITY + "PROOF_GENERATION_ERROR"


class ResolutionError(MicrocredError):
    """A DID or a verification method cannot be resolved."""

    problem_type = SECURITY + "INVALID_VERIFICATION_METHOD"


class StatusError(MicrocredError):
    """A status list credential cannot be used."""

    problem_type = STATUS_LIST + "STATUS_VERIFICATION_ERROR"
