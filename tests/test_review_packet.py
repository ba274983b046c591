"""Reviewing the example packet: untouched it passes (folder, zip, --rebuild); every single-byte change, deleted or
added file, swapped signature and re-signed manifest is detected and named; a re-sealed packet whose recorded
results no longer match its data fails re-validation; diff names what changed between two builds."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from eth_account import Account
from typer.testing import CliRunner

import filing
from filing import stages
from filing.cli import app
from filing.errors import InputError
from filing.packet import DATA_FILES, DOCUMENTS
from filing.packet.attachments import read_attachments
from filing.packet.manifest import MANIFEST, SIGNATURE, build_manifest, sign_manifest
from filing.review import ReviewReport, Status, Verdict, diff_packets, review_packet
from filing.write import MARKER

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "trade-receivables"
FILER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
"""Anvil's well-known first test key: the filer's in these tests; it must never hold value."""
OTHER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
FILER = Account.from_key(FILER_KEY).address
PACKET_FILES = sorted([f"documents/{spec.slug}.{ext}" for spec in DOCUMENTS
                       for ext in ("html", "pdf", *(("docx",) if spec.docx else ()))]
                      + list(DATA_FILES.values()) + [MANIFEST, SIGNATURE]
                      + list(read_attachments(filing.load_deal(EXAMPLE / "deal.yaml"))))


@dataclass(frozen=True)
class Built:
    folder: Path
    zip: Path


def _build(deal: Path, out: Path, key_file: Path) -> Built:
    result = stages.build(filing.load_deal(deal), out, sign_key_file=key_file, zip=True)
    assert result.written and result.zip_path is not None
    return Built(out, result.zip_path)


@pytest.fixture(scope="session")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("keys") / "filer-key.txt"
    path.write_text(f"# test key, never use for value\n{FILER_KEY}\n")
    return path


@pytest.fixture(scope="session")
def packet(tmp_path_factory: pytest.TempPathFactory, key_file: Path) -> Built:
    """The trade-receivables example built once per session, signed by the filer's test key."""
    return _build(EXAMPLE / "deal.yaml", tmp_path_factory.mktemp("a") / "packet", key_file)


@pytest.fixture(scope="session")
def changed_packet(tmp_path_factory: pytest.TempPathFactory, key_file: Path) -> Built:
    """The same deal with the filer's English name changed and Cayman Islands (KY) no longer allowed."""
    folder = tmp_path_factory.mktemp("b")
    shutil.copytree(EXAMPLE, folder / "deal")
    deal = folder / "deal" / "deal.yaml"
    text = deal.read_text(encoding="utf-8")
    edited = text.replace("name_en: Shenzhen Qianhai Huaxun Supply Chain Management Co., Ltd.",
                          "name_en: Shenzhen Qianhai Huaxun Supply Chain Co., Ltd.", 1)
    edited = edited.replace("allowed_jurisdictions: [HK, SG, GB, AE, KY]", "allowed_jurisdictions: [HK, SG, GB, AE]")
    assert edited.count("Huaxun Supply Chain Co., Ltd.") == 1 and "AE, KY" not in edited
    deal.write_text(edited, encoding="utf-8")
    return _build(deal, folder / "packet", key_file)


@pytest.fixture
def copy(packet: Built, tmp_path: Path) -> Path:
    return Path(shutil.copytree(packet.folder, tmp_path / "packet"))


def _named(report: ReviewReport, name: str) -> bool:
    """The review failed and a failed check names `name` among its issues."""
    return report.verdict is Verdict.failed and any(
        issue.path == name for c in report.checks if c.status is Status.failed for issue in c.issues)


def _failed(report: ReviewReport) -> dict[str, list[str]]:
    return {c.name: [f"{i.path}: {i.message}" for i in c.issues] for c in report.checks if not c.passed}


def _reseal(root: Path, key: str = FILER_KEY, signer_field: str | None = None) -> None:
    """What a filer (or whoever holds `key`) can do: re-hash every file into a new manifest and sign it."""
    facts = {k: v for k, v in json.loads((root / MANIFEST).read_bytes()).items() if k not in ("format", "files")}
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
             if p.is_file() and p.name not in (MANIFEST, SIGNATURE)}
    facts["deal"]["sha256"] = hashlib.sha256(files[DATA_FILES["deal"]]).hexdigest()
    manifest = build_manifest(files, **facts)
    (root / MANIFEST).write_bytes(manifest)
    signature = json.loads(sign_manifest(manifest, key, "test"))
    if signer_field is not None:
        signature["signer"] = signer_field
    (root / SIGNATURE).write_bytes(_dump(signature))


def _dump(value: dict) -> bytes:
    return (json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()


# -- untouched --------------------------------------------------------------------------------------------------

def test_the_example_packet_holds_the_parametrised_files(packet: Built) -> None:
    """Every file of the packet, and the marker that says filing wrote the folder (so a later -o may replace it)."""
    assert sorted(p.relative_to(packet.folder).as_posix() for p in packet.folder.rglob("*") if p.is_file()) \
        == sorted([*PACKET_FILES, MARKER])


@pytest.mark.parametrize("form", ["folder", "zip"])
def test_untouched_packet_passes(packet: Built, form: str) -> None:
    report = review_packet(getattr(packet, form), signer=FILER)
    assert report.ok, _failed(report)
    assert report.signer == FILER
    statuses = {c.name: c.status for c in report.checks}
    assert [name for name, status in statuses.items() if status is not Status.passed] in ([], ["rules"])
    assert list(statuses) == ["integrity", "signature", "deal", "pool", "findings", "rules"]


def test_untouched_packet_passes_with_rebuild(packet: Built) -> None:
    report = review_packet(packet.zip, signer=FILER, rebuild=True)
    rebuild = next(c for c in report.checks if c.name == "rebuild")
    assert rebuild.status is Status.passed, rebuild.issues
    assert report.ok


def test_without_a_trusted_signer_the_review_fails_and_a_trusted_signers_file_pins_one(packet: Built,
                                                                                      tmp_path: Path) -> None:
    report = review_packet(packet.folder)
    signature = next(c for c in report.checks if c.name == "signature")
    assert signature.status is Status.failed and FILER in signature.issues[0].message
    assert not report.ok
    trusted = tmp_path / "trusted-signers.txt"
    trusted.write_text(f"# the filer's signing key\n{FILER.lower()}  # lower case is accepted here\n")
    assert review_packet(packet.folder, trusted_signers_file=trusted).ok


# -- tampering --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", PACKET_FILES)
def test_a_single_byte_change_is_detected_and_named(copy: Path, name: str) -> None:
    path = copy / name
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0x01
    path.write_bytes(bytes(content))
    report = review_packet(copy, signer=FILER)
    assert _named(report, name), _failed(report)


@pytest.mark.parametrize("name", PACKET_FILES)
def test_a_truncated_file_is_detected_and_named(copy: Path, name: str) -> None:
    """Half a file: JSON that no longer parses, a Parquet footer gone, a PDF cut short; the review still completes."""
    path = copy / name
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    report = review_packet(copy, signer=FILER)
    assert _named(report, name), _failed(report)


@pytest.mark.parametrize("name", [DATA_FILES["deal"], DATA_FILES["tape"], SIGNATURE])
def test_a_file_replaced_by_a_link_is_named_and_not_read(copy: Path, name: str) -> None:
    """A link to /dev/zero would never end if it were read."""
    (copy / name).unlink()
    (copy / name).symlink_to("/dev/zero")
    report = review_packet(copy, signer=FILER, rebuild=True)
    assert _named(report, name), _failed(report)


@pytest.mark.parametrize("name", [n for n in PACKET_FILES if n != MANIFEST])
def test_a_deleted_file_is_detected_and_named(copy: Path, name: str) -> None:
    (copy / name).unlink()
    report = review_packet(copy, signer=FILER)
    assert _named(report, name), _failed(report)


def test_without_its_manifest_a_folder_is_not_a_packet(copy: Path) -> None:
    (copy / MANIFEST).unlink()
    with pytest.raises(InputError, match="no manifest.json") as refused:
        review_packet(copy)
    assert refused.value.problems[0].path == MANIFEST


@pytest.mark.parametrize("name", ["documents/12-extra.pdf", "notes.txt", "data/extra/tape.csv"])
def test_an_added_file_is_detected_and_named(copy: Path, name: str) -> None:
    (copy / name).parent.mkdir(parents=True, exist_ok=True)
    (copy / name).write_bytes(b"%PDF-1.7 not part of the filing\n")
    report = review_packet(copy, signer=FILER)
    assert _named(report, name), _failed(report)


def test_an_added_link_is_named_and_not_followed(copy: Path) -> None:
    (copy / "documents" / "passwd.html").symlink_to("/etc/passwd")
    report = review_packet(copy, signer=FILER)
    assert _named(report, "documents/passwd.html"), _failed(report)


def test_a_signature_swapped_in_from_another_manifest(copy: Path, changed_packet: Built) -> None:
    """Same signer, same recorded hash, but the signature value of another packet's manifest."""
    ours = json.loads((copy / SIGNATURE).read_bytes())
    theirs = json.loads((changed_packet.folder / SIGNATURE).read_bytes())
    assert theirs["signer"] == ours["signer"] and theirs["signature"] != ours["signature"]
    (copy / SIGNATURE).write_bytes(_dump(ours | {"signature": theirs["signature"]}))
    report = review_packet(copy, signer=FILER)
    assert _named(report, SIGNATURE), _failed(report)


def test_a_whole_signature_file_swapped_in(copy: Path, changed_packet: Built) -> None:
    shutil.copy(changed_packet.folder / SIGNATURE, copy / SIGNATURE)
    report = review_packet(copy, signer=FILER)
    assert _named(report, MANIFEST), _failed(report)


def test_a_manifest_re_signed_by_another_key_keeping_the_recorded_signer(copy: Path) -> None:
    (copy / "documents" / "01-filing-report.html").write_text("<p>a different filing report</p>")
    _reseal(copy, OTHER_KEY, signer_field=FILER)
    report = review_packet(copy)
    assert _named(report, SIGNATURE), _failed(report)
    assert report.signer is None


def test_a_manifest_re_signed_by_another_key_naming_itself(copy: Path) -> None:
    """All internally consistent: only the signer the reviewer expects (or the token's roles) exposes it."""
    (copy / "documents" / "01-filing-report.html").write_text("<p>a different filing report</p>")
    _reseal(copy, OTHER_KEY)
    other = Account.from_key(OTHER_KEY).address
    report = review_packet(copy, signer=FILER)
    assert _named(report, SIGNATURE) and other in _failed(report)["signature"][0], _failed(report)
    unanchored = review_packet(copy)
    assert unanchored.signer == other and unanchored.verdict is not Verdict.passed


# -- re-validation of a re-sealed packet ------------------------------------------------------------------------

def test_a_recorded_finding_that_the_data_does_not_give_is_reported(copy: Path) -> None:
    findings = json.loads((copy / DATA_FILES["findings"]).read_bytes())
    removed = findings["findings"].pop(0)
    findings["findings"].append(removed | {"rule": "CN-G-01", "message": "invented"})
    (copy / DATA_FILES["findings"]).write_bytes(_dump(findings))
    _reseal(copy)
    report = review_packet(copy, signer=FILER)
    failed = _failed(report)
    assert set(failed) == {"findings"}, failed
    assert any(removed["rule"] in line and "added on re-run" in line for line in failed["findings"])
    assert any("CN-G-01" in line and "not found on re-run" in line for line in failed["findings"])


def test_a_recorded_pool_figure_that_the_tape_does_not_give_is_reported(copy: Path) -> None:
    pool = json.loads((copy / DATA_FILES["pool"]).read_bytes())
    pool["quality"]["rows_passing"] += 1
    (copy / DATA_FILES["pool"]).write_bytes(_dump(pool))
    _reseal(copy)
    report = review_packet(copy, signer=FILER)
    assert _named(report, "quality.rows_passing"), _failed(report)
    assert set(_failed(report)) == {"pool"}


def test_a_deal_the_current_model_rejects_is_reported_with_its_location(copy: Path) -> None:
    deal = json.loads((copy / DATA_FILES["deal"]).read_bytes())
    deal["issuer"]["jurisdiction"] = "Atlantis"
    (copy / DATA_FILES["deal"]).write_bytes(_dump(deal))
    _reseal(copy)
    report = review_packet(copy, signer=FILER)
    failed = _failed(report)
    assert any(line.startswith("issuer.jurisdiction: data/deal.json:") for line in failed["deal"]), failed
    assert set(failed) == {"deal", "pool", "findings", "rules"}


# -- the commands -----------------------------------------------------------------------------------------------

def test_review_json_shape_and_exit_codes(packet: Built, copy: Path) -> None:
    runner = CliRunner()
    passed = runner.invoke(app, ["review", str(packet.folder), "--signer", FILER, "--format", "json"])
    assert passed.exit_code == 0, passed.output
    data = json.loads(passed.stdout)
    assert data["ok"] is True and data["verdict"] in ("PASS", "PASS WITH WARNINGS")
    assert all({"name", "passed", "evidence"} <= set(c) for c in data["checks"])
    assert all({"rule", "severity", "path", "message"} <= set(f) for f in data["findings"])
    (copy / DATA_FILES["tape"]).write_bytes(b"PAR1 not a tape")
    failed = runner.invoke(app, ["review", str(copy), "--signer", FILER])
    assert failed.exit_code == 1
    assert "data/tape.parquet" in failed.stdout and failed.stdout.strip().splitlines()[-1].startswith("FAIL")
    unreadable = runner.invoke(app, ["review", str(copy / "nowhere")])
    assert unreadable.exit_code == 2


def test_review_report_files(packet: Built, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["review", str(packet.folder), "--signer", FILER, "-o", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == [MARKER, "review.html", "review.json", "review.pdf"]
    assert json.loads((tmp_path / "r" / "review.json").read_bytes())["signer"] == FILER
    assert (tmp_path / "r" / "review.pdf").read_bytes().startswith(b"%PDF")
    assert "integrity" in (tmp_path / "r" / "review.html").read_text(encoding="utf-8")


def test_diff_names_the_changed_paths(packet: Built, changed_packet: Built) -> None:
    diff = diff_packets(packet.folder, changed_packet.zip)
    deal_paths = {c.path for c in diff.deal}
    assert "filer.name_en" in deal_paths and "offering.investors.allowed_jurisdictions[4]" in deal_paths
    assert all(p.startswith(("filer.name_en", "offering.investors.allowed_jurisdictions")) for p in deal_paths)
    assert "data/deal.json" in {c.path for c in diff.documents}
    assert "documents/01-filing-report.pdf" in {c.path for c in diff.documents}
    assert any(c.path.startswith("A.allowed_jurisdictions") for c in diff.token)
    assert diff_packets(packet.folder, packet.zip).empty


def test_diff_command(packet: Built, changed_packet: Built) -> None:
    result = CliRunner().invoke(app, ["diff", str(packet.folder), str(changed_packet.folder), "--format", "json"])
    assert result.exit_code == 1, result.output  # they differ, as diff(1) says
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["findings"] == [] and not data["identical"]
    assert {"path": "offering.investors.allowed_jurisdictions[4]", "kind": "removed", "old": "KY", "new": None} \
        in data["deal"]
    text = CliRunner().invoke(app, ["diff", str(packet.folder), str(changed_packet.folder)])
    assert "filer.name_en" in text.stdout
