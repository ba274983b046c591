"""A tape larger than memory: time and peak memory of the streaming scan (filing.pool.outofcore) at 5, 10 and 20
million rows, each a folder of Parquet files of 500,000 rows, then of the whole `filing pool` process on the largest
(a copy of the receivables example whose assets.tape names the folder).

    python benchmarks/outofcore_bench.py [--rows 20000000] [--runs 2]

The dataset is generated once under benchmarks/data/outofcore/ (git-ignored), one file at a time, so generating it
needs no more memory than one file. Each measurement is a fresh child process; peak RSS comes from os.wait4 and
includes polars' Rust heap. Targets: peak ≤ 2 GB at 20M rows, time linear in rows.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

DATA = Path(__file__).resolve().parent / "data" / "outofcore"
PART = 500_000
CUT_OFF = date(2026, 9, 30)


def generate_part(path: Path, index: int) -> None:
    rng = np.random.default_rng(index)
    start = index * PART
    who = rng.integers(0, 400_000, PART)
    balance = np.round(rng.lognormal(12, 1, PART), 2)
    begun = rng.integers(5, 330, PART)
    origination = np.datetime64(CUT_OFF) - begun.astype("timedelta64[D]")
    maturity = origination + np.maximum(rng.choice([90, 180, 270, 360, 540], PART), begun + 10).astype(
        "timedelta64[D]")
    pl.DataFrame({
        "asset_id": pl.int_range(start, start + PART, eager=True).cast(pl.String).str.zfill(9),
        "obligor_id": pl.Series(who).cast(pl.String),
        "region_code": np.array(["110105", "310115", "440305", "510107"])[who % 4],
        "outstanding_balance": balance, "original_amount": np.round(balance * 1.1, 2),
        "interest_rate": np.round(rng.uniform(0.02, 0.08, PART), 4),
        "origination_date": origination.astype("datetime64[D]"), "maturity_date": maturity.astype("datetime64[D]"),
    }).write_parquet(path)


def dataset(rows: int) -> Path:
    """A folder whose files are hard links to the first rows // PART generated parts."""
    parts = DATA / "parts"
    parts.mkdir(parents=True, exist_ok=True)
    for index in range(rows // PART):
        part = parts / f"part-{index:04d}.parquet"
        if not part.exists():
            generate_part(part, index)
    folder = DATA / f"rows_{rows}"
    folder.mkdir(exist_ok=True)
    for index in range(rows // PART):
        link = folder / f"part-{index:04d}.parquet"
        if not link.exists():
            os.link(parts / link.name, link)
    return folder


def child(folder: Path) -> None:
    from filing.pool.outofcore import analyse_scan

    began, cpu = time.perf_counter(), time.process_time()
    report = analyse_scan(folder, CUT_OFF)
    print(time.perf_counter() - began, time.process_time() - cpu, report.rows)


def measure(folder: Path) -> tuple[float, float, float, int]:
    process = subprocess.Popen([sys.executable, __file__, "--child", str(folder)], stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    if status:
        raise SystemExit(f"child failed with status {status}")
    wall, cpu, rows = output.split()
    return float(wall), float(cpu), usage.ru_maxrss / 1024, int(rows)


def pool_process(folder: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of `filing pool DEAL --format json` on the folder."""
    example = Path(__file__).resolve().parents[1] / "examples" / "trade-receivables" / "deal.yaml"
    text = re.sub(r"(?m)^  history: .*\n", "", example.read_text(encoding="utf-8"))
    deal = folder.parent / f"{folder.name}_deal.yaml"
    deal.write_text(re.sub(r"(?m)^  tape: .*$", f"  tape: {folder.name}", text), encoding="utf-8")
    began = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "filing", "pool", str(deal), "--format", "json"],
                               stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"filing pool failed with status {status}")
    return time.perf_counter() - began, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child))
        return
    sizes = [args.rows // 4, args.rows // 2, args.rows]
    began = time.perf_counter()
    folders = {rows: dataset(rows) for rows in sizes}
    print(f"dataset ready in {time.perf_counter() - began:.0f} s; {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}", file=sys.stderr)
    for rows, folder in folders.items():
        runs = [measure(folder) for _ in range(args.runs)]
        size = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
        wall, cpu, rss = (statistics.median(run[i] for run in runs) for i in range(3))
        assert all(run[3] == rows for run in runs)
        print(f"{rows:>11,} rows ({size:,.0f} MB Parquet): {wall:.2f} s wall, {cpu:.2f} s CPU, peak RSS {rss:,.0f} MB,"
              f" {wall / rows * 1e9:.0f} ns/row (median of {args.runs})")
    whole = [pool_process(folders[args.rows]) for _ in range(args.runs)]
    wall, cpu, rss = (statistics.median(run[i] for run in whole) for i in range(3))
    print(f"`filing pool --format json` on the {args.rows:,}-row folder, process to process: {wall:.2f} s wall, "
          f"{cpu:.2f} s CPU, peak RSS {rss:,.0f} MB (median of {args.runs})")


if __name__ == "__main__":
    main()
