"""Start-up of the command line: `filing --version` and `filing check DEAL --no-chain`, process to process, against
an interpreter that does nothing (`python -c pass`) measured in the same run.

    python benchmarks/startup_bench.py [--runs 7]

Each command runs in a fresh child process: wall time is the median of the runs, peak RSS comes from os.wait4, and
the imports are what `python -X importtime` reports for one more run of each (the modules `python -c pass` imports
too, the interpreter's own start-up, are counted apart). The figures are printed, never asserted: which modules a
command may load is tests/test_startup.py's job.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEAL = ROOT / "examples" / "trade-receivables" / "deal.yaml"
COMMANDS = {
    "python -c pass": ["-c", "pass"],
    "filing --version": ["-m", "filing", "--version"],
    "filing check --no-chain": ["-m", "filing", "check", str(DEAL), "--no-chain"],
}


def environment() -> dict[str, str]:
    """This checkout's `filing` first on the path, as the tests run it."""
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def run(arguments: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    began = time.perf_counter()
    child = subprocess.Popen([sys.executable, *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env=environment(), cwd=ROOT)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - began
    if os.waitstatus_to_exitcode(status) not in (0, 1):  # check exits 1 on a blocker; both are a finished run
        raise SystemExit(f"{arguments} failed with status {status}")
    return wall, usage.ru_maxrss / 1024


def imports(arguments: list[str]) -> dict[str, float]:
    """Module → its own import time in seconds, from `-X importtime`."""
    result = subprocess.run([sys.executable, "-X", "importtime", *arguments], capture_output=True, text=True,
                            env=environment(), cwd=ROOT)
    own: dict[str, float] = {}
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "self [us]" not in line:
            self_us, _, name = line.removeprefix("import time:").split("|")
            own[name.strip()] = int(self_us) / 1e6
    return own


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    runs = [{name: run(arguments) for name, arguments in COMMANDS.items()} for _ in range(args.runs)]  # interleaved
    wall = {name: statistics.median(r[name][0] for r in runs) for name in COMMANDS}
    rss = {name: statistics.median(r[name][1] for r in runs) for name in COMMANDS}
    interpreter = imports(COMMANDS["python -c pass"])
    print(f"medians of {args.runs} runs; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
          f"Python {sys.version.split()[0]}")
    for name, arguments in COMMANDS.items():
        line = f"{name:<26} {wall[name]:6.3f} s wall, peak RSS {rss[name]:5.0f} MB"
        if name != "python -c pass":
            own = imports(arguments)
            total = sum(own.values())
            start_up = sum(t for m, t in own.items() if m in interpreter)
            packages = Counter[str]()
            for module, seconds in own.items():
                if module not in interpreter:
                    parts = module.split(".")
                    packages[".".join(parts[:2] if parts[0] == "filing" else parts[:1])] += seconds
            line += (f", {wall[name] / wall['python -c pass']:.1f}x `python -c pass`; imports {total:.3f} s "
                     f"({total - start_up:.3f} s beyond the interpreter's own, -X importtime)")
            print(line)
            heaviest = ", ".join(f"{p} {s * 1000:.0f} ms" for p, s in packages.most_common(8))
            print(f"{'':<27}heaviest: {heaviest}")
        else:
            print(line)


if __name__ == "__main__":
    main()
