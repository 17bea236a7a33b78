"""``POST /credentials/verify`` throughput and latency under load, on loopback.

Starts ``microcred serve`` on a fresh SQLite database in a temporary folder, issues a few
credentials through the platform API (so their status lists are the server's own), then a load
generator in this process sends a bounded number of verification requests with a fixed number
in flight and prints requests per second and latency percentiles. The server and the load
generator share this machine's cores: compare runs made on the same machine. Run:

    .venv/bin/python bench/bench_api_verify.py [--requests 2000] [--concurrency 16]

Every request goes to 127.0.0.1; the loop is bounded in count and time and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "data-protection-by-design.yaml"
MICROCRED = Path(sys.executable).parent / "microcred"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(base: str, deadline_s: float = 60.0) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            if httpx.get(f"{base}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not start")


def prepare(base: str, data_dir: Path, count: int) -> list[dict[str, Any]]:
    """Issue ``count`` credentials through the API of the demo issuer."""
    key = (data_dir / "demo-owner-api-key.txt").read_text().strip()
    auth = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=base, headers=auth, timeout=30.0) as client:
        entries = client.get("/api/v1/catalogue/entries").json()
        entry = next(e for e in entries if e["slug"] == "data-protection-by-design")
        versions = client.get(f"/api/v1/catalogue/entries/{entry['id']}/versions").json()
        version_id = versions[-1]["id"]
        credentials = []
        for i in range(count):
            answer = client.post(
                "/api/v1/awards",
                json={
                    "version_id": version_id,
                    "learner": {"name": f"L{i}", "did": f"did:example:{i}"},
                },
            )
            answer.raise_for_status()
            credentials.append(answer.json()["credential"])
        return credentials


async def load(
    base: str, credentials: list[dict[str, Any]], *, requests: int, concurrency: int, limit_s: float
) -> tuple[list[float], int, float]:
    """Send ``requests`` verifications, ``concurrency`` at a time: (latencies, failures, s)."""
    bodies = [json.dumps({"verifiableCredential": c}).encode() for c in credentials]
    latencies: list[float] = []
    failures = 0
    next_index = 0
    deadline = time.monotonic() + limit_s
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30.0) as client:

        async def worker() -> None:
            nonlocal next_index, failures
            while next_index < requests and time.monotonic() < deadline:
                body = bodies[next_index % len(bodies)]
                next_index += 1
                start = time.perf_counter()
                answer = await client.post(
                    "/credentials/verify",
                    content=body,
                    headers={"Content-Type": "application/json"},
                )
                latencies.append(time.perf_counter() - start)
                if answer.status_code != 200:
                    failures += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return latencies, failures, time.perf_counter() - start


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--credentials", type=int, default=50)
    parser.add_argument("--time-limit", type=float, default=120.0)
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "MICROCRED_DATA_DIR": tmp}
        server = subprocess.Popen(
            [str(MICROCRED), "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(base)
            credentials = prepare(base, Path(tmp), args.credentials)
            asyncio.run(load(base, credentials, requests=50, concurrency=4, limit_s=30))  # warm
            latencies, failures, seconds = asyncio.run(
                load(
                    base,
                    credentials,
                    requests=args.requests,
                    concurrency=args.concurrency,
                    limit_s=args.time_limit,
                )
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    done = len(latencies)
    print(
        f"POST /credentials/verify: {done} requests, {args.concurrency} in flight, "
        f"{failures} not 200"
    )
    print(f"throughput  {done / seconds:8.0f} requests/s")
    for label, fraction in (("p50", 0.50), ("p90", 0.90), ("p99", 0.99)):
        print(f"latency {label} {percentile(latencies, fraction) * 1000:8.1f} ms")
    print(f"latency mean {statistics.fmean(latencies) * 1000:8.1f} ms")
    print(
        json.dumps(
            {
                "requests": done,
                "rps": round(done / seconds, 1),
                "p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
                "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
                "failures": failures,
            }
        )
    )


if __name__ == "__main__":
    main()
