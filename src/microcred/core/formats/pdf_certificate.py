"""A PDF certificate of a signed credential, with a QR code and the credential attached.

The printable companion of an award (issue 4, "Export"): an A4 page that reads like a
university's certificate -- issuer, title, learner, date of issuing -- followed by every element
of Annex I of Council Recommendation 2022/C 243/02 the credential holds, with EU vocabulary
IRIs shown as their labels, the credential's id and a QR code to the verification page.

The exact signed text is embedded as a PDF attachment (``credential.json``, or
``credential.jwt`` for a VC-JWT; ISO 32000-1 §7.11.4 embedded file streams), so the PDF carries
its own proof: :func:`extract_credential` takes it out again for any verifier. Labels are in the
reader's interface language (EN/FR/DE, :func:`microcred.core.i18n.translator`), credential
content in that language when the credential has it. The output is deterministic: every date
inside the PDF is the credential's ``validFrom``.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from importlib.resources import as_file, files
from typing import Any, Final

import segno
from babel import Locale
from fpdf import FPDF
from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError, PyPdfError

from microcred.core.formats.ob3 import eu_elements, read_award
from microcred.core.i18n import Translator, translator
from microcred.core.model import Award, LanguageMap, Organisation
from microcred.core.model.vocabularies import eqf_level_number, label_of
from microcred.core.verify.checks import as_list, issuer_id, parse_datetime
from microcred.core.verify.inputs import Presented, classify_text, register_unwrapper
from microcred.core.verify.parse import MAX_DOCUMENT_BYTES, parse_credential_input
from microcred.errors import DocumentParseError, MicrocredError

__all__ = [
    "ATTACHMENT_JSON",
    "ATTACHMENT_JWT",
    "PDF_MEDIA_TYPE",
    "certificate_pdf",
    "credential_document",
    "extract_credential",
    "qr_payload",
]

PDF_MEDIA_TYPE = "application/pdf"
ATTACHMENT_JSON = "credential.json"
ATTACHMENT_JWT = "credential.jwt"
MAX_PDF_BYTES = 20 * 1024 * 1024
MAX_PDF_STREAM_BYTES = 2 * MAX_DOCUMENT_BYTES
"""The most any one stream of a presented PDF may inflate to (pypdf's own cap is 75 MB): the
attached credential cannot be longer than a credential document anyway."""
_PDF_LIMITS: Final[dict[str, Any]] = {
    name: MAX_PDF_STREAM_BYTES
    for name in (
        "zlib_maximum_output_length",
        "lzw_maximum_output_length",
        "run_length_maximum_output_length",
        "brotli_maximum_output_length",
        "jbig2_maximum_output_length",
        "array_based_stream_maximum_output_length",
        "image_maximum_buffer_size",
        "xmp_maximum_input_length",
        "zlib_maximum_recovery_input_length",
    )
} | {"stream_decoding_work_maximum_length": 4 * MAX_PDF_STREAM_BYTES, "jbig2dec_binary": None}
"""pypdf limits for reading a presented PDF, applied to this call only (a context variable)."""
_FONT = "DejaVu"
_FONTS = "microcred.core.formats.fonts"
_INK = (25, 45, 85)
_GREY = (90, 90, 90)


def credential_document(text: str) -> dict[str, Any]:
    """The credential object of a signed text: the JSON itself, or a VC-JWT's (unverified)
    payload. Raises :class:`DocumentParseError` when the text is neither."""
    parsed = parse_credential_input(text)
    if isinstance(parsed, dict):
        return parsed
    try:
        payload = parsed.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise DocumentParseError("the VC-JWT payload is not base64url JSON") from exc
    if not isinstance(claims, dict):
        raise DocumentParseError("the VC-JWT payload is not a JSON object")
    vc = claims.get("vc", claims)
    if not isinstance(vc, dict):
        raise DocumentParseError("the VC-JWT 'vc' claim is not a JSON object")
    return vc


def qr_payload(verify_url: str) -> str:
    """What the QR code encodes: the verification URL, as given (checked to be http(s))."""
    if not re.match(r"^https?://[^\s]+$", verify_url):
        raise DocumentParseError(f"the verification URL {verify_url!r} is not an http(s) URL")
    return verify_url


# ---- reading what to print -------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    label: str
    lines: tuple[str, ...]


def _text(values: LanguageMap | Mapping[str, str] | str | None, lang: str) -> str | None:
    """The text for ``lang`` (same primary subtag counts), else English, else the first."""
    if not values:
        return None
    if isinstance(values, str):
        return values
    for tag, value in values.items():
        if tag.split("-")[0].lower() == lang:
            return value
    return values.get("en") or next(iter(values.values()))


def _map_of(node: Mapping[str, Any], key: str, map_key: str) -> dict[str, str]:
    found = node.get(map_key)
    out = {k: v for k, v in found.items() if isinstance(v, str)} if isinstance(found, dict) else {}
    plain = node.get(key)
    if isinstance(plain, str):
        out.setdefault("", plain)
    return out


def _pick(node: Mapping[str, Any], key: str, map_key: str, lang: str) -> str | None:
    values = _map_of(node, key, map_key)
    for tag, value in values.items():
        if tag and tag.split("-")[0].lower() == lang:
            return value
    return values.get("") or _text(values, lang)


def _concept(iri: str | None, t: Translator) -> str | None:
    return t.gettext(label_of(iri)) if iri else None


def _country(code: str, t: Translator) -> str:
    name = t.locale.territories.get(code.upper())
    return name if isinstance(name, str) else code


def _language(code: str, t: Translator) -> str:
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(t.locale)
    except (ValueError, TypeError):
        return code
    return name or code


def _number(value: Decimal | None, t: Translator) -> str | None:
    return None if value is None else t.number(value.normalize())


def _organisation(body: Organisation, lang: str, t: Translator) -> str:
    name = _text(body.legal_name, lang) or body.id or ""
    return f"{name} ({_country(body.country, t)})"


def _award_rows(award: Award, lang: str, t: Translator) -> list[_Row]:  # noqa: PLR0915
    """Every Annex I element of ``award`` in Annex order, as label and lines."""
    mc = award.micro_credential
    rows: list[_Row] = []

    def add(label: str, *lines: str | None) -> None:
        kept = tuple(line for line in lines if line)
        if kept:
            rows.append(_Row(label, kept))

    places = [_country(c, t) for c in mc.issuer_countries] + list(mc.issuer_regions)
    add(t.gettext("Country of the issuer"), ", ".join(places))
    add(t.gettext("Awarding body"), *(_organisation(b, lang, t) for b in mc.awarding_bodies))
    description = _text(mc.description, lang)
    add(t.gettext("Description"), description)
    outcomes = []
    for outcome in mc.learning_outcomes:
        outcomes.append("• " + (_text(outcome.text, lang) or ""))
    add(t.gettext("Learning outcomes"), *outcomes)
    skills = [_text(s.label, lang) or s.iri for s in mc.all_esco_skills()]
    add(t.gettext("ESCO skills"), "; ".join(skills))
    workload = []
    if mc.workload.ects is not None:
        workload.append(t.gettext("%(n)s ECTS credits") % {"n": _number(mc.workload.ects, t)})
    if mc.workload.hours is not None:
        workload.append(t.gettext("%(n)s hours") % {"n": _number(mc.workload.hours, t)})
    add(t.gettext("Notional workload"), ", ".join(workload))
    levels = []
    eqf = eqf_level_number(mc.level.eqf or "")
    if eqf is not None:
        levels.append(t.gettext("EQF level %(n)d") % {"n": eqf})
    elif mc.level.eqf:
        levels.append(_concept(mc.level.eqf, t) or "")
    levels += [_concept(mc.level.nqf, t) or "", _concept(mc.level.qf_ehea_cycle, t) or ""]
    add(t.gettext("Level"), *levels)
    assessment = ", ".join(_concept(a, t) or "" for a in mc.assessment_types)
    mode = _concept(mc.assessment_mode, t)
    add(t.gettext("Type of assessment"), assessment + (f" ({mode})" if mode else ""))
    participation = ", ".join(_concept(p, t) or "" for p in mc.participation)
    setting = _concept(mc.learning_setting, t)
    add(t.gettext("Form of participation"), participation + (f" ({setting})" if setting else ""))
    add(
        t.gettext("Language of instruction"),
        ", ".join(_language(code, t) for code in mc.languages),
    )
    quality = []
    for qa in mc.quality_assurance:
        body = _organisation(qa.accrediting_body, lang, t) if qa.accrediting_body else None
        parts = [_concept(qa.type, t), body, _text(qa.description, lang)]
        quality.append(" - ".join(p for p in parts if p))
    add(t.gettext("Quality assurance"), *quality)
    add(t.gettext("Prerequisites"), _text(mc.prerequisites, lang))
    add(t.gettext("Supervision and identity verification"), _concept(mc.supervision, t))
    grading = mc.grading_scheme
    scheme = _text(grading.title, lang) if grading else None
    if award.grade:
        add(t.gettext("Grade achieved"), award.grade + (f" ({scheme})" if scheme else ""))
    stack = mc.stackability
    if stack:
        targets = [_text(s.title, lang) or s.id for s in stack.stacks_into]
        add(t.gettext("Integration and stackability"), _concept(stack.option, t), *targets)
    add(t.gettext("Further information"), _text(mc.further_information, lang))
    validity = t.duration(mc.validity)
    until = t.date(award.valid_until) if award.valid_until else None
    if validity or until:
        add(
            t.gettext("Validity"),
            validity,
            t.gettext("Valid until %(date)s") % {"date": until} if until else None,
        )
    return rows


def _generic_rows(document: Mapping[str, Any], t: Translator) -> list[_Row]:
    """Annex I elements of a credential microcred did not issue, as found (IRIs as labels)."""
    rows = []
    for element, value in eu_elements(document).values.items():
        if element in {
            "identification of the learner",
            "title of the micro-credential",
            "date of issuing",
        }:
            continue
        rows.append(_Row(t.gettext(element[:1].upper() + element[1:]), tuple(_flat(value, t))))
    return rows


def _flat(value: Any, t: Translator) -> Iterable[str]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            for line in _flat(item, t):
                yield line if isinstance(item, Mapping | list) else f"{key}: {line}"
    elif isinstance(value, list):
        for item in value:
            yield from _flat(item, t)
    elif value is not None:
        text = str(value)
        yield label_of(text) if text.startswith(("http://", "https://")) else text


@dataclass(frozen=True)
class _Certificate:
    issuer: str
    title: str
    learner: str
    issued: datetime | None
    credential_id: str | None
    rows: tuple[_Row, ...]


def _certificate(document: Mapping[str, Any], lang: str, t: Translator) -> _Certificate:
    issuer = document.get("issuer")
    issuer_name = (
        _pick(issuer, "name", "nameMap", lang) if isinstance(issuer, Mapping) else None
    ) or (issuer_id(document) or t.gettext("Unknown issuer"))
    issued = parse_datetime(str(document.get("validFrom") or document.get("issuanceDate") or ""))
    credential_id = document.get("id") if isinstance(document.get("id"), str) else None
    try:
        award = read_award(document)
    except MicrocredError:
        first = next(iter(as_list(document.get("credentialSubject"))), None)
        subject: Mapping[str, Any] = first if isinstance(first, Mapping) else {}
        found = subject.get("achievement")
        achievement: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
        learner = subject.get("name") or subject.get("id") or t.gettext("Unnamed learner")
        return _Certificate(
            issuer=issuer_name,
            title=_pick(achievement, "name", "nameMap", lang) or t.gettext("Credential"),
            learner=str(learner),
            issued=issued,
            credential_id=credential_id,
            rows=tuple(_generic_rows(document, t)),
        )
    mc = award.micro_credential
    return _Certificate(
        issuer=issuer_name,
        title=_text(mc.title, lang) or mc.id,
        learner=award.learner.display_name or t.gettext("Unnamed learner"),
        issued=award.awarded or award.issued,
        credential_id=credential_id,
        rows=tuple(_award_rows(award, lang, t)),
    )


# ---- drawing ------------------------------------------------------------------------------


class _Document(FPDF):
    def __init__(self, footer: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self._footer_text = footer

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(_FONT, size=7)
        self.set_text_color(*_GREY)
        self.cell(0, 4, self._footer_text, align="L")
        self.cell(0, 4, f"{self.page_no()}/{{nb}}", align="R")


def _register_fonts(pdf: FPDF) -> None:
    folder = files(_FONTS)
    for style, name in (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf")):
        with as_file(folder.joinpath(name)) as path:
            pdf.add_font(_FONT, style=style, fname=str(path))


def _qr_png(payload: str) -> io.BytesIO:
    image = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(image, kind="png", scale=8, border=2)
    image.seek(0)
    return image


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*_INK)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)
    pdf.set_line_width(0.3)
    pdf.rect(10.5, 10.5, pdf.w - 21, pdf.h - 21)


def _draw(pdf: _Document, cert: _Certificate, verify_url: str, t: Translator) -> None:
    pdf.add_page()
    _frame(pdf)
    pdf.image(_qr_png(qr_payload(verify_url)), x=pdf.w - 52, y=16, w=34, h=34)
    pdf.set_xy(20, 20)
    pdf.set_text_color(*_INK)
    pdf.set_font(_FONT, "B", 17)
    pdf.multi_cell(pdf.w - 80, 8, cert.issuer, align="L")
    pdf.set_y(56)
    pdf.set_font(_FONT, "", 12)
    pdf.set_text_color(*_GREY)
    pdf.cell(0, 8, t.gettext("Micro-credential certificate").upper(), align="C", new_x="LMARGIN",
             new_y="NEXT")  # fmt: skip
    pdf.ln(4)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(_FONT, "", 11)
    pdf.cell(0, 7, t.gettext("This is to certify that"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_FONT, "B", 22)
    pdf.set_text_color(*_INK)
    pdf.multi_cell(0, 11, cert.learner, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(_FONT, "", 11)
    pdf.cell(0, 7, t.gettext("has been awarded the micro-credential"), align="C",
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.set_font(_FONT, "B", 16)
    pdf.multi_cell(0, 8, cert.title, align="C", new_x="LMARGIN", new_y="NEXT")
    if cert.issued is not None:
        pdf.set_font(_FONT, "", 11)
        on = t.gettext("on %(date)s") % {"date": t.date(cert.issued)}
        pdf.cell(0, 8, on, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)
    pdf.set_draw_color(*_INK)
    pdf.line(20, pdf.get_y(), pdf.w - 20, pdf.get_y())
    pdf.ln(3)
    _rows(pdf, cert.rows)
    _verification(pdf, cert, verify_url, t)


def _rows(pdf: FPDF, rows: Iterable[_Row]) -> None:
    label_width = 52
    for row in rows:
        if pdf.will_page_break(10):
            pdf.add_page()
            _frame(pdf)
            pdf.set_y(20)
        top = pdf.get_y()
        pdf.set_font(_FONT, "B", 8.5)
        pdf.set_text_color(*_INK)
        pdf.set_x(20)
        pdf.multi_cell(label_width - 2, 4.4, row.label)
        label_bottom = pdf.get_y()
        pdf.set_xy(20 + label_width, top)
        pdf.set_font(_FONT, "", 8.5)
        pdf.set_text_color(0, 0, 0)
        for line in row.lines:
            pdf.set_x(20 + label_width)
            pdf.multi_cell(pdf.w - 40 - label_width, 4.4, line)
        pdf.set_y(max(pdf.get_y(), label_bottom) + 1.6)


def _verification(pdf: FPDF, cert: _Certificate, verify_url: str, t: Translator) -> None:
    if pdf.will_page_break(30):
        pdf.add_page()
        _frame(pdf)
        pdf.set_y(20)
    pdf.ln(3)
    pdf.set_x(20)
    pdf.set_font(_FONT, "B", 9)
    pdf.set_text_color(*_INK)
    pdf.cell(0, 5, t.gettext("Verification"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_FONT, "", 7.5)
    pdf.set_text_color(*_GREY)
    lines = [
        t.gettext("Credential id: %(id)s") % {"id": cert.credential_id}
        if cert.credential_id
        else None,
        t.gettext("Scan the QR code or open %(url)s to check this certificate.")
        % {"url": verify_url},
        t.gettext(
            "The signed credential is attached to this PDF; any verifier of W3C Verifiable "
            "Credentials can check it."
        ),
    ]
    for line in lines:
        if line:
            pdf.set_x(20)
            pdf.multi_cell(pdf.w - 40, 3.8, line, new_x="LMARGIN", new_y="NEXT")


def certificate_pdf(credential_text: str, *, verify_url: str, lang: str = "en") -> bytes:
    """The A4 certificate of the signed ``credential_text`` (JSON or VC-JWT), in ``lang``.

    ``verify_url`` is what the QR code and the footer point to. The signed text is attached
    unchanged. Raises :class:`DocumentParseError` for text that is not a credential.
    """
    document = credential_document(credential_text)
    t = translator(lang)
    content_lang = (lang or t.language).split("-")[0].lower()
    cert = _certificate(document, content_lang, t)
    created = cert.issued or datetime(2000, 1, 1, tzinfo=UTC)
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    pdf = _Document(footer=cert.credential_id or "")
    _register_fonts(pdf)
    pdf.set_creation_date(created)
    pdf.set_title(f"{cert.title} - {cert.learner}")
    pdf.set_author(cert.issuer)
    pdf.set_subject(t.gettext("Micro-credential certificate"))
    pdf.set_creator("microcred")
    pdf.set_lang(t.language)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(20, 20, 20)
    is_json = credential_text.lstrip().lstrip("\ufeff").startswith("{")
    pdf.embed_file(
        bytes=credential_text.encode("utf-8"),
        basename=ATTACHMENT_JSON if is_json else ATTACHMENT_JWT,
        mime_type="application/vc" if is_json else "application/vc+jwt",
        desc=t.gettext("The signed credential"),
        creation_date=created,
        modification_date=created,
    )
    _draw(pdf, cert, verify_url, t)
    return bytes(pdf.output())


def extract_credential(pdf: bytes) -> str:
    """The signed credential text attached to a certificate made by :func:`certificate_pdf`.

    Raises :class:`DocumentParseError` when ``pdf`` is not a PDF or holds no credential.
    """
    if len(pdf) > MAX_PDF_BYTES:
        raise DocumentParseError(f"the PDF is larger than {MAX_PDF_BYTES:,} bytes")
    if not pdf.startswith(b"%PDF-"):
        raise DocumentParseError("not a PDF file")
    try:
        with apply_configuration(**_PDF_LIMITS):
            attachments = PdfReader(io.BytesIO(pdf)).attachments
            data = list(attachments.get(ATTACHMENT_JSON) or attachments.get(ATTACHMENT_JWT) or [])
    except LimitReachedError as exc:
        raise DocumentParseError(
            f"the PDF holds a stream that inflates beyond {MAX_PDF_STREAM_BYTES:,} bytes"
        ) from exc
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise DocumentParseError(f"the PDF cannot be read: {exc}") from exc
    if not data:
        raise DocumentParseError(
            f"the PDF has no attached credential ({ATTACHMENT_JSON} or {ATTACHMENT_JWT})"
        )
    try:
        return data[0].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentParseError("the credential attached to the PDF is not UTF-8 text") from exc


class PdfUnwrapper:
    """Reads a PDF certificate presented for verification (:mod:`microcred.core.verify.inputs`)."""

    name = "pdf"

    def sniff(self, data: bytes) -> bool:
        return data.startswith(b"%PDF-")

    def unwrap(self, data: bytes) -> Presented:
        return classify_text(extract_credential(data), source="PDF certificate")


register_unwrapper(PdfUnwrapper())
