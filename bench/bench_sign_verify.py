"""Sign and verify throughput for eddsa-rdfc-2022 Open Badges 3.0 credentials.

Prints credentials per second for microcred on one core and on all cores, side by side with the
reference JavaScript stack (Digital Bazaar) on the same credentials when Node.js is available.
Compare ratios within one run: the machines are noisy. Run:

    .venv/bin/python bench/bench_sign_verify.py [--n 3000] [--workload small|microcredential]
        [--workers N] [--no-js]

Workloads: ``microcredential`` (default) is microcred's own EU micro-credential built from
``examples/data-protection-by-design.yaml`` (about 6.3 KB, every EU element); ``small`` is the
3.4 KB OB 3.0 AchievementCredential of /work/shared/PERFORMANCE.md (issuer profile, achievement
with criteria and two alignments, two results). Every credential differs (ids, names, subject,
dates), so no cache sees the same document twice; they share one shape, as a real batch of
awards does. The JavaScript stack signs and verifies (``verifyCredential``, status off) the same
unsigned credentials.
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


def make_small_credentials(n: int, issuer: str) -> list[dict[str, Any]]:
    """``n`` distinct OB 3.0 AchievementCredentials like PERFORMANCE.md's (about 3.4 KB)."""
    out = []
    for i in range(n):
        day = 1 + i % 28
        out.append(
            {
                "@context": [
                    "https://www.w3.org/ns/credentials/v2",
                    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
                ],
                "id": f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
                "type": ["VerifiableCredential", "OpenBadgeCredential"],
                "name": "Data Literacy Foundations (5 ECTS)",
                "description": "Awarded for completing the Data Literacy Foundations course.",
                "issuer": {
                    "id": issuer,
                    "type": ["Profile"],
                    "name": "Example University of Applied Sciences",
                    "url": "https://university.example",
                    "email": "credentials@university.example",
                    "description": "A public higher education institution.",
                    "image": {
                        "id": "https://university.example/logo.png",
                        "type": "Image",
                        "caption": "University logo",
                    },
                },
                "validFrom": f"2026-01-{day:02d}T09:00:00Z",
                "validUntil": f"2031-01-{day:02d}T09:00:00Z",
                "credentialSubject": {
                    "id": f"did:example:learner-{i}",
                    "type": ["AchievementSubject"],
                    "activityStartDate": "2025-09-01T00:00:00Z",
                    "activityEndDate": f"2025-12-{day:02d}T00:00:00Z",
                    "achievement": {
                        "id": "https://university.example/achievements/data-literacy",
                        "type": ["Achievement"],
                        "achievementType": "MicroCredential",
                        "name": "Data Literacy Foundations",
                        "description": "Learners collect, clean, analyse and communicate data.",
                        "criteria": {
                            "narrative": "Pass the final assessment (supervised, online) with "
                            "at least 60 % and submit a data analysis portfolio."
                        },
                        "image": {
                            "id": "https://university.example/badges/data-literacy.png",
                            "type": "Image",
                        },
                        "inLanguage": "en",
                        "creditsAvailable": 5,
                        "alignment": [
                            {
                                "type": ["Alignment"],
                                "targetName": "Data literacy",
                                "targetDescription": "Browse, search, filter and evaluate data.",
                                "targetFramework": "DigComp 2.2",
                                "targetCode": "1.1",
                                "targetType": "ext:DigComp",
                                "targetUrl": "https://joint-research-centre.ec.europa.eu/digcomp",
                            },
                            {
                                "type": ["Alignment"],
                                "targetName": "Analyse data",
                                "targetDescription": "Examine data to draw conclusions.",
                                "targetFramework": "ESCO",
                                "targetType": "ext:ESCO",
                                "targetUrl": "http://data.europa.eu/esco/skill/analyse-data",
                            },
                        ],
                        "resultDescription": [
                            {
                                "id": "urn:uuid:9a1e4d2b-7c3f-4e8a-b5d6-1f2e3a4b5c6d",
                                "type": ["ResultDescription"],
                                "name": "Final grade",
                                "resultType": "LetterGrade",
                                "allowedValue": ["A", "B", "C", "D", "E", "F"],
                            }
                        ],
                    },
                    "result": [
                        {
                            "type": ["Result"],
                            "resultDescription": "urn:uuid:9a1e4d2b-7c3f-4e8a-b5d6-1f2e3a4b5c6d",
                            "value": "ABCDEF"[i % 5],
                        },
                        {
                            "type": ["Result"],
                            "status": "Completed",
                            "value": f"Portfolio {i} — é ✓",
                        },
                    ],
                },
            }
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
        from microcred.core.jsonld.loader import bundled_contexts

        documents = []  # contexts the pinned npm packages do not carry (microcred's own)
        for number, url in enumerate(_context_urls(credentials[0])):
            if url.startswith("https://w3id.org/microcred/"):
                local = Path(tmp) / f"context-{number}.json"
                local.write_bytes(bundled_contexts()[url])
                documents += ["--doc", f"{url}={local}"]
        out = subprocess.run(
            [
                "node",
                str(ROOT / "bench" / "js" / "bench.mjs"),
                str(path),
                "--key",
                str(key),
                "--n",
                str(n),
                "--created",
                CREATED,
                *documents,
            ],
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


def _context_urls(credential: dict[str, Any]) -> list[str]:
    contexts = credential.get("@context", [])
    return [
        c for c in (contexts if isinstance(contexts, list) else [contexts]) if isinstance(c, str)
    ]


WORKLOADS = {"microcredential": make_credentials, "small": make_small_credentials}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--workload", choices=sorted(WORKLOADS), default="microcredential")
    parser.add_argument("--js-n", type=int, default=500, help="credentials the JS stack signs")
    parser.add_argument("--no-js", action="store_true")
    args = parser.parse_args()

    from microcred.core.keys.keypair import Ed25519KeyPair

    issuer = Ed25519KeyPair.generate(SEED).did
    creds = WORKLOADS[args.workload](args.n, issuer)
    size = len(json.dumps(creds[0]))
    print(
        f"workload {args.workload}: {args.n} OB 3.0 credentials of {size} bytes, "
        "eddsa-rdfc-2022, did:key issuer"
    )

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

    js = None if args.no_js else js_bench(creds, min(args.n, args.js_n))
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
            f" (full report: {rows['verify full report 1 core'] / js['verify_per_s']:.1f}x)"
        )
    print(json.dumps({k: round(v, 1) for k, v in rows.items()}))


if __name__ == "__main__":
    main()
