"""Every error is one clear line on stderr (``microcred: error: ...``), exit code 2, and never a
traceback: bad files, bad keys, bad options, bad descriptions, usage mistakes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from cli_harness import EXAMPLES, PEER, W3C, W3C_KEY, error_line, microcred, read_json

AS_ROOT = pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can read a mode-000 file"
)


@pytest.fixture
def paths(tmp_path: Path) -> dict[str, str]:
    """Good and bad inputs, by placeholder name."""
    secret = read_json(W3C_KEY)["privateKeyMultibase"]
    public = read_json(W3C_KEY)["publicKeyMultibase"]
    files: dict[str, str | bytes] = {
        "junk": "neither JSON nor a JWT\n",
        "key_not_json": "secretKeyMultibase = z3u2...\n",
        "key_prefix": json.dumps({"secretKeyMultibase": "u" + secret[1:]}),
        "key_public": json.dumps({"secretKeyMultibase": public}),
        "key_none": json.dumps({"publicKeyMultibase": public}),
        "key_list": json.dumps([secret]),
        "learner_anonymous": json.dumps({"name": "Nobody", "given_name": "No", "family_name": "B"}),
        "spec_latin1": "title:\n  fr: Sécurité\n".encode("latin-1"),
        "spec_mode000": (EXAMPLES / "data-protection-by-design.yaml").read_bytes(),
        "unsigned_lines": (W3C / "unsigned.json").read_text().replace("\n", "") + "\n{oops\n",
        "did_doc_no_id": json.dumps({"verificationMethod": []}),
    }
    for name, content in files.items():
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    (tmp_path / "spec_mode000").chmod(0)
    (tmp_path / "a_folder").mkdir()
    found = {name: str(tmp_path / name) for name in [*files, "a_folder"]}
    return {
        **found,
        "tmp": str(tmp_path),
        "key": str(W3C_KEY),
        "unsigned": str(W3C / "unsigned.json"),
        "spec": str(EXAMPLES / "data-protection-by-design.yaml"),
        "learner": str(EXAMPLES / "learner.json"),
        "signed": str(PEER / "ob3-signed.json"),
        "status_list": str(PEER / "statuslist-1.json"),
    }


def case(name: str, args: tuple[str, ...], says: str, marks: object = ()) -> object:
    """One bad invocation: ``args`` and ``says`` may use the placeholders of ``paths``."""
    return pytest.param(args, says, id=name, marks=marks)  # type: ignore[arg-type]


SIGN = ("sign", "{unsigned}", "--key")
ISSUE = ("issue", "{spec}", "--learner", "{learner}", "--key")
VERIFY = ("verify", "{signed}")

CASES = [
    # keys
    case("missing key file", (*SIGN, "{tmp}/no-key.json"), "no-key.json: no such file"),
    case("key file not JSON", (*SIGN, "{key_not_json}"), "not valid JSON"),
    case("key with wrong multibase prefix", (*SIGN, "{key_prefix}"), "multibase prefix 'u'"),
    case("public key given as secret", (*SIGN, "{key_public}"), "secretKeyMultibase"),
    case("key file without secret", (*SIGN, "{key_none}"), "secretKeyMultibase"),
    case("key file a JSON list", (*SIGN, "{key_list}"), "key file"),
    case("key file is a folder", (*SIGN, "{a_folder}"), "folder"),
    case("issue with a bad key", (*ISSUE, "{key_prefix}"), "multibase prefix"),
    case(
        "generate into a missing folder", ("keys", "generate", "--out", "{tmp}/no/k.json"), "k.json"
    ),
    # sign
    case("unknown --suite", (*SIGN, "{key}", "--suite", "eddsa-2099"), "--suite"),
    case("--created yesterday", (*SIGN, "{key}", "--created", "yesterday"), "--created"),
    case(
        "--created without zone", (*SIGN, "{key}", "--created", "2024-01-01T00:00:00"), "--created"
    ),
    case("missing credential", ("sign", "{tmp}/none.json", "--key", "{key}"), "none.json"),
    case("credential not JSON", ("sign", "{junk}", "--key", "{key}"), "junk"),
    case(
        "bad JSON Lines line", ("sign", "{unsigned_lines}", "--key", "{key}", "--jsonl"), "line 2"
    ),
    case("missing --key", ("sign", "{unsigned}"), "--key"),
    case("--suite without value", (*SIGN, "{key}", "--suite"), "--suite"),
    # issue
    case(
        "spec is a folder",
        ("issue", "{a_folder}", "--learner", "{learner}", "--key", "{key}"),
        "folder",
    ),
    case(
        "spec not UTF-8",
        ("issue", "{spec_latin1}", "--learner", "{learner}", "--key", "{key}"),
        "UTF-8",
    ),
    case(
        "spec missing",
        ("issue", "{tmp}/x.yaml", "--learner", "{learner}", "--key", "{key}"),
        "x.yaml",
    ),
    case(
        "spec unreadable",
        ("issue", "{spec_mode000}", "--learner", "{learner}", "--key", "{key}"),
        "spec_mode000",
        marks=AS_ROOT,
    ),
    case(
        "learner without any identifier",
        ("issue", "{spec}", "--learner", "{learner_anonymous}", "--key", "{key}"),
        "learner_anonymous: learner: an e-mail, a DID, a URL or an institutional id is required",
    ),
    case(
        "learner not JSON", ("issue", "{spec}", "--learner", "{junk}", "--key", "{key}"), "learner"
    ),
    case(
        "learner missing",
        ("issue", "{spec}", "--learner", "{tmp}/l.json", "--key", "{key}"),
        "l.json",
    ),
    case("issue, unknown --suite", (*ISSUE, "{key}", "--suite", "rsa"), "--suite"),
    case("issue, --created yesterday", (*ISSUE, "{key}", "--created", "yesterday"), "--created"),
    case("issue, bad --valid-until", (*ISSUE, "{key}", "--valid-until", "soon"), "--valid-until"),
    case(
        "--issuer without a key of it",
        (*ISSUE, "{key}", "--issuer", "did:web:x.example"),
        "--issuer",
    ),
    # verify
    case("verify a missing file", ("verify", "{tmp}/gone.json"), "gone.json: no such file"),
    case("verify neither JSON nor JWT", ("verify", "{junk}"), "junk"),
    case("--now yesterday", (*VERIFY, "--now", "yesterday"), "--now"),
    case("--now without zone", (*VERIFY, "--now", "2024-06-01T00:00:00"), "--now"),
    case(
        "--document without =",
        (*VERIFY, "--document", "https://status.example/lists/1"),
        "URL=FILE",
    ),
    case("--document without URL", (*VERIFY, "--document", "={status_list}"), "URL=FILE"),
    case(
        "--document without FILE",
        (*VERIFY, "--document", "https://status.example/lists/1="),
        "URL=FILE",
    ),
    case(
        "--document file missing",
        (*VERIFY, "--document", "https://x.example/={tmp}/n.json"),
        "n.json",
    ),
    case(
        "--document not JSON",
        (*VERIFY, "--document", "https://x.example/={junk}"),
        "https://x.example/",
    ),
    case("--did-doc not JSON", (*VERIFY, "--did-doc", "{junk}"), "junk"),
    case("--did-doc without id", (*VERIFY, "--did-doc", "{did_doc_no_id}"), "no id"),
    # elsewhere
    case("contexts export onto a file", ("contexts", "export", "{junk}"), "junk"),
    case("unknown command", ("frobnicate",), "frobnicate"),
    case("unknown option", ("verify", "--frobnicate"), "--frobnicate"),
]


@pytest.mark.parametrize(("args", "says"), CASES)
def test_error_is_one_line_exit_2_without_traceback(
    args: tuple[str, ...], says: str, paths: dict[str, str]
) -> None:
    run = microcred(*(arg.format(**paths) for arg in args))
    line = error_line(run)
    assert says.format(**paths) in line
    assert run.stdout == ""
