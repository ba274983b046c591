"""Required attachments: read from the deal's folder with clear errors, carried under attachments/, hashed into the
manifest, listed in the index, and rebuilt by a reviewer from the packet alone."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from document_packets import EXAMPLES, packet

import filing
from filing.errors import InputError
from filing.packet.attachments import attachment_rows, packet_name, read_attachments
from filing.rules.attachments import REQUIRED


def _example_copy(tmp_path: Path) -> Path:
    target = tmp_path / "deal"
    shutil.copytree(EXAMPLES / "trade-receivables", target, ignore=shutil.ignore_patterns("tape.csv"))
    (target / "tape.csv").symlink_to(EXAMPLES / "trade-receivables" / "tape.csv")
    return target / "deal.yaml"


def test_every_listed_file_is_read_under_a_name_that_says_its_kind() -> None:
    loaded = filing.load_deal(EXAMPLES / "trade-receivables" / "deal.yaml")
    files = read_attachments(loaded)
    assert len(files) == len(REQUIRED)
    assert "attachments/01-offering-memorandum.txt" in files
    assert files["attachments/01-offering-memorandum.txt"].startswith("样本文件".encode())
    assert packet_name(13, "contact_authorisation", "x/Authorisation.PDF") == "attachments/14-contact-authorisation.pdf"


def test_a_missing_or_special_file_is_an_input_error_naming_the_field(tmp_path: Path) -> None:
    deal = _example_copy(tmp_path)
    (deal.parent / "attachments" / "trust-deed.txt").unlink()
    with pytest.raises(InputError) as missing:
        read_attachments(filing.load_deal(deal))
    problem = missing.value.problems[0]
    assert problem.file == str(deal) and problem.path == "filing.attachments[1].file"
    assert "trust-deed.txt" in problem.message
    (deal.parent / "attachments" / "trust-deed.txt").mkdir()
    with pytest.raises(InputError, match="not a regular file"):
        read_attachments(filing.load_deal(deal))


def test_the_index_lists_every_required_kind_and_marks_the_ones_not_given() -> None:
    deal = json.loads(filing.load_deal(EXAMPLES / "noncompliant" / "deal.yaml").canonical_json())
    rows = attachment_rows(deal)
    assert [r["kind"] for r in rows] == list(REQUIRED)
    assert all(r["file"] is None for r in rows)  # the non-compliant example gives none: ATT-01 reports it


def test_the_packet_hashes_lists_and_rebuilds_its_attachments() -> None:
    from filing.review import review_packet

    built = packet("trade-receivables")
    manifest = json.loads((built.root / "manifest.json").read_text())
    listed = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    source = EXAMPLES / "trade-receivables" / "attachments" / "offering-memorandum.txt"
    assert listed["attachments/01-offering-memorandum.txt"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert sum(path.startswith("attachments/") for path in listed) == len(REQUIRED)
    index = built.html()["00-index"]
    assert 'href="../attachments/01-offering-memorandum.txt"' in index and "境外发行说明书" in index
    report = review_packet(built.root, rebuild=True).to_dict()
    checks = {c["name"]: c for c in report["checks"]}
    assert checks["integrity"]["status"] == "pass" and checks["rebuild"]["status"] == "pass", checks["rebuild"]
