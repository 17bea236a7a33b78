"""Export use cases on the faked ports: PDF, offline bundle (before and after revocation),
baked PNG and SVG badges."""

from __future__ import annotations

import base64
import io
import json
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from service_support import Env

from microcred.core.formats import baking
from microcred.core.formats.pdf_certificate import extract_credential
from microcred.core.verify.bundle import verify_bundle
from microcred.core.verify.pipeline import Verifier
from microcred.core.verify.report import VerificationReport
from microcred.errors import InvalidInputError
from microcred.service import exports, status_lists
from microcred.service.verifying import verifier


def service_verifier(env: Env) -> Verifier:
    return verifier(
        uow=env.uow,
        cipher=env.cipher,
        clock=env.clock,
        fetcher=env.fetcher,
        base_url=env.base_url,
    )


def status_of(report: VerificationReport) -> str:
    (check,) = [c for c in report.checks if c.name.endswith("status")]
    return f"{check.outcome}: {check.reason}"


def test_verify_url_points_to_the_public_page_with_the_credential_url() -> None:
    url = exports.verify_url_for(
        "https://issuer.example/", "https://issuer.example/credentials/a b"
    )
    assert url == (
        "https://issuer.example/verify?credential="
        "https%3A%2F%2Fissuer.example%2Fcredentials%2Fa%20b"
    )


def test_pdf_carries_the_exact_credential() -> None:
    env = Env()
    _, owner = env.organisation()
    award = env.issue(owner, env.published(owner))
    pdf = exports.pdf_for(award.credential, lang="fr", verify_url="https://issuer.example/verify")
    assert extract_credential(pdf) == award.credential
    assert "Aoife Murphy" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_bundle_verifies_after_the_issuer_is_gone_and_keeps_its_status_date() -> None:
    env = Env()
    _, owner = env.organisation()
    award = env.issue(owner, env.published(owner))
    env.host_did_documents()
    before = exports.bundle_for(award.credential, verifier=service_verifier(env), clock=env.clock)
    made = env.clock()
    assert before["created"] == made.isoformat().replace("+00:00", "Z")
    assert [d["id"] for d in before["controllerDocuments"]] == [
        "did:web:issuer.example:orgs:university-of-galway"
    ]
    (snapshot,) = before["statusLists"]
    assert snapshot["url"].startswith("https://issuer.example/status/")

    env.clock.advance(days=30)
    status_lists.revoke(owner, award.id, reason="plagiarism", **env.changes_status)
    env.clock.advance(days=1)
    after = exports.bundle_for(award.credential, verifier=service_verifier(env), clock=env.clock)

    # the issuer's server is gone: nothing is fetched, everything comes from the bundle
    env.fetcher.documents.clear()
    later = env.clock() + timedelta(days=365)
    old = verify_bundle(json.loads(json.dumps(before)), now=later)
    assert old.verified, old.to_dict()
    assert f"as of {before['statusLists'][0]['fetched']}" in status_of(old)
    new = verify_bundle(json.loads(json.dumps(after)), now=later)
    assert not new.verified
    assert status_of(new).startswith("failed")
    assert "REVOKED" in status_of(new)
    assert env.verify(award).verified is False  # and online it is revoked too


def test_bundle_refuses_when_a_status_list_cannot_be_had() -> None:
    env = Env()
    _, owner = env.organisation()
    award = env.issue(owner, env.published(owner))
    document = json.loads(award.credential)
    entry = document["credentialStatus"]
    entry = entry[0] if isinstance(entry, list) else entry
    broken = award.credential.replace(entry["statusListCredential"], "https://gone.example/s/1")
    with pytest.raises(
        InvalidInputError, match=re.escape("https://gone.example/s/1 could not be fetched")
    ):
        exports.bundle_for(broken, verifier=service_verifier(env), clock=env.clock)


def test_baked_badges_hold_the_credential_and_use_the_default_image() -> None:
    env = Env()
    _, owner = env.organisation()
    award = env.issue(owner, env.published(owner))
    png = exports.baked_png_for(award.credential)
    assert baking.is_png(png)
    assert baking.unbake(png).text == award.credential
    svg = exports.baked_svg_for(award.credential)
    assert baking.is_svg(svg)
    assert baking.unbake(svg).text == award.credential
    assert env.verify(baking.unbake(png).text).verified


def test_a_data_url_achievement_image_is_used_for_the_badge() -> None:
    own = exports.default_badge("svg").replace(b"#003399", b"#AA0000")
    data_url = "data:image/svg+xml;base64," + base64.b64encode(own).decode()
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"achievement": {"image": {"id": data_url, "type": "Image"}}},
    }
    svg = exports.baked_svg_for(json.dumps(document))
    assert b"#AA0000" in svg
    png = exports.baked_png_for(json.dumps(document))  # no PNG of its own: the default
    assert baking.unbake(png).text == json.dumps(document)
