"""Check and build time against list size (officers, service providers, undertakings), and review memory on a bomb.

    python benchmarks/listsize_bench.py [--sizes 100,300,1000,3000,10000] [--build-sizes 100,300,1000,3000]
                                        [--runs 3] [--build-runs 3] [--bomb-rows 100000000]

Each size N is the trade-receivables example with N more directors, N more service providers and a truth
undertaking from each (so the deal stays clean: one party, one undertaking). ``check`` is load + pool + rulebook in
this process (imports and the rulebook's construction excluded by a warm-up); ``build`` renders the packet from
already assembled data (HTML, PDF, DOCX drafts, parity, manifest, writing; the chain suite does not depend on N and
is left out) in a child process, whose CPU time includes its PDF workers. Each figure is the median of ``--runs``
runs (``--build-runs`` for builds), printed with its ratio to the smallest size, so a linear curve shows ratios
close to the size ratios.

The last part measures the peak memory (max RSS) of ``filing review`` on a signed packet whose ``data/tape.parquet``
holds ``--bomb-rows`` constant rows (about 50 KB compressed), zipped, against the same review of the example's packet.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "trade-receivables"
TEST_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
"""Anvil's well-known first test key; it must never hold value."""


def deal_of_size(folder: Path, n: int) -> Path:
    """The example deal with `n` more directors, service providers and their undertakings, in `folder`."""
    text = (EXAMPLE / "deal.yaml").read_text(encoding="utf-8")
    officers = "".join(f"    - {{name: 董事{i:05d}, role: director}}\n" for i in range(n))
    providers = "".join(f"  - {{role: arranger, name: Provider {i:05d} Limited, jurisdiction: HK, "
                        "sfc_ce_number: BQX318}\n" for i in range(n))
    undertakings = "".join(f"    - {{party_role: director, party_name: 董事{i:05d}, signed_on: 2026-11-15}}\n"
                           f"    - {{party_role: intermediary, party_name: Provider {i:05d} Limited, "
                           "signed_on: 2026-11-15}\n" for i in range(n))
    for anchor, extra in (("  officers:\n", officers), ("service_providers:\n", providers),
                          ("  undertakings:\n", undertakings)):
        assert anchor in text, anchor
        text = text.replace(anchor, anchor + extra, 1)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "deal.yaml").write_text(text, encoding="utf-8")
    shutil.copy(EXAMPLE / "tape.csv", folder / "tape.csv")
    return folder / "deal.yaml"


def time_check(deal: Path) -> float:
    from filing import stages

    start = time.process_time()
    loaded = stages.load(deal)
    report = stages.check(loaded.deal, stages.analyse(loaded))
    assert report.ok, [f.rule for f in report.findings if f.counts_as_blocker]
    return time.process_time() - start


BUILD_CHILD = """
import json, sys, time, resource
from pathlib import Path
from filing import stages
from filing.packet.build import build_from_data
loaded = stages.load(sys.argv[1])
data = stages.packet_data(loaded, stages.analyse(loaded), None)
usage = lambda: sum(getattr(resource.getrusage(w), f) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
                    for f in ("ru_utime", "ru_stime"))
cpu, wall = usage(), time.perf_counter()
result = build_from_data(data, Path(sys.argv[2]), sign_key_file=sys.argv[3])
print(json.dumps({"cpu": usage() - cpu, "wall": time.perf_counter() - wall, "pages": result.pages}))
"""


def time_build(deal: Path, out: Path, key: Path) -> dict[str, float]:
    child = subprocess.run([sys.executable, "-c", BUILD_CHILD, str(deal), str(out), str(key)], capture_output=True,
                           text=True, check=True, cwd=ROOT)
    shutil.rmtree(out, ignore_errors=True)
    return json.loads(child.stdout.strip().splitlines()[-1])


def bomb_packet(folder: Path, rows: int) -> tuple[Path, Path]:
    """(the example's signed data packet zipped, the same with a `rows`-row constant Parquet tape, re-signed)."""
    import polars as pl

    sys.path.insert(0, str(ROOT / "tests"))
    from test_corpus import FILER_KEY, write_data_packet

    from filing.packet.data import dump_json
    from filing.packet.manifest import MANIFEST, SIGNATURE, sign_manifest

    plain = write_data_packet("trade-receivables", folder / "plain")
    bomb = folder / "bomb"
    shutil.copytree(plain, bomb)
    tape = bomb / "data" / "tape.parquet"
    pl.select(pl.repeat("AR000001", rows, dtype=pl.String).alias("asset_id").cast(pl.Categorical)) \
        .write_parquet(tape, compression="zstd", row_group_size=10_000_000)
    manifest = json.loads((bomb / MANIFEST).read_bytes())
    for entry in manifest["files"]:
        if entry["path"] == "data/tape.parquet":
            entry.update(size=tape.stat().st_size, sha256=hashlib.sha256(tape.read_bytes()).hexdigest())
    raw = dump_json(manifest)
    (bomb / MANIFEST).write_bytes(raw)
    (bomb / SIGNATURE).write_bytes(sign_manifest(raw, FILER_KEY, "test key"))
    return (Path(shutil.make_archive(str(folder / "plain-zip"), "zip", plain)),
            Path(shutil.make_archive(str(folder / "bomb-zip"), "zip", bomb)))


def review_peak(packet: Path) -> tuple[float, int, float]:
    """(peak RSS in MB, exit code, wall seconds) of `filing review PACKET` in a child process.

    The peak is the child's own high-water mark (VmHWM in /proc, read until it exits): ``ru_maxrss`` would not do,
    since Linux carries it across exec, so a child forked from this (large) process reports this one's size."""
    start = time.perf_counter()
    from eth_account import Account

    signer = Account.from_key(TEST_KEY).address
    child = subprocess.Popen([sys.executable, "-m", "filing", "review", str(packet), "--signer", signer,
                              "--format", "json"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    peak = 0
    while child.poll() is None:
        try:
            status = Path(f"/proc/{child.pid}/status").read_text()
            peak = max(peak, int(status.split("VmHWM:")[1].split()[0]))
        except (OSError, IndexError, ValueError):
            pass
        time.sleep(0.02)
    return peak / 1024, child.returncode, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,300,1000,3000,10000")
    parser.add_argument("--build-sizes", default="100,300,1000,3000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--build-runs", type=int, default=3)
    parser.add_argument("--bomb-rows", type=int, default=100_000_000)
    options = parser.parse_args()
    sizes = [int(s) for s in options.sizes.split(",") if s]
    build_sizes = [int(s) for s in options.build_sizes.split(",") if s]
    with tempfile.TemporaryDirectory(prefix="listsize-bench-") as scratch:
        work = Path(scratch)
        key = work / "key.txt"
        key.write_text(TEST_KEY + "\n")
        time_check(deal_of_size(work / "warm", 1))
        print(f"{'size':>6} {'check CPU s':>12} {'ratio':>7} {'build CPU s':>12} {'build wall s':>13} {'ratio':>7} "
              f"{'pages':>6}")
        base_check = base_build = None
        for n in sizes:
            deal = deal_of_size(work / f"n{n}", n)
            check = statistics.median(time_check(deal) for _ in range(options.runs))
            base_check = base_check or check
            line = f"{n:>6} {check:>12.2f} {check / base_check:>7.1f}"
            if n in build_sizes:
                runs = [time_build(deal, work / f"out{n}", key) for _ in range(options.build_runs)]
                cpu = statistics.median(r["cpu"] for r in runs)
                wall = statistics.median(r["wall"] for r in runs)
                base_build = base_build or cpu
                line += f" {cpu:>12.1f} {wall:>13.1f} {cpu / base_build:>7.1f} {runs[0]['pages']:>6}"
            print(line, flush=True)
        plain, bomb = bomb_packet(work, options.bomb_rows)
        for name, packet in (("example packet", plain), (f"bomb packet ({options.bomb_rows:,} rows)", bomb)):
            peak, code, wall = review_peak(packet)
            print(f"review of the {name}, {packet.stat().st_size:,} bytes zipped: peak RSS {peak:.0f} MB, "
                  f"exit {code}, {wall:.1f} s")


if __name__ == "__main__":
    main()
