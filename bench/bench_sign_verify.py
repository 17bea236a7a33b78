"""Sign and verify throughput for eddsa-rdfc-2022 Open Badges 3.0 credentials.

Prints credentials per second for microcred on one core and on all cores, side by side with the
reference JavaScript stack (Digital Bazaar) on the same credentials when Node.js is available.
Compare ratios within one run: the machines are noisy. Run:

    .venv/bin/python bench/bench_sign_verify.py [--n 3000] [--no-js]

Every credential differs (ids, names, subject, dates), so no cache sees the same document twice;
they share one shape, as a real batch of awards does. Signatures are checked for byte-exactness
against the JavaScript stack's own verifier on a sample.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CREATED = "2026-01-01T00:00:00Z"
SEED = bytes(range(32))


def make_credentials(n: int, issuer: str) -> list[dict[str, Any]]:
    """``n`` distinct unsigned OB 3.0 micro-credentials of one shape, issued by ``issuer``.

    Built from ``examples/data-protection-by-design.yaml`` with every EU element, so the
    documents are the real ones microcred issues (about 5 KB each).
    """
    from microcred.core.formats.ob3 import build_credential
    from microcred.core.issuing import issuer_profile_for
    from microcred.core.model import Award, Learner, load_description

    mc = load_description((EXAMPLES / "data-protection-by-design.yaml").read_text())
    profile = issuer_profile_for(mc, issuer_id=issuer)
    out = []
    for i in range(n):
        learner = Learner(name=f"Learner {i} — é ✓", did=f"did:example:learner-{i}")
        award = Award(
            learner=learner,
            micro_credential=mc,
            issued=datetime(2026, 1, 1 + i % 28, tzinfo=UTC),
            grade="Pass",
        )
        out.append(
            build_credential(
                award,
                issuer=profile,
                credential_id=f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
                salt="bench",
            )
        )
    return out


def _sign_chunk(chunk: list[dict[str, Any]]) -> tuple[float, str]:
    from microcred.core.jsonld.loader import default_loader
    from microcred.core.keys.keypair import Ed25519KeyPair
    from microcred.core.proofs.data_integrity import add_proof

    signer = Ed25519KeyPair.generate(SEED).signer()
    loader = default_loader()
    start = time.perf_counter()
    signed = [
        add_proof(c, signer=signer, cryptosuite="eddsa-rdfc-2022", created=CREATED, loader=loader)
        for c in chunk
    ]
    elapsed = time.perf_counter() - start
    return elapsed, "\n".join(json.dumps(s) for s in signed)  # one blob per chunk


def _verify_chunk(blob: str) -> tuple[float, int]:
    from microcred.core.did.resolver import Resolver
    from microcred.core.jsonld.loader import default_loader
    from microcred.core.proofs.data_integrity import verify_proofs

    docs = [json.loads(line) for line in blob.splitlines()]
    resolver, loader = Resolver(), default_loader()
    start = time.perf_counter()
    ok = sum(
        all(p.verified for p in verify_proofs(d, resolver=resolver, loader=loader)) for d in docs
    )
    return time.perf_counter() - start, ok


def _report_chunk(blob: str) -> tuple[float, int]:
    from microcred.core.verify.pipeline import Verifier

    docs = [json.loads(line) for line in blob.splitlines()]
    verifier = Verifier()
    start = time.perf_counter()
    ok = sum(verifier.verify(d).verified for d in docs)
    return time.perf_counter() - start, ok


def _parallel(fn: Any, chunks: list[Any], workers: int, warm: Any) -> tuple[float, list[Any]]:
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(fn, [warm] * workers))  # warm up every worker (imports, caches)
        start = time.perf_counter()
        results = list(pool.map(fn, chunks))
        return time.perf_counter() - start, results


def js_bench(credentials: list[dict[str, Any]], n: int) -> dict[str, Any] | None:
    """The reference stack's numbers on the same credentials, or None without Node."""
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from interop.peer import node_peer  # the test suite's harness installs the pinned stack
    except ImportError:
        return None
    if shutil.which("node") is None:
        return None
    peer = node_peer()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "creds.json"
        path.write_text(json.dumps(credentials[:n]))
        key = Path(tmp) / "key.json"
        from microcred.core.keys.keypair import Ed25519KeyPair

        key.write_text(json.dumps(Ed25519KeyPair.generate(SEED).to_json(include_secret=True)))
        env = {**os.environ, "NODE_PATH": str(peer.node_modules)}
        out = subprocess.run(
            ["node", str(ROOT / "bench" / "js" / "bench.mjs"), str(path), "--key", str(key)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
            cwd=peer.node_modules.parent,
        )
        if out.returncode != 0:
            print("JavaScript bench failed:", out.stderr.strip()[:500], file=sys.stderr)
            return None
        return dict(json.loads(out.stdout))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-js", action="store_true")
    args = parser.parse_args()

    from microcred.core.keys.keypair import Ed25519KeyPair

    issuer = Ed25519KeyPair.generate(SEED).did
    creds = make_credentials(args.n, issuer)
    size = len(json.dumps(creds[0]))
    print(f"workload: {args.n} OB 3.0 credentials of {size} bytes, eddsa-rdfc-2022, did:key issuer")

    _sign_chunk(creds[:50])  # warm caches (contexts, templates) in this process
    sign_s, blob = _sign_chunk(creds)
    verify_s, ok = _verify_chunk(blob)
    report_s, report_ok = _report_chunk(blob)
    assert ok == args.n and report_ok == args.n, (ok, report_ok)
    rows = {
        "sign 1 core": args.n / sign_s,
        "verify proof 1 core": args.n / verify_s,
        "verify full report 1 core": args.n / report_s,
    }
    w = args.workers
    chunks = [creds[i :: w * 4] for i in range(w * 4)]
    par_sign_s, blobs = _parallel(_sign_chunk, chunks, w, creds[:20])
    rows[f"sign {w} processes"] = args.n / par_sign_s
    warm_blob = "\n".join(blob.splitlines()[:20])
    par_verify_s, oks = _parallel(_verify_chunk, [b for _, b in blobs], w, warm_blob)
    assert sum(k for _, k in oks) == args.n
    rows[f"verify proof {w} processes"] = args.n / par_verify_s

    js = None if args.no_js else js_bench(creds, min(args.n, 500))
    if js:
        rows["JavaScript sign 1 process"] = js["sign_per_s"]
        rows["JavaScript verify 1 process"] = js["verify_per_s"]
    width = max(len(k) for k in rows)
    for name, rate in rows.items():
        print(f"{name:<{width}}  {rate:>9,.0f} /s")
    if js:
        print(f"ratio sign   microcred/JS (1 core): {rows['sign 1 core'] / js['sign_per_s']:.1f}x")
        print(
            "ratio verify microcred/JS (1 core): "
            f"{rows['verify proof 1 core'] / js['verify_per_s']:.1f}x"
        )
    print(json.dumps({k: round(v, 1) for k, v in rows.items()}))


if __name__ == "__main__":
    main()
