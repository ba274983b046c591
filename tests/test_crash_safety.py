"""A build or a review killed with SIGKILL leaves its output folder whole: the previous packet (or nothing, when there
was none) until the new one is complete, then the new one, never a part of either; the next run that succeeds sweeps
what the killed ones left beside it, and a killed build leaves no PDF worker running.

One build and two reviews are driven by tests/crash_driver.py, which kills copies of the running command: one during
the pool stage, one while its PDF workers lay out pages, and one before each file-system step of the writing (every
mkdir, file, rename and removal; the steps are numbered from the audit events Python raises before each system call).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from crash_driver import fingerprint

from filing import write
from filing.packet.build import PacketError
from filing.packet.manifest import MANIFEST, SIGNATURE
from filing.resources import templates_dir
from filing.review import review_packet
from filing.review.output import FILES as REVIEW_FILES
from filing.review.output import write_review

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "trade-receivables"
DRIVER = Path(__file__).with_name("crash_driver.py")
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the crash driver watches PDF workers in /proc")
SIGNER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
"""anvil's account #0, whose well-known key the example signs with."""


@dataclass(frozen=True)
class Driven:
    output: Path
    before: str | None
    """Fingerprint of the output before the command ran."""
    rows: list[dict]
    gap: tuple[None, ...]
    """``(None,)`` where the file system cannot swap in one step: the state between the old output and the new."""

    def points(self, point: str) -> list[dict]:
        return [row for row in self.rows if row.get("point") == point]

    def rounds(self) -> list[list[dict]]:
        """The write steps of each round, closed by its ``done`` row."""
        rounds, current = [], []
        for row in self.rows:
            if row.get("point") in ("write", "done"):
                current.append(row)
            if row.get("point") == "done":
                rounds.append(current)
                current = []
        return rounds


def _drive(report: Path, output: Path, command: list[str], *options: str) -> Driven:
    before = fingerprint(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    gap = () if _swaps_in_one_step(output.parent) and "--no-exchange" not in options else (None,)
    run = subprocess.run([sys.executable, str(DRIVER), str(report), str(output), *options, "--", *command],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-4000:]
    return Driven(output, before, [json.loads(line) for line in report.read_text().splitlines()], gap)


def _stand_in_packet(folder: Path) -> None:
    """An earlier packet as the build sees one (a folder with filing's marker and a manifest), small enough to tell
    from the new one."""
    content = b"<!DOCTYPE html><title>an earlier packet</title>"
    (folder / "documents").mkdir(parents=True)
    (folder / "documents" / "00-index.html").write_bytes(content)
    entry = {"path": "documents/00-index.html", "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
    (folder / MANIFEST).write_text(json.dumps({"files": [entry]}))
    (folder / write.MARKER).write_text(f"filing packet {'0' * 32}\n")


def _complete(folder: Path) -> bool:
    """Every file the manifest lists is there with its size and SHA-256, and nothing else is."""
    manifest = json.loads((folder / MANIFEST).read_text())
    listed = {entry["path"]: entry for entry in manifest["files"]}
    present = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} - {MANIFEST, SIGNATURE,
                                                                                         write.MARKER}
    if present != set(listed):
        return False
    contents = {path: (folder / path).read_bytes() for path in present}
    return all(len(contents[path]) == entry["size"] and hashlib.sha256(contents[path]).hexdigest() == entry["sha256"]
               for path, entry in listed.items())


def _in_order(steps: list[dict], key: str, *order: str | None) -> None:
    """Each kill left one of the states ``order`` names, the first at first and the last at last, never going back."""
    states, rank = [row[key] for row in steps], {state: i for i, state in enumerate(order)}
    assert set(states) <= set(rank), [row for row in steps if row[key] not in rank][:3]
    assert states[0] == order[0] and states[-1] == order[-1]
    assert states == sorted(states, key=rank.__getitem__), "the output went back to an earlier state"


def _swaps_in_one_step(folder: Path) -> bool:
    """Whether this file system swaps two names in one step (renameat2 RENAME_EXCHANGE). Where it cannot, the
    writers rename the old output aside before the new one takes its name: missing for one step, never partial."""
    pair = [folder / ".swap-probe-a", folder / ".swap-probe-b"]
    for path in pair:
        path.mkdir()
    try:
        return write._exchange(*pair)
    finally:
        for path in pair:
            path.rmdir()


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Driven:
    """The example built over an earlier packet, killed all the way through, in two rounds: the second replaces the
    packet the first one wrote. Quiet, so no progress-bar thread is running when the driver forks."""
    root = tmp_path_factory.mktemp("crash-build")
    output = root / "out" / "packet"
    _stand_in_packet(output)
    return _drive(root / "report.jsonl", output,
                  ["--quiet", "build", str(EXAMPLE / "deal.yaml"), "-o", str(output), "--zip", "--sign-key-file",
                   str(EXAMPLE / "test-key.txt")],
                  "--kill-on-open", str(EXAMPLE / "tape.csv"),
                  "--kill-workers-after-open", str(templates_dir() / "packet" / "base.html.j2"), "--rounds", "2")


def test_a_build_killed_while_it_works_leaves_the_earlier_packet_and_no_worker(build: Driven) -> None:
    pool, pdf = build.points("pool"), build.points("pdf")
    assert len(pool) == len(pdf) == 1
    assert pool[0]["output"] == pdf[0]["output"] == build.before and pool[0]["zip"] is pdf[0]["zip"] is None
    orphans = [row["orphans"] for row in build.rows if "orphans" in row]
    assert orphans == [[]], "PDF workers kept running after their build was killed"


def test_a_build_killed_at_any_write_step_leaves_the_old_packet_or_the_new(build: Driven) -> None:
    first, second = build.rounds()
    new, new_zip = first[-1]["output"], first[-1]["zip"]
    assert new not in (None, build.before) and new_zip is not None
    steps = first[:-1]
    assert len(steps) > 2 * 31, "every file written is a step of its own"
    _in_order(steps, "output", build.before, *build.gap, new)
    _in_order(steps, "zip", None, new_zip)
    # the commit point is the rename of the commit record naming both: a copy killed before it leaves the old pair;
    # once it is taken (the copy killed just after it shows the old pair and the record), the next build finishes it
    record = f"{build.output.parent / '.packet.commit'}"
    commit = next(i for i, row in enumerate(steps) if row["event"].startswith("os.rename") and
                  row["event"].endswith(f" {record}"))
    assert {(row["output"], row["zip"]) for row in steps[:commit + 1]} == {(build.before, None)}
    assert {row["output"] for row in steps[commit + 2:]} <= {new, *build.gap}
    assert {row["zip"] for row in steps[commit + 2:]} == {new_zip}, "the zip and the folder are committed together"
    # second round: the packet being replaced is the complete one the first round wrote, the same bytes
    assert second[-1]["output"] == new and second[-1]["zip"] == new_zip
    assert {row["output"] for row in second} == {new, *build.gap} and {row["zip"] for row in second} == {new_zip}


def test_the_build_after_the_kills_succeeds_and_sweeps_what_they_left(build: Driven) -> None:
    assert build.rows[-1] == {"exit": 0}
    assert sorted(p.name for p in build.output.parent.iterdir()) == ["packet", "packet.zip"]
    assert _complete(build.output)
    review = subprocess.run([sys.executable, "-m", "filing", "review", str(build.output), "--signer", SIGNER],
                            capture_output=True, text=True, timeout=600)
    assert review.returncode == 0, review.stdout[-3000:] + review.stderr[-3000:]


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
def test_a_review_killed_at_any_write_step_leaves_the_old_report_or_the_new(build: Driven, tmp_path: Path,
                                                                          exchange: bool) -> None:
    """The first round writes a new folder, the second replaces it; also as on systems without renameat2 (macOS)."""
    output = tmp_path / "reviews" / "review"
    driven = _drive(tmp_path / "report.jsonl", output, ["--quiet", "review", str(build.output), "--signer", SIGNER,
                                                       "-o", str(output)],
                    "--rounds", "2", *([] if exchange else ["--no-exchange"]))
    first, second = driven.rounds()
    new = first[-1]["output"]
    assert new is not None and len(first) > len(REVIEW_FILES)
    _in_order(first[:-1], "output", None, new)
    assert {row["output"] for row in second} == {new, *driven.gap}
    assert exchange or driven.gap
    assert driven.rows[-1] == {"exit": 0}
    assert [p.name for p in output.parent.iterdir()] == ["review"]
    assert sorted(p.name for p in output.iterdir()) == sorted([*REVIEW_FILES, write.MARKER])
    assert json.loads((output / "review.json").read_text())["verdict"].startswith("PASS")


def test_review_output_never_replaces_a_folder_that_is_not_a_review(build: Driven, tmp_path: Path) -> None:
    """``-o`` pointed at the packet under review, or at a folder of one's own files, is refused; both stay whole."""
    own = tmp_path / "notes"
    own.mkdir()
    (own / "draft.txt").write_text("mine")
    packet_before = fingerprint(build.output)
    report = review_packet(build.output)
    for target in (build.output, own):
        with pytest.raises(PacketError, match="not a review folder"):
            write_review(report, target)
    assert fingerprint(build.output) == packet_before and (own / "draft.txt").read_text() == "mine"
