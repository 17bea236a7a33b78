"""The reference JavaScript stack as a test peer (Digital Bazaar's libraries, pinned npm packages).

``node_peer()`` installs the packages pinned in ``tests/interop/node/package-lock.json`` once
(``npm ci``) into ``.cache/interop-node/<lock hash>/`` at the repository root, copies the harness
scripts (``tests/interop/node/*.mjs``) beside them, and returns a :class:`JsPeer`. The install is
guarded by a file lock, so parallel pytest-xdist workers share one install.

    peer = node_peer()
    verdict = peer.verify(signed_credential, docs={LIST_URL: list_credential})
    assert verdict["verified"], verdict.get("errors")

``verify_many`` / ``issue_many`` do the same for many credentials in one Node process
(``batch.mjs``); each launch costs about half a second.

Run as a script to install and print the install directory (used by ``bench/js``)::

    python tests/interop/peer.py install
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
NODE_SRC = HERE / "node"
REPO = HERE.parents[1]
CACHE_ENV = "MICROCRED_INTEROP_CACHE"
MIN_NODE_MAJOR = 20
# microcred's own context, bundled in the package (another module owns the file)
MICROCRED_CONTEXT_URL = "https://w3id.org/microcred/v1"
MICROCRED_CONTEXT_FILE = REPO / "src/microcred/core/jsonld/contexts/microcred-v1.jsonld"

_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")

# what the harness accepts for a JSON document: a path to a file, or the parsed object
Doc = str | os.PathLike[str] | Mapping[str, Any]


class NodeUnavailableError(RuntimeError):
    """Node.js (>= 20) or npm is not installed, so the peer cannot run."""


class JsPeerError(RuntimeError):
    """A harness script failed (usage or internal error, exit code 2)."""


@dataclass(frozen=True)
class JsPeer:
    """The installed harness: ``home`` holds ``node_modules/`` and ``harness/*.mjs``."""

    node: str
    home: Path
    timeout: float = 120.0

    @property
    def node_modules(self) -> Path:
        return self.home / "node_modules"

    def script(self, name: str) -> Path:
        return self.home / "harness" / name

    def run(self, script: str, *args: str | os.PathLike[str]) -> subprocess.CompletedProcess[str]:
        """Run ``harness/<script>`` with ``args``; never raises on the exit code."""
        return subprocess.run(
            [self.node, str(self.script(script)), *map(str, args)],
            capture_output=True,
            text=True,
            timeout=self.timeout,
            check=False,
            cwd=self.home,
        )

    def _run_ok(
        self, script: str, *args: str | os.PathLike[str], allowed: tuple[int, ...] = (0,)
    ) -> subprocess.CompletedProcess[str]:
        proc = self.run(script, *args)
        if proc.returncode not in allowed:
            raise JsPeerError(
                f"{script} exited {proc.returncode}\nstderr: {proc.stderr.strip()}\n"
                f"stdout: {proc.stdout.strip()[:2000]}"
            )
        return proc

    def verify(
        self,
        credential: Doc,
        *,
        did_docs: Iterable[Doc] = (),
        docs: Mapping[str, Doc] | None = None,
        now: str | None = None,
        no_status: bool = False,
        proof_only: bool = False,
        jwk: Doc | None = None,
    ) -> dict[str, Any]:
        """The peer's verdict on ``credential`` (a JSON object, a compact JWS string, or a path).

        ``docs`` maps URLs (status list credentials, extra contexts) to documents or files;
        microcred's own context is added when the package bundles it. ``did_docs`` are
        controller documents (did:web, https issuers). The verdict's ``verified`` is True
        exactly when the script exits 0.
        """
        with tempfile.TemporaryDirectory(prefix="jspeer-") as tmp:
            files = _Files(Path(tmp))
            args: list[str | os.PathLike[str]] = [files.credential(credential)]
            args += _verify_options(
                files, docs, did_docs, now=now, no_status=no_status, proof_only=proof_only, jwk=jwk
            )
            proc = self._run_ok("verify.mjs", *args, allowed=(0, 1))
        verdict: dict[str, Any] = json.loads(proc.stdout)
        if verdict.get("verified") is not (proc.returncode == 0):
            raise JsPeerError(f"verify.mjs exit code {proc.returncode} contradicts {verdict}")
        return verdict

    def verify_baked(self, png: bytes, *, now: str | None = None) -> dict[str, Any]:
        """The peer's verdict on the credential baked into ``png`` (``unbake.mjs`` reads the
        ``openbadgecredential`` iTXt chunk with plain Node code); ``verdict["unbaked"]``
        describes the chunk it found."""
        with tempfile.TemporaryDirectory(prefix="jspeer-") as tmp:
            path = Path(tmp) / "baked.png"
            path.write_bytes(png)
            options = _verify_options(
                _Files(Path(tmp)), None, (), now=now, no_status=False, proof_only=False, jwk=None
            )
            proc = self._run_ok("unbake.mjs", path, *options, allowed=(0, 1))
        verdict: dict[str, Any] = json.loads(proc.stdout)
        return verdict

    def verify_many(
        self,
        credentials: Sequence[Doc],
        *,
        did_docs: Iterable[Doc] = (),
        docs: Mapping[str, Doc] | None = None,
        now: str | None = None,
        no_status: bool = False,
        proof_only: bool = False,
        jwk: Doc | None = None,
    ) -> list[dict[str, Any]]:
        """:meth:`verify` for many credentials in one Node process (``batch.mjs``): one
        verdict per credential, in order, all with the same options."""
        with tempfile.TemporaryDirectory(prefix="jspeer-") as tmp:
            files = _Files(Path(tmp))
            items = files.json([_batch_item(c) for c in credentials])
            args: list[str | os.PathLike[str]] = ["verify", items]
            args += _verify_options(
                files, docs, did_docs, now=now, no_status=no_status, proof_only=proof_only, jwk=jwk
            )
            verdicts: list[dict[str, Any]] = json.loads(self._run_ok("batch.mjs", *args).stdout)
        if len(verdicts) != len(credentials):
            raise JsPeerError(f"batch.mjs gave {len(verdicts)} verdicts for {len(credentials)}")
        return verdicts

    def issue(
        self,
        unsigned: Doc,
        *,
        key: Doc,
        fmt: str = "di",
        created: str | None = None,
        vm: str | None = None,
        proof_only: bool = False,
        docs: Mapping[str, Doc] | None = None,
        did_docs: Iterable[Doc] = (),
    ) -> dict[str, Any] | str:
        """Sign ``unsigned`` like the reference stack. ``fmt``: ``"di"`` (eddsa-rdfc-2022,
        returns the signed dict), ``"vc-jwt"`` or ``"ob3-jwt"`` (returns the compact JWS).

        ``key``: ``{"seedHex": ...}`` or ``{"publicKeyMultibase", "secretKeyMultibase"}``
        (optionally ``"verificationMethod"``), as a dict or a file.
        """
        if fmt not in ("di", "vc-jwt", "ob3-jwt"):
            raise ValueError(f"unknown format {fmt!r}")
        with tempfile.TemporaryDirectory(prefix="jspeer-") as tmp:
            files = _Files(Path(tmp))
            args: list[str | os.PathLike[str]] = [
                files.json(unsigned),
                "--key",
                files.json(key),
                "--format",
                fmt,
            ]
            args += _doc_args(files, docs, did_docs)
            if created is not None:
                args += ["--created", created]
            if vm is not None:
                args += ["--vm", vm]
            if proof_only:
                args.append("--proof-only")
            out = self._run_ok("issue.mjs", *args).stdout.strip()
        return json.loads(out) if fmt == "di" else out

    def issue_many(
        self,
        unsigned: Sequence[Doc],
        *,
        key: Doc,
        created: str | None = None,
        vm: str | None = None,
        proof_only: bool = False,
        docs: Mapping[str, Doc] | None = None,
        did_docs: Iterable[Doc] = (),
    ) -> list[dict[str, Any]]:
        """:meth:`issue` (``fmt="di"``) for many credentials in one Node process: the signed
        documents, in order. Raises :class:`JsPeerError` naming every credential refused."""
        with tempfile.TemporaryDirectory(prefix="jspeer-") as tmp:
            files = _Files(Path(tmp))
            items = files.json([_batch_item(u) for u in unsigned])
            args: list[str | os.PathLike[str]] = ["issue", items, "--key", files.json(key)]
            args += _doc_args(files, docs, did_docs)
            if created is not None:
                args += ["--created", created]
            if vm is not None:
                args += ["--vm", vm]
            if proof_only:
                args.append("--proof-only")
            results: list[dict[str, Any]] = json.loads(self._run_ok("batch.mjs", *args).stdout)
        refused = [f"#{i}: {r['error']}" for i, r in enumerate(results) if "error" in r]
        if refused or len(results) != len(unsigned):
            raise JsPeerError("batch.mjs issue refused " + "; ".join(refused or ["(count)"]))
        return [r["signed"] for r in results]

    def statuslist_create(
        self,
        *,
        list_id: str,
        key: Doc | None = None,
        set_bits: Iterable[int] = (),
        purpose: str = "revocation",
        length: int = 131_072,
        valid_from: str | None = None,
        created: str | None = None,
        vm: str | None = None,
    ) -> dict[str, Any]:
        """A BitstringStatusListCredential made by @digitalbazaar/vc-bitstring-status-list;
        signed (eddsa-rdfc-2022) when ``key`` is given, else unsigned."""
        with tempfile.TemporaryDirectory(prefix="jspeer-") as tmp:
            files = _Files(Path(tmp))
            args: list[str | os.PathLike[str]] = [
                "create",
                "--id",
                list_id,
                "--purpose",
                purpose,
                "--length",
                str(length),
            ]
            bits = ",".join(str(int(b)) for b in set_bits)
            if bits:
                args += ["--set", bits]
            if key is None:
                args.append("--unsigned")
            else:
                args += ["--key", files.json(key)]
            for flag, value in (("--valid-from", valid_from), ("--created", created), ("--vm", vm)):
                if value is not None:
                    args += [flag, value]
            result: dict[str, Any] = json.loads(self._run_ok("statuslist.mjs", *args).stdout)
        return result

    def statuslist_decode(
        self, list_credential: Doc, *, index: int | None = None
    ) -> dict[str, Any]:
        """``{"length", "statusPurpose", "setBits", ["index", "bitSet"]}`` as the JS library
        reads the list credential's ``encodedList``."""
        with tempfile.TemporaryDirectory(prefix="jspeer-") as tmp:
            files = _Files(Path(tmp))
            args: list[str | os.PathLike[str]] = ["decode", files.json(list_credential)]
            if index is not None:
                args += ["--index", str(index)]
            result: dict[str, Any] = json.loads(self._run_ok("statuslist.mjs", *args).stdout)
        return result


class _Files:
    """Writes in-memory documents to a temporary directory; paths are passed through."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.count = 0

    def _new(self, suffix: str) -> Path:
        self.count += 1
        return self.tmp / f"doc{self.count}{suffix}"

    def json(self, doc: Doc | list[Any]) -> Path:
        if isinstance(doc, Mapping | list):
            path = self._new(".json")
            path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
            return path
        return Path(doc)

    def credential(self, credential: Doc) -> Path:
        if isinstance(credential, str) and _JWS.fullmatch(credential.strip()):
            path = self._new(".jwt")
            path.write_text(credential.strip(), encoding="ascii")
            return path
        return self.json(credential)


def _doc_args(
    files: _Files, docs: Mapping[str, Doc] | None, did_docs: Iterable[Doc]
) -> list[str | os.PathLike[str]]:
    mapping: dict[str, Doc] = {}
    if MICROCRED_CONTEXT_FILE.is_file():
        mapping[MICROCRED_CONTEXT_URL] = MICROCRED_CONTEXT_FILE
    mapping.update(docs or {})
    args: list[str | os.PathLike[str]] = []
    for url, doc in mapping.items():
        args += ["--doc", f"{url}={files.json(doc)}"]
    for doc in did_docs:
        args += ["--did-doc", files.json(doc)]
    return args


def _verify_options(
    files: _Files,
    docs: Mapping[str, Doc] | None,
    did_docs: Iterable[Doc],
    *,
    now: str | None,
    no_status: bool,
    proof_only: bool,
    jwk: Doc | None,
) -> list[str | os.PathLike[str]]:
    args = _doc_args(files, docs, did_docs)
    if now is not None:
        args += ["--now", now]
    if no_status:
        args.append("--no-status")
    if proof_only:
        args.append("--proof-only")
    if jwk is not None:
        args += ["--jwk", files.json(jwk)]
    return args


def _batch_item(doc: Doc) -> Any:
    """A credential as a JSON value for ``batch.mjs``: an object, or a compact JWS string."""
    if isinstance(doc, Mapping):
        return doc
    if isinstance(doc, str) and _JWS.fullmatch(doc.strip()):
        return doc.strip()
    text = Path(doc).read_text(encoding="utf-8").strip()
    return text if _JWS.fullmatch(text) else json.loads(text)


def _cache_root() -> Path:
    return Path(os.environ.get(CACHE_ENV) or REPO / ".cache" / "interop-node")


def _find_node() -> tuple[str, str]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        raise NodeUnavailableError("Node.js 20 not found: interop tests need it")
    version = subprocess.run(
        [node, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    match = re.fullmatch(r"v(\d+)\..*", version)
    if not match or int(match.group(1)) < MIN_NODE_MAJOR:
        raise NodeUnavailableError(
            f"Node.js {MIN_NODE_MAJOR} not found (have {version or 'none'}): interop tests need it"
        )
    return node, npm


def _write_if_changed(path: Path, data: bytes) -> None:
    if path.is_file() and path.read_bytes() == data:
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)  # atomic: a worker running the old script is unaffected


def install(*, quiet: bool = True) -> Path:
    """Install the pinned packages (once per lock file) and sync the harness scripts.

    Returns the install directory. Safe to call from many processes at once.
    """
    import fcntl

    _, npm = _find_node()
    lock_bytes = (NODE_SRC / "package-lock.json").read_bytes()
    digest = hashlib.sha256(lock_bytes + (NODE_SRC / "package.json").read_bytes()).hexdigest()
    root = _cache_root()
    root.mkdir(parents=True, exist_ok=True)
    home = root / digest[:16]
    with open(root / f"{digest[:16]}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp = home / ".installed"
        if not stamp.is_file():
            home.mkdir(exist_ok=True)
            shutil.copyfile(NODE_SRC / "package.json", home / "package.json")
            shutil.copyfile(NODE_SRC / "package-lock.json", home / "package-lock.json")
            proc = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=home,
                capture_output=quiet,
                text=True,
                timeout=600,
                check=False,
            )
            if proc.returncode != 0:
                raise JsPeerError(f"npm ci failed in {home}:\n{proc.stdout}\n{proc.stderr}")
            stamp.write_text(digest)
        harness = home / "harness"
        harness.mkdir(exist_ok=True)
        for script in sorted(NODE_SRC.glob("*.mjs")):
            _write_if_changed(harness / script.name, script.read_bytes())
    return home


@functools.cache
def node_peer() -> JsPeer:
    """The installed JavaScript peer; raises NodeUnavailableError without Node.js 20 / npm."""
    node, _ = _find_node()
    return JsPeer(node=node, home=install())


def main(argv: list[str]) -> int:
    if argv != ["install"]:
        print("usage: python tests/interop/peer.py install", file=sys.stderr)
        return 2
    print(install(quiet=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
