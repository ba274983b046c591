"""Pool analytics on a 1,000,000-row receivables tape: time, peak memory, and the same file under a bare read.

    python benchmarks/pool_bench.py [--rows 1000000] [--runs 3]

Each measurement runs in its own child process, so the peak RSS (from os.wait4) includes polars' Rust allocations,
which tracemalloc cannot see. Times are measured inside the child and exclude interpreter start-up and imports.
Targets: analysis ≤ 2.0 s, peak RSS ≤ 1.5 GB, ≤ 3x a bare ``polars.read_csv`` of the same file.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import polars as pl

DATA = Path(__file__).resolve().parent / "data"
CUT_OFF = date(2026, 9, 30)
SEED = 7
NAIVE_ROWS = 50_000


def generate(path: Path, rows: int) -> Decimal:
    """A seeded receivables tape with Chinese headers, ~50 invoices per obligor; returns its total balance."""
    from filing.model.identifiers import uscc_check_digit

    rng = np.random.default_rng(SEED)
    obligors = max(rows // 50, 20)
    regions = np.array(["110105", "310115", "320505", "330106", "440305", "510107", "420106", "370202", "350203",
                        "610113", "430104", "500112"])
    sections = np.array(list("ACDEFGIMNQ"))
    bodies = [f"91{regions[i % len(regions)]}MA{i:07d}" for i in range(obligors)]
    usccs = np.array([b + uscc_check_digit(b) for b in bodies])
    who = rng.integers(0, obligors, rows)
    balance = np.round(rng.lognormal(12, 1, rows), 2)
    start = rng.integers(5, 330, rows)
    term = rng.choice([90, 180, 270, 360, 540], rows)
    origination = np.datetime64(CUT_OFF) - start.astype("timedelta64[D]")
    maturity = origination + np.maximum(term, start + 10).astype("timedelta64[D]")
    frame = pl.DataFrame({
        "应收账款编号": [f"AR{i:08d}" for i in range(rows)],
        "债务人编号": [f"OB{i:06d}" for i in who],
        "债务人名称": [f"测试债务人{i}有限公司" for i in who],
        "统一社会信用代码": usccs[who],
        "行政区划代码": regions[who % len(regions)],
        "行业门类": sections[who % len(sections)],
        "币种": np.full(rows, "CNY"),
        "初始金额": np.round(balance * 1.1, 2),
        "未偿本金余额": balance,
        "发生日": pl.Series(origination).dt.strftime("%Y-%m-%d"),
        "到期日": pl.Series(maturity).dt.strftime("%Y-%m-%d"),
        "是否关联方": np.where(who < obligors // 100, "是", "否"),
    })
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_csv(path, float_precision=2)
    return frame.get_column("未偿本金余额").cast(pl.Decimal(38, 2)).sum()


def _deal_parts(total: str):
    from filing.model.deal import Assets, Tranche

    assets = Assets.model_validate({
        "asset_class": "trade_receivables", "tape": "tape.csv", "description_zh": "基准测试",
        "description_en": "benchmark", "controlling_entity_uscc": "91350100M000100Y43", "cut_off_date": CUT_OFF,
        "currency": "CNY", "pool_balance": total, "cashflow_basis": "receivable_collections",
        "ownership_dispute": False, "transferable": True,
        "true_sale": {"consideration_fair": True, "notice_or_registration": "notice"},
        "eligibility": {"max_remaining_term_months": 18, "excluded_industries": ["K"], "max_obligor_share": 0.05}})
    tranche = Tranche.model_validate({"id": "A", "name_en": "A", "name_zh": "A", "seniority": 1, "principal": "1",
                                      "currency": "CNY", "coupon_rate": 0.05, "legal_maturity": date(2029, 6, 30),
                                      "symbol": "BENCH-A"})
    return assets, [tranche]


def child(task: str, path: Path, total: str) -> tuple[float, float]:
    """Run one measured task in this process; return its wall and CPU (user + system, all threads) seconds."""
    if task == "analyse":
        from filing.pool import analyse_tape, read_tape
        assets, tranches = _deal_parts(total)
        began, cpu = time.perf_counter(), time.process_time()
        analyse_tape(read_tape(path, "trade_receivables"), assets, tranches).to_dict()
    elif task == "bare":
        began, cpu = time.perf_counter(), time.process_time()
        pl.read_csv(path)
    else:  # naive: one pydantic model per row, the way a straightforward implementation would validate
        import csv

        from pydantic import BaseModel, condecimal

        class Row(BaseModel):
            asset_id: str
            obligor_id: str
            obligor_name: str
            obligor_uscc: str
            region_code: str
            industry_code: str
            currency: str
            original_amount: condecimal(gt=0)
            outstanding_balance: condecimal(gt=0)
            origination_date: date
            maturity_date: date
            related_party: str

        began, cpu = time.perf_counter(), time.process_time()
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            for index, values in enumerate(reader):
                if index == NAIVE_ROWS:
                    break
                Row(**dict(zip(Row.model_fields, values, strict=True)))
    return time.perf_counter() - began, time.process_time() - cpu


def deal_for(path: Path, total: str) -> Path:
    """The trade-receivables example deal pointed at the generated tape (its stated balance set to the tape's)."""
    import re

    text = (Path(__file__).resolve().parents[1] / "examples" / "trade-receivables" / "deal.yaml").read_text("utf-8")
    text = re.sub(r"(?m)^  tape: .*$", f"  tape: {path.name}", text)
    text = re.sub(r"(?m)^  history: .*\n", "", text)
    text = re.sub(r'(?m)^  pool_balance: .*$', f'  pool_balance: "{total}"', text)
    deal = path.with_name(f"{path.stem}_deal.yaml")
    deal.write_text(text, encoding="utf-8")
    return deal


def process(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system, all threads) and peak RSS (MB) of a whole process, start-up and
    imports included."""
    began = time.perf_counter()
    child_process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(child_process.pid, 0)
    return time.perf_counter() - began, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def measure(task: str, path: Path, total: str) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MB) of one child process."""
    process = subprocess.Popen([sys.executable, __file__, "--child", task, str(path), total],
                               stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    if status:
        raise SystemExit(f"child {task} failed with status {status}")
    wall, cpu = map(float, output.split())
    return wall, cpu, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        task, path, total = args.child
        print(*child(task, Path(path), total))
        return

    path = DATA / f"receivables_{args.rows}.csv"
    meta = path.with_suffix(".json")
    if args.generate:
        meta.write_text(json.dumps({"total": str(generate(path, args.rows))}))
        return
    if not meta.exists() or not path.exists():
        # in a child of its own: a child process's peak RSS starts from its parent's, through fork
        began = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--generate", "--rows", str(args.rows)], check=True)
        print(f"generated {path.name} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - began:.1f} s",
              file=sys.stderr)
    total = json.loads(meta.read_text())["total"]

    tasks = ("analyse", "bare", "naive")
    runs = [[measure(task, path, total) for task in tasks] for _ in range(args.runs)]  # interleaved: load hits all
    wall = {task: statistics.median(run[i][0] for run in runs) for i, task in enumerate(tasks)}
    cpu = {task: statistics.median(run[i][1] for run in runs) for i, task in enumerate(tasks)}
    rss = {task: statistics.median(run[i][2] for run in runs) for i, task in enumerate(tasks)}
    naive = wall["naive"] * args.rows / NAIVE_ROWS
    print(f"rows: {args.rows:,} ({path.stat().st_size / 1e6:.0f} MB); medians of {args.runs} runs; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print(f"read + validation + eligibility + report: {wall['analyse']:.2f} s wall, {cpu['analyse']:.2f} s CPU"
          "  (target <= 2.0 s)")
    print(f"peak RSS of that process:                 {rss['analyse']:.0f} MB  (target <= 1500 MB)")
    print(f"bare polars.read_csv:                     {wall['bare']:.2f} s wall, {cpu['bare']:.2f} s CPU, "
          f"{rss['bare']:.0f} MB")
    print(f"ratio to bare read:                       {wall['analyse'] / wall['bare']:.1f}x wall, "
          f"{cpu['analyse'] / cpu['bare']:.1f}x CPU  (target <= 3x)")
    print(f"naive per-row pydantic, {NAIVE_ROWS:,} rows x{args.rows // NAIVE_ROWS}: {naive:.1f} s "
          f"({naive / wall['analyse']:.0f}x the pool stage)")

    deal = deal_for(path, total)
    commands = {"filing pool": [sys.executable, "-m", "filing", "pool", str(deal), "--format", "json"],
                "bare read": [sys.executable, "-c", f"import polars; polars.read_csv({str(path)!r})"]}
    whole = [{name: process(command) for name, command in commands.items()} for _ in range(args.runs)]
    (pool_wall, pool_cpu, pool_rss), (bare_wall, bare_cpu, _) = (
        [statistics.median(run[name][i] for run in whole) for i in range(3)] for name in commands)
    print(f"process to process, `filing pool --format json` (cash flows and breakeven included): {pool_wall:.2f} s "
          f"wall, {pool_cpu:.2f} s CPU, {pool_rss:.0f} MB; bare read process: {bare_wall:.2f} s wall, "
          f"{bare_cpu:.2f} s CPU; ratio {pool_wall / bare_wall:.1f}x wall, {pool_cpu / bare_cpu:.1f}x CPU "
          "(target <= 3x)")

if __name__ == "__main__":
    main()
