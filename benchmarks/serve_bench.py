"""The web workspace under load, on loopback: time from a tape upload to its findings, and the server's memory while
ten reviews of the example packet run at once.

    python benchmarks/serve_bench.py [--packet ZIP] [--runs 5] [--rounds 3]

A ``filing serve`` child process serves a temporary workspace holding a copy of the trade-receivables example.
Upload to findings: ``POST /api/deals/NAME/tape`` with the example's GB18030 tape (5,006 rows) until the JSON with
the findings and pool report is back, median of ``--runs``; the baseline is the same stages (load, analyse, check)
called in this process after a warm-up, so the ratio is what HTTP, the upload, staging and the move into place add.
Memory: the server's resident set (``/proc/PID/status``) at rest after one warm-up review, and its peak while ten
clients each upload the packet zip for review at the same moment (``--rounds`` times; VmHWM is the kernel's own
peak); the baseline is one review alone. Without ``--packet`` the example is built first (not timed).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "trade-receivables"
CLIENTS = 10


def build_packet_zip(folder: Path) -> Path:
    from filing import stages

    stages.build(stages.load(EXAMPLE / "deal.yaml"), folder / "packet", sign_key_file=EXAMPLE / "test-key.txt",
                 zip=True)
    return folder / "packet.zip"


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of a process, in bytes."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) * 1024
    return found


class Serving:
    """``filing serve`` on a free loopback port over ``workspace``, stopped on exit."""

    def __init__(self, workspace: Path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "filing", "-q", "serve", "--workspace", str(workspace), "--port", str(self.port)],
            env=os.environ | {"PYTHONPATH": str(ROOT)}, stderr=subprocess.DEVNULL)

    def __enter__(self) -> Serving:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/api/deals", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError("the server did not answer within 60 s")

    def __exit__(self, *_: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def upload_to_findings(server: Serving, runs: int) -> list[float]:
    tape = (EXAMPLE / "tape.csv").read_bytes()
    times = []
    with httpx.Client(base_url=server.url, timeout=300) as client:
        for _ in range(runs + 1):
            start = time.perf_counter()
            answer = client.post("/api/deals/deal/tape", files={"file": ("tape.csv", tape)})
            times.append(time.perf_counter() - start)
            assert answer.status_code == 200 and "findings" in answer.json(), answer.text[:300]
    return times[1:]  # the first upload warms the server's imports and caches


def in_process(deal: Path, runs: int) -> list[float]:
    from filing.serve import actions

    actions.check(deal)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        actions.check(deal)
        times.append(time.perf_counter() - start)
    return times


def review(url: str, packet: bytes) -> float:
    start = time.perf_counter()
    answer = httpx.post(f"{url}/api/reviews", files={"file": ("packet.zip", packet)}, timeout=600)
    assert answer.status_code == 201, answer.text[:300]
    return time.perf_counter() - start


def concurrent_reviews(server: Serving, packet: bytes) -> tuple[float, int]:
    """Wall time of ten simultaneous reviews and the highest resident set seen meanwhile (sampled every 10 ms)."""
    peak, done = 0, threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, memory(server.process.pid)["VmRSS"])
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    start = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(lambda _: review(server.url, packet), range(CLIENTS)))
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    return wall, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packet", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="serve-bench-") as temp:
        folder = Path(temp)
        packet = (args.packet or build_packet_zip(folder)).read_bytes()
        workspace = folder / "workspace"
        shutil.copytree(EXAMPLE, workspace / "deal", ignore=shutil.ignore_patterns("test-key.txt"))
        with Serving(workspace) as server:
            served = upload_to_findings(server, args.runs)
            bare = in_process(workspace / "deal" / "deal.yaml", args.runs)
            single = [review(server.url, packet) for _ in range(args.runs)]
            at_rest = memory(server.process.pid)["VmRSS"]
            rounds = [concurrent_reviews(server, packet) for _ in range(args.rounds)]
            time.sleep(2)
            after, high_water = memory(server.process.pid)["VmRSS"], memory(server.process.pid)["VmHWM"]
    mb = 1 << 20
    print(f"load average {os.getloadavg()[0]:.1f}; packet zip {len(packet) / mb:.1f} MB; tape 5,006 rows GB18030")
    print(f"upload to findings, median of {args.runs}: {statistics.median(served):.2f} s "
          f"(runs {', '.join(f'{t:.2f}' for t in served)})")
    print(f"  baseline, the same stages in-process: {statistics.median(bare):.2f} s; "
          f"ratio {statistics.median(served) / statistics.median(bare):.2f}")
    print(f"one review alone, median of {args.runs}: {statistics.median(single):.2f} s")
    walls = [wall for wall, _ in rounds]
    peaks = [peak for _, peak in rounds]
    print(f"{CLIENTS} concurrent reviews, median of {args.rounds} rounds: {statistics.median(walls):.2f} s wall "
          f"({statistics.median(walls) / statistics.median(single):.1f}x one review)")
    print(f"server memory: {at_rest / mb:.0f} MB at rest after the reviews above; peak during {CLIENTS} concurrent "
          f"reviews {max(peaks) / mb:.0f} MB (+{(max(peaks) - at_rest) / mb:.0f} MB); VmHWM {high_water / mb:.0f} MB; "
          f"{after / mb:.0f} MB at rest 2 s after the last round")


if __name__ == "__main__":
    main()
