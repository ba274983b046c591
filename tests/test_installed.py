"""The toolkit as a law firm gets it: a wheel installed into a fresh virtual environment outside the repository, run on
a copy of an example deal in a folder of its own. Templates, font configuration and contract artifacts must come from
the installed package, and every dependency must be declared (the environment has nothing else)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from eth_account import Account

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "trade-receivables"


def _run(command: list[str], cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel built from this checkout installed, dependencies from the package index."""
    root = tmp_path_factory.mktemp("installed")
    built = _run([sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-q", "-w", str(root / "dist")], root)
    assert built.returncode == 0, built.stderr
    (wheel,) = (root / "dist").glob("filing-*.whl")
    venv.create(root / "venv", with_pip=True)
    pip = _run([str(root / "venv" / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], root, timeout=1200)
    assert pip.returncode == 0, pip.stderr
    return root / "venv" / "bin"


@pytest.fixture(scope="module")
def deal_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("elsewhere") / "deal"
    shutil.copytree(EXAMPLE, folder)
    return folder


def _json(result: subprocess.CompletedProcess[str]) -> dict:
    assert result.stdout.strip(), result.stderr
    return json.loads(result.stdout)


def test_package_files_come_from_the_wheel(installed: Path, deal_dir: Path) -> None:
    probe = ("import filing, filing.resources as r; "
             "print(filing.__file__); print(r.templates_dir()); print(r.artifacts_dir())")
    result = _run([str(installed / "python"), "-c", probe], deal_dir)
    assert result.returncode == 0, result.stderr
    site = installed.parent / "lib"
    paths = [Path(line) for line in result.stdout.splitlines()]
    assert all(site in path.parents for path in paths), paths
    assert (paths[1] / "packet").is_dir() and any(paths[2].glob("*.json"))
    version = _run([str(installed / "filing"), "--version"], deal_dir)
    assert version.returncode == 0 and version.stdout.startswith("filing ")


def test_check_contract_build_and_review_from_the_installed_package(installed: Path, deal_dir: Path) -> None:
    filing = str(installed / "filing")
    check = _run([filing, "check", "deal.yaml", "--format", "json"], deal_dir)
    assert check.returncode == 0, check.stderr
    assert _json(check)["ok"] is True

    contract = _run([filing, "contract", "check", "deal.yaml", "--format", "json"], deal_dir)
    assert contract.returncode == 0, contract.stderr
    report = _json(contract)
    assert report["ok"] is True and report["standard"]
    assert report["scenarios"] and all(s["passed"] for s in report["scenarios"])

    build = _run([filing, "build", "deal.yaml", "-o", "packet", "--sign-key-file", "test-key.txt",
                  "--format", "json"], deal_dir)
    assert build.returncode == 0, build.stderr
    built = _json(build)
    assert built["written"] and built["pages"] > 0
    assert (deal_dir / "packet" / "manifest.json").is_file()
    assert {p.suffix for p in (deal_dir / "packet" / "documents").iterdir()} == {".docx", ".html", ".pdf"}

    key = (deal_dir / "test-key.txt").read_text().split()[-1]
    review = _run([filing, "review", "packet", "--signer", Account.from_key(key).address, "--format", "json"],
                  deal_dir)
    assert review.returncode == 0, review.stdout + review.stderr
    assert _json(review)["verdict"] == "PASS"
