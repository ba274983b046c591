"""Hardening round two (issue 12): each attack found by trying the tool as an attacker would, as a regression test.

Big inputs are made here, at test time, and refused from their metadata, so each test stays fast: a Parquet of 100
million constant rows (50 KB), a workbook of 5 million rows (a few hundred KB compressed).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import tempfile
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest
from eth_account import Account
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import UndefinedError
from test_corpus import FILER_KEY, write_data_packet
from typer.testing import CliRunner

from filing import write
from filing.chain.crosscheck import _iso
from filing.chain.deploy import maturity_timestamp
from filing.cli import app
from filing.errors import InputError
from filing.packet.data import dump_json
from filing.packet.environment import Lang, load_glossary, make_environment
from filing.packet.manifest import MANIFEST, SIGNATURE, sign_manifest
from filing.packet.word import zip_entries
from filing.placeholders import PlaceholderError, fill
from filing.pool.limits import TapeLimits, check_tape_limits
from filing.resources import templates_dir
from filing.review import review_packet
from filing.review.safezip import opened_packet
from filing.review.signature import SECP256K1_N
from filing.review.zipform import CENTRAL, EOCD, LOCAL, layout_problems
from filing.terminal import visible

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
FILER = Account.from_key(FILER_KEY).address
OTHER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
BOMB_ROWS = 100_000_000


# -- the sandbox: no attribute or item access from user text -------------------------------------------------------

def test_a_placeholder_is_a_plain_name() -> None:
    assert fill("{size:,} bytes, {name!r}", {"size": 1234567, "name": "x"}) == "1,234,567 bytes, 'x'"
    for attack in ("{v.__class__}", "{v[0]}", "{v.__init__.__globals__[os].environ}", "{0}", "{v:{w.__class__}}"):
        with pytest.raises(PlaceholderError):
            fill(attack, {"v": "text", "w": "text"})


class _Spy:
    """A value that records any attribute or item access a format string makes on it."""

    touched: list[str] = []

    def __getattribute__(self, name: str):
        if name not in ("__format__", "__class__", "__str__", "__repr__"):
            _Spy.touched.append(name)
        return object.__getattribute__(self, name)

    def __getitem__(self, key):
        _Spy.touched.append(f"[{key}]")
        return self

    def __format__(self, spec: str) -> str:
        return "spy"


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("{}[]().!:_a0rs,<>^ "), max_size=30))
def test_no_format_string_reaches_into_a_value(text: str) -> None:
    _Spy.touched.clear()
    try:
        fill(text, {"a": _Spy(), "a0": _Spy()})
    except (PlaceholderError, ValueError):
        pass
    assert _Spy.touched == []


def test_an_overriding_glossary_cannot_reach_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's attack: a --templates glossary entry walking from a template value to os.environ."""
    monkeypatch.setenv("FILING_SIGN_KEY", FILER_KEY)
    glossary = (templates_dir() / "glossary.yaml").read_text(encoding="utf-8")
    evil = "{transaction.__class__.__init__.__globals__[os].environ[FILING_SIGN_KEY]}"
    (tmp_path / "glossary.yaml").write_text(glossary + f'\nevil: {{zh: "{evil}", en: "{evil}"}}\n', encoding="utf-8")
    words = load_glossary(make_environment(tmp_path))
    with pytest.raises(UndefinedError, match="attribute and item access is not allowed") as refused:
        words["en"].fill("evil", transaction=Lang("en", {}))
    assert FILER_KEY not in str(refused.value)


# -- resource limits, judged before reading -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bomb_parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """100 million constant rows in about 50 KB."""
    path = tmp_path_factory.mktemp("bomb") / "tape.parquet"
    pl.select(pl.repeat("AR000001", BOMB_ROWS, dtype=pl.String).alias("asset_id").cast(pl.Categorical)) \
        .write_parquet(path, compression="zstd", row_group_size=10_000_000)
    assert path.stat().st_size < 1 << 20
    return path


def test_a_parquet_bomb_as_a_deal_tape_is_refused_from_its_footer(bomb_parquet: Path, tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES / "trade-receivables", tmp_path / "deal")
    shutil.copy(bomb_parquet, tmp_path / "deal" / "tape.parquet")
    deal = tmp_path / "deal" / "deal.yaml"
    deal.write_text(deal.read_text(encoding="utf-8").replace("  tape: tape.csv", "  tape: tape.parquet"),
                    encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(deal)])
    assert result.exit_code == 2, result.output
    assert "tape.parquet" in result.output and "100,000,000 rows" in result.output
    assert "FILING_TAPE_MAX_ROWS" in result.output


def _reseal(root: Path, key: str = FILER_KEY) -> None:
    """Re-list every file in the manifest and re-sign it, as someone who controls a key would."""
    manifest = json.loads((root / MANIFEST).read_bytes())
    for entry in manifest["files"]:
        content = (root / entry["path"]).read_bytes()
        entry.update(size=len(content), sha256=hashlib.sha256(content).hexdigest())
    raw = dump_json(manifest)
    (root / MANIFEST).write_bytes(raw)
    (root / SIGNATURE).write_bytes(sign_manifest(raw, key, "test key"))


@pytest.fixture(scope="module")
def data_packet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_data_packet("trade-receivables", tmp_path_factory.mktemp("packet"))


@pytest.fixture
def copy(data_packet: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(data_packet, tmp_path / "packet"))


def _failed(report) -> dict[str, list[str]]:
    return {c.name: [f"{i.path}: {i.message}" for i in c.issues] for c in report.checks if c.status == "fail"}


def test_a_parquet_bomb_inside_a_zipped_packet_fails_the_review(copy: Path, bomb_parquet: Path,
                                                                tmp_path: Path) -> None:
    shutil.copy(bomb_parquet, copy / "data" / "tape.parquet")
    _reseal(copy)
    packet = Path(shutil.make_archive(str(tmp_path / "bomb"), "zip", copy))
    assert packet.stat().st_size < 5 << 20
    report = review_packet(packet, signer=FILER)
    assert not report.ok
    assert any("100,000,000 rows" in issue for issue in _failed(report)["pool"]), _failed(report)


def _xlsx(path: Path, rows: int, dimension: bool) -> Path:
    """A workbook of `rows` one-cell rows, streamed into the zip (never held whole)."""
    row = b"<row><c><v>1</v></c></row>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                                             'package/2006/content-types"/>')
        book.writestr("xl/workbook.xml", "<workbook/>")
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<?xml version="1.0"?><worksheet>' + (f'<dimension ref="A1:A{rows}"/>'.encode()
                                                               if dimension else b"") + b"<sheetData>")
            for _ in range(rows // 100_000):
                sheet.write(row * 100_000)
            sheet.write(b"</sheetData></worksheet>")
    return path


@pytest.mark.parametrize("dimension", [True, False], ids=["declared", "counted"])
def test_an_xlsx_of_five_million_rows_is_refused_before_it_is_loaded(tmp_path: Path, dimension: bool) -> None:
    path = _xlsx(tmp_path / "tape.xlsx", 5_000_000, dimension)
    with pytest.raises(InputError, match=r"TAPE-01 the tape holds [\d,]+ rows; at most 2,000,000") as refused:
        check_tape_limits(path, "xlsx")
    assert refused.value.problems[0].path == "assets.tape"


def test_the_limits_are_overridable_and_a_csv_is_judged_by_its_size(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    tape = tmp_path / "tape.csv"
    tape.write_bytes(b"a,b\n" + b"1,2\n" * 10)
    check_tape_limits(tape, "csv")
    with pytest.raises(InputError, match="bytes of data once decompressed"):
        check_tape_limits(tape, "csv", TapeLimits(bytes=20))
    monkeypatch.setenv("FILING_TAPE_MAX_BYTES", "20")
    assert TapeLimits.from_env().bytes == 20
    monkeypatch.setenv("FILING_TAPE_MAX_ROWS", "many")
    with pytest.raises(InputError, match="FILING_TAPE_MAX_ROWS"):
        TapeLimits.from_env()


def test_a_csv_over_the_row_limit_is_refused_by_its_count_before_it_is_read(tmp_path: Path) -> None:
    """A tab-separated tape larger than the size judged by bytes alone, counted with the reader's separator."""
    tape = tmp_path / "tape.csv"
    line = b"AR000001\t1000.00\n"
    tape.write_bytes(b"asset_id\tbalance\n" + line * ((9 << 20) // len(line)))
    with pytest.raises(InputError, match="555,128 rows; at most 1,000.*FILING_TAPE_MAX_ROWS"):
        check_tape_limits(tape, "csv", TapeLimits(rows=1000))


def test_a_review_killed_earlier_leaves_no_temporary_folder_behind(data_packet: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder a killed review left (nobody holds its lock) is removed by the next review; a live one is kept."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    (tmp_path / "tmp" / "filing-review-killed" / "data").mkdir(parents=True)
    packet = Path(shutil.make_archive(str(tmp_path / "packet"), "zip", data_packet))
    with opened_packet(packet) as root:
        assert (root / MANIFEST).is_file()
        assert [p.name for p in (tmp_path / "tmp").iterdir()] == [root.name]
    assert list((tmp_path / "tmp").iterdir()) == []


# -- canonical zips -------------------------------------------------------------------------------------------------

def _small_zip() -> bytes:
    return zip_entries([("packet/manifest.json", b'{"files": []}\n'), ("packet/data/deal.json", b"{}\n" * 50),
                        ("packet/manifest.sig.json", b"{}\n")], datetime(2026, 11, 20, tzinfo=UTC), b"filing packet")


def _header_bytes(raw: bytes) -> list[int]:
    """Offsets of every byte of every local header, central record and the end record (central-only fields
    that no reader compares with anything — version made by, internal and external attributes — left out)."""
    positions: list[int] = []
    with zipfile.ZipFile(_as_file(raw)) as archive:
        for info in archive.infolist():
            name, extra = struct.unpack_from("<HH", raw, info.header_offset + 26)
            positions += range(info.header_offset, info.header_offset + LOCAL.size + name + extra)
    end = raw.rfind(b"PK\x05\x06")
    at = raw.find(b"PK\x01\x02")
    while at < end:
        name, extra, comment = struct.unpack_from("<3H", raw, at + 28)
        unchecked = {*range(at + 4, at + 6), *range(at + 36, at + 42)}
        positions += [p for p in range(at, at + CENTRAL.size + name + extra) if p not in unchecked]
        at += CENTRAL.size + name + extra + comment
    return positions + list(range(end, end + EOCD.size))


_FILES: list[Path] = []


def _as_file(raw: bytes) -> Path:
    handle = tempfile.NamedTemporaryFile(suffix=".zip", delete=False)
    handle.write(raw)
    handle.close()
    _FILES.append(Path(handle.name))
    return Path(handle.name)


@pytest.fixture(autouse=True, scope="module")
def _remove_files():
    yield
    for path in _FILES:
        path.unlink(missing_ok=True)


def test_the_builders_zip_is_canonical() -> None:
    assert layout_problems(_as_file(_small_zip())) == []


def test_every_single_byte_change_in_a_zip_header_is_refused(tmp_path: Path) -> None:
    raw = _small_zip()
    target = tmp_path / "changed.zip"
    missed = []
    for position in _header_bytes(raw):
        for flip in (0x01, 0x80):
            changed = bytearray(raw)
            changed[position] ^= flip
            target.write_bytes(changed)
            if not layout_problems(target):
                missed.append((position, flip))
    assert missed == []


def test_a_local_entry_missing_from_the_central_directory_is_refused(data_packet: Path, tmp_path: Path) -> None:
    """Other unzip tools walk the local headers and extract the hidden entry; the review must not pass it."""
    entries = [(f"packet/{p.relative_to(data_packet).as_posix()}", p.read_bytes())
               for p in sorted(data_packet.rglob("*")) if p.is_file()]
    entries.insert(1, ("packet/documents/evil.html", b"<p>a different filing report</p>"))
    raw = bytearray(zip_entries(entries, datetime(2026, 11, 20, tzinfo=UTC)))
    end = raw.rfind(b"PK\x05\x06")
    count, cd_size, cd_offset = struct.unpack_from("<H2L", raw, end + 10)
    at = cd_offset
    while not raw[at + CENTRAL.size: at + CENTRAL.size + 26] == b"packet/documents/evil.html":
        at += CENTRAL.size + sum(struct.unpack_from("<3H", raw, at + 28))
    length = CENTRAL.size + sum(struct.unpack_from("<3H", raw, at + 28))
    del raw[at: at + length]
    end -= length
    struct.pack_into("<2H2L", raw, end + 8, count - 1, count - 1, cd_size - length, cd_offset)
    packet = tmp_path / "hidden.zip"
    packet.write_bytes(raw)
    with zipfile.ZipFile(packet) as archive:
        assert "packet/documents/evil.html" not in archive.namelist()  # invisible to the central directory
    with pytest.raises(InputError, match="belong to no listed entry"):
        with opened_packet(packet):
            pass


def test_an_end_record_offset_off_by_one_bit_is_a_located_error(data_packet: Path, tmp_path: Path) -> None:
    raw = bytearray(Path(shutil.make_archive(str(tmp_path / "packet"), "zip", data_packet)).read_bytes())
    raw[raw.rfind(b"PK\x05\x06") + 19] ^= 0x01
    packet = tmp_path / "offset.zip"
    packet.write_bytes(raw)
    result = CliRunner().invoke(app, ["review", str(packet)])
    assert result.exit_code == 2 and "central directory" in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# -- canonical signatures and pinned signers ------------------------------------------------------------------------

def _signature_variants(signature: str) -> dict[str, str]:
    raw = bytes.fromhex(signature[2:])
    r, s, v = raw[:32], int.from_bytes(raw[32:64], "big"), raw[64]
    high_s = r + (SECP256K1_N - s).to_bytes(32, "big") + bytes([55 - v])
    return {"upper-case hex": "0x" + raw.hex().upper(), "no 0x prefix": raw.hex(),
            "v as 0/1": "0x" + (raw[:64] + bytes([v - 27])).hex(), "high s (n - s)": "0x" + high_s.hex()}


@pytest.mark.parametrize("variant", ["upper-case hex", "no 0x prefix", "v as 0/1", "high s (n - s)"])
def test_a_malleable_signature_is_refused_by_name(copy: Path, variant: str) -> None:
    signed = json.loads((copy / SIGNATURE).read_bytes())
    signed["signature"] = _signature_variants(signed["signature"])[variant]
    (copy / SIGNATURE).write_bytes(dump_json(signed))
    report = review_packet(copy, signer=FILER)
    assert not report.ok
    assert any("SignatureNotCanonical" in issue for issue in _failed(report)["signature"]), _failed(report)


def test_a_packet_re_signed_by_another_key_fails_without_signer(copy: Path) -> None:
    deal = json.loads((copy / "data" / "deal.json").read_bytes())
    deal["title_en"] = "A title the filer never signed"
    (copy / "data" / "deal.json").write_bytes(
        (json.dumps(deal, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode())
    _reseal(copy, OTHER_KEY)
    result = CliRunner().invoke(app, ["review", str(copy)])
    assert result.exit_code == 1, result.output
    assert "nobody vouched for" in result.output


# -- the findings re-check compares every field ---------------------------------------------------------------------

@pytest.mark.parametrize("field, value", [("message_zh", "无问题"), ("source", "a source nobody wrote"),
                                          ("confidence", "official"), ("message", "nothing to see")])
def test_every_field_of_a_finding_is_compared(copy: Path, field: str, value: str) -> None:
    findings = json.loads((copy / "data" / "findings.json").read_bytes())
    findings["findings"][0][field] = value
    (copy / "data" / "findings.json").write_bytes(
        (json.dumps(findings, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode())
    _reseal(copy)
    report = review_packet(copy, signer=FILER)
    assert any(f": {field} recorded" in issue for issue in _failed(report)["findings"]), _failed(report)


def test_a_rewritten_rule_title_in_the_checklist_listing_is_found(copy: Path) -> None:
    findings = json.loads((copy / "data" / "findings.json").read_bytes())
    findings["rules"][0]["title_zh"] = "已删除"
    (copy / "data" / "findings.json").write_bytes(
        (json.dumps(findings, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode())
    _reseal(copy)
    report = review_packet(copy, signer=FILER)
    assert any("title_zh recorded" in issue for issue in _failed(report)["findings"]), _failed(report)


# -- outputs ----------------------------------------------------------------------------------------------------------

def test_only_filings_own_outputs_are_replaceable(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "manifest.json").write_text("{}")
    assert not write.replaceable(mine, "packet")
    write.write_outputs(tmp_path / "packet", {"a.txt": b"1"}, tmp_path / "packet.zip", b"zip", kind="packet")
    assert write.replaceable(tmp_path / "packet", "packet") and not write.replaceable(tmp_path / "packet", "review")
    assert not write.zip_replaceable(tmp_path / "packet.zip")  # b"zip" is not a zip filing wrote
    (tmp_path / "folder.zip").mkdir()
    assert not write.zip_replaceable(tmp_path / "folder.zip")
    ours = tmp_path / "ours.zip"
    ours.write_bytes(_small_zip())
    assert write.zip_replaceable(ours) and write.zip_replaceable(tmp_path / "absent.zip")


def test_a_writer_killed_between_the_folder_and_the_zip_is_finished_by_the_next(tmp_path: Path) -> None:
    """SIGKILL (os._exit in a forked child, so nothing unwinds) right as the zip is about to be renamed: the folder is
    new and the zip old until the next writer of that folder finishes the commit first."""
    folder, archive = tmp_path / "packet", tmp_path / "packet.zip"
    write.write_outputs(folder, {"v.txt": b"1"}, archive, b"zip v1")
    child = os.fork()
    if child == 0:  # pragma: no cover - the child dies at the rename
        real = os.replace
        os.replace = lambda source, target: os._exit(9) if str(target).endswith(".zip") else real(source, target)
        write.write_outputs(folder, {"v.txt": b"2"}, archive, b"zip v2")
        os._exit(0)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 9
    assert (folder / "v.txt").read_bytes() == b"2" and archive.read_bytes() == b"zip v1"
    write.recover(folder)
    assert (folder / "v.txt").read_bytes() == b"2" and archive.read_bytes() == b"zip v2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["packet", "packet.zip"] or \
        all(p.name.startswith(".packet") and ".tmp-" in p.name for p in tmp_path.iterdir()
            if p.name not in ("packet", "packet.zip"))
    write.write_outputs(folder, {"v.txt": b"3"}, archive, b"zip v3")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["packet", "packet.zip"]


# -- tracebacks that became located errors ----------------------------------------------------------------------------

def test_the_last_representable_maturity_does_not_overflow() -> None:
    stamp = maturity_timestamp(date(9999, 12, 31))
    assert stamp == 253402300800 and _iso(stamp) == "253402300800 s after 1970 (past 9999-12-31)"
    assert _iso(maturity_timestamp(date(2028, 12, 31))) == "2029-01-01T00:00:00Z"


@pytest.mark.parametrize(("name", "line", "where"), [
    ("tape.csv", "  tape: tape.csv", "assets.tape"),
    ("history.csv", "  history: history.csv", "assets.history"),
    ("attachments/trust-deed.txt", "file: attachments/trust-deed.txt", "filing.attachments[1].file"),
])
def test_a_file_the_deal_names_may_lie_outside_its_folder_only_when_allowed(tmp_path: Path, name: str, line: str,
                                                                             where: str) -> None:
    """A deal from someone else must not make the tool read, or copy into a packet, a file beyond its folder."""
    shutil.copytree(EXAMPLES / "trade-receivables", tmp_path / "deal")
    shutil.move(tmp_path / "deal" / name, tmp_path / "outside")
    deal = tmp_path / "deal" / "deal.yaml"
    text = deal.read_text(encoding="utf-8")
    deal.write_text(text.replace(line, line.replace(name, "../outside")), encoding="utf-8")
    out = tmp_path / "packet"
    refused = CliRunner().invoke(app, ["build", str(deal), "-o", str(out)])
    assert refused.exit_code == 2 and "outside the deal's folder" in refused.output and where in refused.output
    assert not out.exists()
    allowed = CliRunner().invoke(app, ["--allow-outside-tape", "check", str(deal), "--no-chain"])
    assert allowed.exit_code == 0, allowed.output


def test_terminal_escapes_from_a_hostile_manifest_are_printed_escaped(copy: Path) -> None:
    manifest = json.loads((copy / MANIFEST).read_bytes())
    manifest["files"].append({"path": "documents/\x1b]0;pwned\x07\x1b[2J\x9bred.pdf", "size": 1, "sha256": "0" * 64})
    (copy / MANIFEST).write_bytes(dump_json(manifest))
    for fmt in ("text", "json"):
        result = CliRunner().invoke(app, ["review", str(copy), "--format", fmt])
        assert result.exit_code == 1
        assert not any(c in result.stdout for c in "\x1b\x07\x9b"), repr(result.stdout[-500:])
        assert ("\\x1b]0;pwned" if fmt == "text" else "\\u001b]0;pwned") in result.stdout
    assert visible("a\u202eb\nc") == "a\\u202eb\\x0ac"
