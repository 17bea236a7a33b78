"""Adding and verifying Data Integrity proofs (VC Data Integrity 1.0 §4.2 "Add Proof",
§4.3 "Add Proof Set/Chain", §4.4 "Verify Proof", §4.5 "Verify Proof Sets and Chains").

Suite-agnostic: the suite for a proof is looked up in the registry by its ``cryptosuite`` (a
``DataIntegrityProof``) or by its ``type`` (a registered legacy proof type, verify-only). Issuing
raises (:class:`ProofError`, JSON-LD errors); verifying returns one :class:`ProofCheck` per proof
and does not raise on bad input.
"""

from __future__ import annotations

import copy
import marshal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from microcred.core.did.resolver import Resolver
from microcred.core.keys.multikey import decode_base58btc, encode_base58btc
from microcred.core.proofs import registry
from microcred.core.proofs._datetime import is_datetime, parse_datetime
from microcred.core.proofs.suites._eddsa import PROOF_TYPE
from microcred.errors import (
    SECURITY,
    VC_ERRORS,
    InvalidInputError,
    KeyFormatError,
    MicrocredError,
    ProofError,
)

if TYPE_CHECKING:
    from microcred.core.jsonld.loader import DocumentLoader
    from microcred.core.keys.signer import Signer
    from microcred.core.proofs.cryptosuite import Cryptosuite

PARSING_ERROR = VC_ERRORS + "PARSING_ERROR"
PROOF_VERIFICATION_ERROR = SECURITY + "PROOF_VERIFICATION_ERROR"
INVALID_DOMAIN_ERROR = SECURITY + "INVALID_DOMAIN_ERROR"
INVALID_CHALLENGE_ERROR = SECURITY + "INVALID_CHALLENGE_ERROR"


@dataclass(frozen=True)
class ProofCheck:
    """The outcome of verifying one proof of a document.

    ``reason`` says in plain words why it failed (``None`` when verified); ``problem_type`` is
    the spec's problem-type URL; ``controller`` is the controller of the verification method
    when it was resolved (the caller compares it with the issuer); ``proof_type`` is the proof's
    ``type`` (``cryptosuite`` is ``None`` for legacy types such as ``Ed25519Signature2020``).
    """

    proof_index: int
    cryptosuite: str | None
    verification_method: str | None
    verified: bool
    problem_type: str | None
    reason: str | None
    controller: str | None
    proof_type: str | None = None


class _CheckFailedError(Exception):
    def __init__(self, problem_type: str, reason: str) -> None:
        super().__init__(reason)
        self.problem_type = problem_type
        self.reason = reason


def _proof_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _ids(value: Any) -> list[str]:
    return [v for v in _proof_list(value) if isinstance(v, str)]


def _chained(unsecured: dict[str, Any], proofs: Sequence[Any], previous: Any) -> dict[str, Any]:
    """The document a chained proof signs: ``proof`` = the proofs named by ``previousProof``."""
    wanted = _proof_list(previous)
    if not wanted or not all(isinstance(w, str) for w in wanted):
        raise ProofError("previousProof must be a proof id or a list of proof ids")
    matching = []
    for proof_id in wanted:
        found = [p for p in proofs if isinstance(p, Mapping) and p.get("id") == proof_id]
        if not found:
            raise ProofError(f"previous proof {proof_id!r} is not in the document")
        matching.append(found[0])
    return {**unsecured, "proof": matching}


def create_proof(
    document: Mapping[str, Any],
    *,
    signer: Signer,
    cryptosuite: str = "eddsa-rdfc-2022",
    created: str | None,
    proof_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    loader: DocumentLoader,
    proof_id: str | None = None,
    previous_proof: str | Sequence[str] | None = None,
    expires: str | None = None,
) -> dict[str, Any]:
    """The new Data Integrity proof of ``document`` (§4.2 steps 1-6), ``document`` unchanged.

    :func:`add_proof` returns a copy of the document with this proof appended; a caller that
    only serialises the result (bulk issuance) takes the proof alone and copies nothing.
    """
    if not isinstance(document, Mapping):
        raise InvalidInputError("only a JSON object can be secured")
    for label, value in (("created", created), ("expires", expires)):
        if value is not None and not is_datetime(value):
            raise ProofError(f"{label} {value!r} is not a valid XML Schema dateTime")
    if not proof_purpose:
        raise ProofError("a proof needs a proofPurpose")
    if not signer.verification_method:
        raise ProofError("a proof needs a verificationMethod")
    suite = registry.for_issuing(cryptosuite)
    unsecured = {k: v for k, v in document.items() if k != "proof"}  # read, never changed

    options: dict[str, Any] = {"type": PROOF_TYPE}
    if proof_id is not None:
        options["id"] = proof_id
    options["cryptosuite"] = suite.name
    if created is not None:
        options["created"] = created
    if expires is not None:
        options["expires"] = expires
    options["verificationMethod"] = signer.verification_method
    options["proofPurpose"] = proof_purpose
    if challenge is not None:
        options["challenge"] = challenge
    if domain is not None:
        options["domain"] = domain
    to_sign = unsecured
    if previous_proof is not None:
        options["previousProof"] = (
            previous_proof if isinstance(previous_proof, str) else list(previous_proof)
        )
        to_sign = _chained(unsecured, _proof_list(document.get("proof")), options["previousProof"])

    proof = suite.create_proof_options(to_sign, options)
    hash_data = suite.hash_data(to_sign, proof, loader=loader)
    proof["proofValue"] = encode_base58btc(suite.sign(signer, hash_data))
    return proof


def add_proof(
    document: Mapping[str, Any],
    *,
    signer: Signer,
    cryptosuite: str = "eddsa-rdfc-2022",
    created: str | None,
    proof_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    loader: DocumentLoader,
    proof_as_array: bool = True,
    proof_id: str | None = None,
    previous_proof: str | Sequence[str] | None = None,
    expires: str | None = None,
) -> dict[str, Any]:
    """Return a copy of ``document`` with a new Data Integrity proof (:func:`create_proof`).

    An existing proof (set) is kept and the new proof appended (a proof set, §4.3); with
    ``previous_proof`` the named existing proofs are signed too (a proof chain). OB 3.0 wants
    ``proof`` as an array, hence ``proof_as_array=True``; a second proof always makes an array.
    """
    proof = create_proof(
        document,
        signer=signer,
        cryptosuite=cryptosuite,
        created=created,
        proof_purpose=proof_purpose,
        challenge=challenge,
        domain=domain,
        loader=loader,
        proof_id=proof_id,
        previous_proof=previous_proof,
        expires=expires,
    )
    secured = {k: _copy(v) for k, v in document.items()}
    proofs = [_copy(p) for p in _proof_list(document.get("proof"))] + [proof]
    secured["proof"] = proofs if proof_as_array or len(proofs) > 1 else proof
    return secured


def _copy(value: Any) -> Any:
    """A deep copy; plain JSON values go through :mod:`marshal` (C, about 4x copy.deepcopy)."""
    try:
        return marshal.loads(marshal.dumps(value))
    except (ValueError, TypeError):  # other types (or nesting marshal refuses)
        return copy.deepcopy(value)


def verify_proofs(
    document: Mapping[str, Any],
    *,
    resolver: Resolver,
    loader: DocumentLoader,
    expected_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    now: datetime | None = None,
) -> list[ProofCheck]:
    """Verify every proof of ``document``; one :class:`ProofCheck` per proof, in order.

    A document without ``proof`` gives an empty list. ``challenge`` / ``domain``, when given,
    must match the proof's; ``now`` (optional) enables the ``expires`` check.
    """
    if not isinstance(document, Mapping):
        return [
            ProofCheck(
                0, None, None, False, PARSING_ERROR, "the document is not a JSON object", None
            )
        ]
    proofs = _proof_list(document.get("proof"))
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    checks = []
    for index, proof in enumerate(proofs):
        checks.append(
            _verify_one(
                index,
                proof,
                proofs,
                unsecured,
                resolver=resolver,
                loader=loader,
                expected_purpose=expected_purpose,
                challenge=challenge,
                domain=domain,
                now=now,
            )
        )
    return checks


def _verify_one(
    index: int,
    proof: Any,
    proofs: Sequence[Any],
    unsecured: dict[str, Any],
    *,
    resolver: Resolver,
    loader: DocumentLoader,
    expected_purpose: str,
    challenge: str | None,
    domain: str | None,
    now: datetime | None,
) -> ProofCheck:
    if not isinstance(proof, Mapping):
        return ProofCheck(
            index, None, None, False, PARSING_ERROR, "the proof is not a JSON object", None
        )
    proof_type = proof.get("type")
    proof_type = proof_type if isinstance(proof_type, str) else None
    suite_name = proof.get("cryptosuite")
    suite_name = suite_name if isinstance(suite_name, str) else None
    vm = proof.get("verificationMethod")
    vm = vm if isinstance(vm, str) else None
    controller: str | None = None
    try:
        _check_proof_fields(proof, expected_purpose, challenge, domain, now)
        assert vm is not None  # checked above
        suite = registry.for_proof(proof_type, suite_name)
        proof_options = {k: v for k, v in proof.items() if k != "proofValue"}
        signature = _signature(proof.get("proofValue"))
        method = resolver.resolve_verification_method(vm, purpose=proof["proofPurpose"])
        controller = method.controller
        _check_method_type(suite, method.type)
        to_verify: Mapping[str, Any] = unsecured
        if "previousProof" in proof:
            to_verify = _chained(unsecured, proofs, proof["previousProof"])
        to_verify = suite.verification_document(to_verify, proof_options)
        hash_data = suite.hash_data(to_verify, proof_options, loader=loader)
        if not suite.verify_signature(
            public_key_multibase=method.public_key_multibase,
            hash_data=hash_data,
            signature=signature,
        ):
            raise _CheckFailedError(
                PROOF_VERIFICATION_ERROR,
                "the signature does not match the document and the key of " + vm,
            )
    except _CheckFailedError as failed:
        problem_type, reason = failed.problem_type, failed.reason
    except ProofError as exc:
        problem_type, reason = PROOF_VERIFICATION_ERROR, str(exc)
    except MicrocredError as exc:
        problem_type, reason = exc.problem_type, str(exc)
    else:
        return ProofCheck(index, suite_name, vm, True, None, None, controller, proof_type)
    return ProofCheck(index, suite_name, vm, False, problem_type, reason, controller, proof_type)


def _check_proof_fields(
    proof: Mapping[str, Any],
    expected_purpose: str,
    challenge: str | None,
    domain: str | None,
    now: datetime | None,
) -> None:
    """VC Data Integrity 1.0 §4.4 steps on the proof object itself."""
    proof_type = proof.get("type")
    if proof_type != PROOF_TYPE and not registry.is_supported(
        proof_type=proof_type, cryptosuite=None
    ):
        raise _CheckFailedError(PROOF_VERIFICATION_ERROR, f"unsupported proof type {proof_type!r}")
    required: tuple[str, ...] = ("verificationMethod", "proofPurpose")
    if proof_type == PROOF_TYPE:
        required = ("cryptosuite", *required)
    for field in required:
        if not isinstance(proof.get(field), str) or not proof[field]:
            raise _CheckFailedError(PROOF_VERIFICATION_ERROR, f"the proof has no {field}")
    if not isinstance(proof.get("proofValue"), str):
        raise _CheckFailedError(PROOF_VERIFICATION_ERROR, "the proof has no proofValue")
    if proof["proofPurpose"] != expected_purpose:
        raise _CheckFailedError(
            PROOF_VERIFICATION_ERROR,
            f"the proof purpose is {proof['proofPurpose']!r}, expected {expected_purpose!r}",
        )
    if challenge is not None and proof.get("challenge") != challenge:
        raise _CheckFailedError(
            INVALID_CHALLENGE_ERROR,
            f"the proof challenge {proof.get('challenge')!r} does not match {challenge!r}",
        )
    if domain is not None and domain not in _ids(proof.get("domain")):
        raise _CheckFailedError(
            INVALID_DOMAIN_ERROR,
            f"the proof domain {proof.get('domain')!r} does not include {domain!r}",
        )
    expires = proof.get("expires")
    if expires is not None:
        expiry = parse_datetime(expires)
        if expiry is None:
            raise _CheckFailedError(
                PROOF_VERIFICATION_ERROR, f"proof expires {expires!r} is not a dateTime"
            )
        if now is not None and now >= expiry:
            raise _CheckFailedError(PROOF_VERIFICATION_ERROR, f"the proof expired at {expires}")


def _check_method_type(suite: Cryptosuite, method_type: str) -> None:
    """A suite may name the verification method types it accepts (optional attribute
    ``verification_method_types``; Ed25519Signature2020: Ed25519VerificationKey2020, Multikey)."""
    accepted = getattr(suite, "verification_method_types", None)
    if accepted is not None and method_type not in accepted:
        raise _CheckFailedError(
            PROOF_VERIFICATION_ERROR,
            f"a {suite.name} proof cannot use a {method_type!r} verification method "
            "(accepted: " + ", ".join(sorted(accepted)) + ")",
        )


def _signature(proof_value: Any) -> bytes:
    try:
        signature = decode_base58btc(proof_value, what="proofValue")
    except KeyFormatError as exc:
        raise _CheckFailedError(PROOF_VERIFICATION_ERROR, str(exc)) from exc
    return signature
