"""The PDF certificate: every Annex I element, labels in EN/FR/DE, the signed credential
attached and extracted unchanged, a QR code to the verification page, deterministic bytes."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from typing import Any

import pytest
from ob3_test_support import CREDENTIAL_ID, example_award
from pypdf import PdfReader

from microcred.core.formats import pdf_certificate
from microcred.core.formats.pdf_certificate import (
    ATTACHMENT_JSON,
    ATTACHMENT_JWT,
    certificate_pdf,
    extract_credential,
    qr_payload,
)
from microcred.core.issuing import issue_award, issuer_profile_for
from microcred.core.jsonld.loader import default_loader
from microcred.core.keys.keypair import Ed25519KeyPair
from microcred.core.model import LanguageMap
from microcred.core.verify.inputs import read_presented
from microcred.core.verify.pipeline import Verifier
from microcred.errors import DocumentParseError

KEY = Ed25519KeyPair.generate(bytes(range(32)))
VERIFY_URL = "https://issuer.example/verify?credential=https%3A%2F%2Fissuer.example%2Fc%2F1"


def signed(suite: str = "eddsa-rdfc-2022", **changes: Any) -> str:
    award = example_award("data-protection-by-design.yaml", "learner.json", **changes)
    issuer = issuer_profile_for(award.micro_credential, issuer_id=KEY.did)
    secured = issue_award(
        award,
        issuer=issuer,
        signer=KEY.signer(),
        suite=suite,
        created="2025-06-01T12:00:00Z",
        credential_id=CREDENTIAL_ID,
        salt="pepper",
        loader=default_loader(),
    )
    return secured if isinstance(secured, str) else json.dumps(secured, ensure_ascii=False)


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def credential() -> str:
    return signed()


@pytest.fixture(scope="module")
def english(credential: str) -> bytes:
    return certificate_pdf(credential, verify_url=VERIFY_URL, lang="en")


def test_the_signed_text_comes_back_out_exactly_and_still_verifies(
    credential: str, english: bytes
) -> None:
    assert extract_credential(english) == credential
    names = list(PdfReader(io.BytesIO(english)).attachments)
    assert names == [ATTACHMENT_JSON]
    report = Verifier().verify(extract_credential(english))
    assert report.verified, report.to_dict()


def test_every_annex_i_element_of_the_award_is_printed(english: bytes) -> None:
    text = flat(text_of(english))
    for expected in (
        "University of Galway",  # issuer / awarding body
        "Aoife Murphy",  # learner (examples/learner.json)
        "Data Protection by Design",
        "June 1, 2025",  # date of issuing
        "Ireland",  # country of the issuer
        "Carry out a data protection impact assessment",  # learning outcomes
        "5 ECTS credits, 125 hours",  # workload
        "EQF level 6",
        "written examination",  # type of assessment (EU vocabulary label, not the IRI)
        "Online",  # form of participation
        "Quality and Qualifications Ireland",  # quality assurance
        "A bachelor's degree",  # prerequisites
        "Supervised with ID Verification",  # supervision and identity check
        "Pass (Pass / Fail)",  # grade
        "Postgraduate Certificate in Data Protection",  # stackability
        "universityofgalway.ie/microcredentials",  # further information
        "5 years",  # validity
        CREDENTIAL_ID,
    ):
        assert expected in text, expected
    assert "http://data.europa.eu/snb/" not in text  # IRIs are shown as their labels


def test_labels_follow_the_language_and_content_the_credential_has(credential: str) -> None:
    french = flat(text_of(certificate_pdf(credential, verify_url=VERIFY_URL, lang="fr")))
    assert "1 juin 2025" in french
    assert "Irlande" in french
    irish = flat(text_of(certificate_pdf(credential, verify_url=VERIFY_URL, lang="ga")))
    assert "Cosaint Sonraí trí Dhearadh" in irish  # the title's Irish text (nameMap)
    assert "Ollscoil na Gaillimhe" in irish  # the awarding body's Irish name
    german = certificate_pdf(credential, verify_url=VERIFY_URL, lang="de")
    assert PdfReader(io.BytesIO(german)).trailer["/Root"]["/Lang"] == "de"


def test_non_latin_names_render_with_the_bundled_unicode_font() -> None:
    award = example_award("data-protection-by-design.yaml", "learner.json")
    learner = replace(award.learner, name="Ζωή Παπαδοπούλου-Żółkiewska")
    text = signed(learner=learner)
    pdf = certificate_pdf(text, verify_url=VERIFY_URL, lang="en")
    assert "Ζωή Παπαδοπούλου-Żółkiewska" in text_of(pdf)
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    assert any("DejaVu" in str(font.get_object()["/BaseFont"]) for font in fonts.values())


def test_the_same_input_gives_the_same_bytes_and_dates_come_from_valid_from(
    credential: str, english: bytes
) -> None:
    assert certificate_pdf(credential, verify_url=VERIFY_URL, lang="en") == english
    info = PdfReader(io.BytesIO(english)).metadata
    assert info is not None
    assert info["/CreationDate"] == "D:20250601120000Z"
    assert info.title == "Data Protection by Design - Aoife Murphy"


def test_the_qr_code_encodes_the_verification_url(
    credential: str, english: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    payloads: list[str] = []
    real = pdf_certificate._qr_png
    monkeypatch.setattr(pdf_certificate, "_qr_png", lambda p: payloads.append(p) or real(p))
    certificate_pdf(credential, verify_url=VERIFY_URL, lang="en")
    assert payloads == [VERIFY_URL]
    images = PdfReader(io.BytesIO(english)).pages[0].images
    assert len(images) == 1
    assert VERIFY_URL in flat(text_of(english))
    with pytest.raises(DocumentParseError, match="not an http"):
        qr_payload("javascript:alert(1)")


def test_a_vc_jwt_is_attached_as_credential_jwt() -> None:
    token = signed(suite="vc-jwt")
    pdf = certificate_pdf(token, verify_url=VERIFY_URL, lang="en")
    assert list(PdfReader(io.BytesIO(pdf)).attachments) == [ATTACHMENT_JWT]
    assert extract_credential(pdf) == token
    assert "Data Protection by Design" in text_of(pdf)


def test_a_credential_microcred_did_not_issue_still_gets_a_certificate() -> None:
    document = json.loads(signed())
    subject = document["credentialSubject"]
    foreign = {
        "@context": document["@context"][:2],
        "id": "urn:uuid:0b6c3a7e-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": KEY.did, "type": ["Profile"], "name": "Hochschule Beispiel"},
        "validFrom": "2025-02-03T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": subject.get("identifier"),
            "achievement": {
                "id": "https://hs.example/a/1",
                "type": ["Achievement"],
                "name": "Grundlagen",
                "criteria": {"narrative": "Bestanden"},
            },
        },
    }
    pdf = certificate_pdf(json.dumps(foreign), verify_url=VERIFY_URL, lang="de")
    text = flat(text_of(pdf))
    assert "Hochschule Beispiel" in text
    assert "Grundlagen" in text
    assert "3. Februar 2025" in text


def test_the_verification_inputs_read_a_pdf(credential: str, english: bytes) -> None:
    presented = read_presented(english, filename="certificate.pdf")
    assert presented.kind == "credential"
    assert presented.text == credential
    assert presented.source == "PDF certificate"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"not a pdf", "not a PDF"),
        (b"%PDF-1.7\n%broken", "cannot be read|no attached credential"),
    ],
)
def test_bad_pdfs_are_refused_with_a_reason(data: bytes, problem: str) -> None:
    with pytest.raises(DocumentParseError, match=problem):
        extract_credential(data)


def test_a_pdf_without_attachment_is_refused() -> None:
    from fpdf import FPDF

    plain = FPDF()
    plain.add_page()
    with pytest.raises(DocumentParseError, match="no attached credential"):
        extract_credential(bytes(plain.output()))


def test_text_that_is_not_a_credential_is_refused() -> None:
    with pytest.raises(DocumentParseError):
        certificate_pdf("hello", verify_url=VERIFY_URL, lang="en")


def test_language_map_fallback_is_english_then_first() -> None:
    assert pdf_certificate._text(LanguageMap({"ga": "Dia duit", "en": "Hello"}), "fr") == "Hello"
    assert pdf_certificate._text(LanguageMap({"ga": "Dia duit"}), "fr") == "Dia duit"
