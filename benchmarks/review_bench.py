"""Reviewing the example packet without --rebuild: median time, its parts, and a hashing-only baseline in the same run.

    python benchmarks/review_bench.py [--packet DIR] [--runs 5]

Without ``--packet`` the trade-receivables example is built (signed with a test key) into a temporary folder first;
that build is not timed here (see the packet benchmark). Each review runs in this process after one warm-up review,
so imports and the rulebook's construction are excluded; the cold ``filing review`` command, interpreter start-up
and imports included, is measured once per run in a child process. The baseline reads and hashes every packet file
with SHA-256 and nothing else: the least any integrity check must do. Target: review ≤ 1 s (median).
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
"""Anvil's well-known first test key; it must never hold value."""


def build_example(folder: Path) -> Path:
    import filing
    from filing import stages

    key = folder / "key.txt"
    key.write_text(TEST_KEY + "\n")
    stages.build(filing.load_deal(ROOT / "examples" / "trade-receivables" / "deal.yaml"), folder / "packet",
                 sign_key_file=key)
    return folder / "packet"


def hash_all(packet: Path) -> int:
    total = 0
    for path in sorted(packet.rglob("*")):
        if path.is_file():
            with path.open("rb") as stream:
                hashlib.file_digest(stream, "sha256")
            total += path.stat().st_size
    return total


def median_seconds(call: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def parts(packet: Path, runs: int) -> dict[str, float]:
    """The review's stages one by one, each a median over `runs`."""
    from filing.review.integrity import check_integrity, read_manifest
    from filing.review.packet import open_packet
    from filing.review.revalidate import revalidate
    from filing.review.signature import check_signature

    opened = open_packet(packet)
    return {"open (manifest and data files into their models)": median_seconds(lambda: open_packet(packet), runs)[0],
            "integrity (read manifest, hash and compare)":
            median_seconds(lambda: check_integrity(packet, *read_manifest(packet)), runs)[0],
            "signature (EIP-191 recovery)":
            median_seconds(lambda: check_signature(packet, opened.manifest, None, False), runs)[0],
            "re-validation (load deal, pool + cash flows, rulebook over recorded chain evidence, compare)":
            median_seconds(lambda: revalidate(opened), runs)[0]}


def cold_command(packet: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "filing", "review", str(packet), "--format", "json"], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--packet", type=Path, help="an existing packet folder (default: build the example)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    runs = max(args.runs, 3)
    with tempfile.TemporaryDirectory(prefix="review-bench-") as folder:
        packet = args.packet or build_example(Path(folder))
        from filing.review import review_packet

        report = review_packet(packet)  # warm-up: imports, rulebook, caches
        files = sum(1 for p in packet.rglob("*") if p.is_file())
        size = hash_all(packet)
        review, times = median_seconds(lambda: review_packet(packet), runs)
        baseline, _ = median_seconds(lambda: hash_all(packet), runs)
        print(f"packet: {files} files, {size / 1e6:.1f} MB; verdict {report.verdict} "
              f"({', '.join(f'{c.name} {c.status}' for c in report.checks)})")
        print(f"review, median of {runs}: {review:.3f} s (runs: {', '.join(f'{t:.3f}' for t in times)}); "
              f"target ≤ 1 s: {'met' if review <= 1 else 'MISSED'}")
        print(f"baseline, hashing every file with SHA-256, median of {runs}: {baseline:.3f} s "
              f"(the review takes {review / baseline:.1f}x the baseline)")
        for name, seconds in parts(packet, runs).items():
            print(f"  {name}: {seconds:.3f} s")
        print(f"cold `filing review` command (start-up and imports included), one run: {cold_command(packet):.2f} s")


if __name__ == "__main__":
    main()
