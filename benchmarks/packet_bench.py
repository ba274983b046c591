"""Packet benchmark: build the trade-receivables packet (both languages, signed) and say where the time goes.

The stages the packet reports on (pool analysis, rulebook, the embedded-chain contract check) run once and are
timed on their own; then every measured build runs ``build_from_data`` in a fresh child process (imports excluded,
as a CLI run would start cold), and reports, in that same run: total time, pages per second, and the time inside
WeasyPrint (layout and PDF writing, summed over documents). WeasyPrint's share of the wall time is that sum divided
by the number of worker processes; the rest (HTML, DOCX, parity, hashing, writing, process start) is the overhead.
Targets (issue 5): ≤ 8 s median, ≤ 15% overhead beyond WeasyPrint.

    .venv/bin/python benchmarks/packet_bench.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "trade-receivables"


def child(data_file: Path, out: Path) -> None:
    """One build from assembled data; prints its figures as JSON."""
    from filing.packet.build import WORKERS, build_from_data

    data = pickle.loads(data_file.read_bytes())
    before = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = build_from_data(data, out, sign_key_file=EXAMPLE / "test-key.txt")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = sum(a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime for a, b in zip(after, before, strict=True))
    print(json.dumps({"wall": wall, "cpu": cpu, "pages": result.pages, "workers": WORKERS, **result.timings}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("DATA", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return

    import filing
    from filing.stages import assemble

    start = time.perf_counter()
    data = assemble(filing.load_deal(EXAMPLE / "deal.yaml"))
    assemble_time = time.perf_counter() - start
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        data_file = Path(folder) / "data.pickle"
        data_file.write_bytes(pickle.dumps(data))
        for run in range(args.runs):
            done = subprocess.run([sys.executable, __file__, "--child", str(data_file), f"{folder}/packet{run}"],
                                  capture_output=True, text=True, check=True)
            runs.append(json.loads(done.stdout))
    median = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    workers = runs[0]["workers"]
    inside = median["weasyprint"] / workers
    print(f"packet benchmark: {EXAMPLE.name}, zh+en, signed; {args.runs} runs, {workers} PDF workers, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the end")
    print(f"  stages before rendering (pool, rulebook, embedded-chain contract check), once: {assemble_time:.2f} s")
    walls = ", ".join(f"{r['wall']:.2f}" for r in runs)
    print(f"  build from data, median wall:      {median['wall']:.2f} s   (target <= 8 s; runs: {walls})")
    print(f"  CPU time (process + workers):      {median['cpu']:.2f} s")
    print(f"  pages:                             {median['pages']:.0f}, {median['pages'] / median['wall']:.1f} pages/s")
    print(f"  HTML (Jinja, all documents):       {median['html']:.2f} s")
    print(f"  PDF phase wall (workers, DOCX, parity): {median['pdf']:.2f} s")
    print(f"  inside WeasyPrint, summed:         {median['weasyprint']:.2f} s -> {inside:.2f} s per worker, "
          f"{inside / median['wall']:.0%} of the wall time")
    print(f"  overhead beyond WeasyPrint:        {median['wall'] / inside - 1:.0%}   (target <= 15%)")
    print(f"  writing the packet:                {median['write']:.2f} s")


if __name__ == "__main__":
    main()
