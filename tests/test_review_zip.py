"""Opening a packet zip: hostile entries are refused by name, nothing is written outside the extraction folder (nor
left behind), and a well-formed zipped packet opens and is cleaned up afterwards."""

from __future__ import annotations

import stat
import tempfile
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from filing.cli import app
from filing.errors import InputError
from filing.packet.manifest import build_manifest
from filing.review.safezip import ZipLimits, opened_packet

FILES = {"data/deal.json": b"{}\n", "documents/00-index.html": b"<p>index</p>\n"}


@pytest.fixture(autouse=True)
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Extraction folders go to a temp root of this test, so leftovers can be seen; cwd is a folder whose parent is
    watched for escapes."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return root


def _zip(path: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]], compression: int = zipfile.ZIP_DEFLATED
         ) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for info, content in entries:
            archive.writestr(info, content)
    return path


def _packet_entries() -> list[tuple[str, bytes]]:
    return [("manifest.json", build_manifest(FILES)), *FILES.items()]


def _symlink(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


HOSTILE = {
    "traversal": (["../evil.txt"], "climbs out"),
    "deep traversal": (["data/../../evil.txt"], "climbs out"),
    "absolute": (["/tmp/evil.txt"], "absolute path"),
    "drive letter": (["C:/evil.txt"], "drive letter"),
    "backslash": (["..\\evil.txt"], "backslash"),
    "duplicate": (["data/deal.json"], "duplicate entry name"),
    "case duplicate": (["DATA/deal.json"], "duplicate entry name"),
    "file and folder": (["data/deal.json/x"], "both a file and a folder"),
}


@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_names_are_refused_and_nothing_is_written(case: str, tmp_path: Path, private_tmp: Path) -> None:
    names, expected = HOSTILE[case]
    archive = _zip(tmp_path / "packet.zip", [*_packet_entries(), *((n, b"pwned\n") for n in names)])
    with pytest.raises(InputError) as refused, opened_packet(archive):
        pytest.fail("a hostile zip was opened")
    assert any(expected in p.message and p.path in names for p in refused.value.problems), refused.value
    assert not list(private_tmp.iterdir())
    assert not list(tmp_path.rglob("evil.txt")) and not Path("/tmp/evil.txt").exists()


def test_symlink_entry_is_refused(tmp_path: Path, private_tmp: Path) -> None:
    link = _symlink("data/passwd")
    archive = _zip(tmp_path / "packet.zip", [*_packet_entries(), (link, b"/etc/passwd")])
    with pytest.raises(InputError, match="symbolic link"), opened_packet(archive):
        pass
    assert not list(private_tmp.iterdir())


def test_zip_bomb_ratio_is_refused(tmp_path: Path, private_tmp: Path) -> None:
    archive = _zip(tmp_path / "packet.zip", [*_packet_entries(), ("data/zeros.bin", bytes(20 << 20))])
    with pytest.raises(InputError, match="zip bomb") as refused, opened_packet(archive):
        pass
    assert refused.value.problems[0].path == "data/zeros.bin"
    assert not list(private_tmp.iterdir())


def test_total_size_limit(tmp_path: Path, private_tmp: Path) -> None:
    archive = _zip(tmp_path / "packet.zip", [*_packet_entries(), ("data/big.bin", b"x" * 5000)], zipfile.ZIP_STORED)
    with pytest.raises(InputError, match="expand to"), opened_packet(archive, ZipLimits(max_total_bytes=4000)):
        pass
    assert not list(private_tmp.iterdir())


def test_too_many_entries(tmp_path: Path, private_tmp: Path) -> None:
    archive = _zip(tmp_path / "packet.zip", [*_packet_entries(), *((f"data/{i}.txt", b"") for i in range(60))])
    with pytest.raises(InputError, match="at most 50"), opened_packet(archive, ZipLimits(max_entries=50)):
        pass
    assert not list(private_tmp.iterdir())


def test_lying_sizes_are_refused_and_the_partial_extraction_removed(tmp_path: Path, private_tmp: Path) -> None:
    """An entry whose stored bytes do not match its declared size and CRC fails during extraction; the folder that
    was being filled is removed."""
    archive = _zip(tmp_path / "packet.zip", [*_packet_entries(), ("data/z.bin", b"y" * 4096)], zipfile.ZIP_STORED)
    raw = bytearray(archive.read_bytes())
    at = raw.index(b"y" * 4096)
    raw[at:at + 4] = b"zzzz"
    archive.write_bytes(bytes(raw))
    with pytest.raises(InputError, match="cannot be extracted") as refused, opened_packet(archive):
        pass
    assert refused.value.problems[0].path == "data/z.bin"
    assert not list(private_tmp.iterdir())


def test_not_a_zip_and_no_manifest(tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="readable zip"), opened_packet(junk):
        pass
    empty = _zip(tmp_path / "empty.zip", list(FILES.items()))
    with pytest.raises(InputError, match="no manifest.json"), opened_packet(empty):
        pass


@pytest.mark.parametrize("prefix", ["", "packet/"])
def test_well_formed_zip_opens_and_is_cleaned_up(prefix: str, tmp_path: Path, private_tmp: Path) -> None:
    """At the top level or in one top-level folder (what `filing build --zip` writes)."""
    archive = _zip(tmp_path / "packet.zip", [(prefix + name, content) for name, content in _packet_entries()])
    with opened_packet(archive) as root:
        assert (root / "data" / "deal.json").read_bytes() == b"{}\n"
        assert root.is_relative_to(private_tmp)
    assert not list(private_tmp.iterdir())


def test_cli_refuses_a_hostile_zip_with_exit_2(tmp_path: Path, private_tmp: Path) -> None:
    archive = _zip(tmp_path / "packet.zip", [*_packet_entries(), ("../evil.txt", b"pwned")])
    result = CliRunner().invoke(app, ["review", str(archive), "--format", "json"])
    assert result.exit_code == 2
    assert "../evil.txt" in result.stdout and "climbs out" in result.stdout
    assert not list(private_tmp.iterdir()) and not list(tmp_path.rglob("evil.txt"))
