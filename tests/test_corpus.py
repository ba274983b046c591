"""The bad-input corpus: every case of ``tests/corpus/<category>.yaml`` (deal, tape, packet, zip, cli) is one hostile or
broken input, run through the real CLI. Each case must end with its stated exit code, name its stated locations in the
message, print no traceback, and write nothing (the working folder is unchanged, ``{out}`` does not exist, no
temporary folder is left); with ``--format json`` stdout must be one JSON object with ``ok`` false.

A case, named by its key in the category file, holds:

``about``
    one line: what is wrong with the input.
``prepare``
    steps that build the input in an empty working folder, in order (see ``STEPS``): ``base: <example>`` copies
    ``examples/<example>/``; ``files: <folder>`` copies ``tests/corpus/<folder>/``; ``packet: <example>``
    writes a signed data-only packet of the example to ``packet/``; ``write: {path: text}`` (text, ``{text,
    encoding}`` or ``{base64}``); ``edit: {path: [[old, new], ...]}`` (``new`` may be a list of ``[piece, times]``);
    ``json: {from, to}`` (a YAML deal as JSON); ``encode: {path: encoding}``; ``remove``, ``mkdir``, ``fifo``:
    [names]; ``symlink: {link: target}``; ``repeat: {path, pieces: [[text, times], ...]}``; ``garbage: {path,
    mb}``; ``truncate: {path: bytes}``; ``xlsx: {path, sheets, merge, hidden}``; ``parquet: {path, columns}``;
    ``zip: {path, from, add, ...}``. Big inputs (50 MB of garbage, bombs) are made here from their recipe, never
    committed.
``run``
    the command line after ``filing``; ``{deal}`` is ``<work>/deal.yaml``, ``{out}`` ``<work>/out``, ``{work}`` the
    working folder, any other ``{name}`` is ``<work>/name``.
``exit``, ``where``
    the expected exit code, and texts the output must contain (a file and line:column, a field path, an entry name).
``subprocess`` (optional)
    run ``python -m filing`` in a child process instead of in-process; ``env`` (optional) adds variables.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import re
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from deal_edits import example_tree
from ruamel.yaml import YAML
from typer.testing import CliRunner

from filing.cli import app

TESTS = Path(__file__).resolve().parent
CORPUS = TESTS / "corpus"
EXAMPLES = TESTS.parent / "examples"


def read_cases() -> dict[str, dict[str, Any]]:
    """Every case as ``<category>/<name>``, checked for its keys."""
    cases = {}
    for path in sorted(CORPUS.glob("*.yaml")):
        for name, case in YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8")).items():
            where = f"{path.name}: {name}"
            assert isinstance(case, dict) and not set(case) - KEYS, f"{where}: unknown keys {set(case) - KEYS}"
            assert {"about", "run", "exit", "where"} <= set(case), f"{where}: about, run, exit and where are required"
            assert case["where"], f"{where}: a case names at least one location"
            cases[f"{path.stem}/{name}"] = case
    return cases


KEYS = {"about", "prepare", "run", "exit", "where", "subprocess", "env"}
LIMIT = 180
"""Seconds a case may run: a command that blocks (on a pipe, say) fails its case instead of hanging the run."""
FILER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
"""Anvil's well-known first test key, which signs the corpus packets; it must never hold value."""


# -- preparation steps --------------------------------------------------------------------------------------------

def _encoding_of(raw: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            raw.decode(encoding)
            return encoding
        except UnicodeDecodeError:
            continue
    return "latin-1"


def _pieces(value: str | list) -> str:
    return value if isinstance(value, str) else "".join(str(piece) * int(times) for piece, times in value)


def step_base(ctx: Context, example: str) -> None:
    shutil.copytree(EXAMPLES / example, ctx.work, dirs_exist_ok=True)


def step_files(ctx: Context, folder: str) -> None:
    shutil.copytree(CORPUS / folder, ctx.work, dirs_exist_ok=True, symlinks=True)


def step_packet(ctx: Context, spec: str | dict[str, str]) -> None:
    """The example's signed data-only packet in ``packet/``, or ``{example, to}`` in another folder."""
    example, to = (spec, "packet") if isinstance(spec, str) else (spec["example"], spec["to"])
    shutil.copytree(ctx.packets(example), ctx.work / to)


def step_write(ctx: Context, files: dict[str, Any]) -> None:
    for name, content in files.items():
        target = ctx.work / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            target.write_bytes(content.encode("utf-8"))
        elif "base64" in content:
            target.write_bytes(base64.b64decode(content["base64"]))
        else:
            target.write_bytes(content["text"].encode(content["encoding"]))


def step_edit(ctx: Context, files: dict[str, list]) -> None:
    """Replace text in a file kept in its encoding (UTF-8, else GB18030); ``[old, new, {count, encoding}]`` replaces
    only the first `count` occurrences, or writes `new` in another encoding (to mix encodings in one file)."""
    for name, changes in files.items():
        target = ctx.work / name
        raw = target.read_bytes()
        encoding = _encoding_of(raw)
        for old, new, *options in changes:
            option = options[0] if options else {}
            old_bytes = old.encode(encoding)
            assert old_bytes in raw, f"{ctx.case}: {old!r} is not in {name}"
            raw = raw.replace(old_bytes, _pieces(new).encode(option.get("encoding", encoding)), option.get("count", -1))
        target.write_bytes(raw)


def step_json(ctx: Context, spec: dict[str, str]) -> None:
    """The deal ``from`` (YAML) written as JSON to ``to``, two-space indented, as a program would export it."""
    tree = example_tree(ctx.work / spec["from"])
    (ctx.work / spec["to"]).write_text(json.dumps(tree, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def step_encode(ctx: Context, files: dict[str, str]) -> None:
    for name, encoding in files.items():
        target = ctx.work / name
        raw = target.read_bytes()
        target.write_bytes(raw.decode(_encoding_of(raw)).encode(encoding))


def step_remove(ctx: Context, names: list[str]) -> None:
    for name in names:
        target = ctx.work / name
        shutil.rmtree(target) if target.is_dir() and not target.is_symlink() else target.unlink()


def step_mkdir(ctx: Context, names: list[str]) -> None:
    for name in names:
        (ctx.work / name).mkdir(parents=True)


def step_fifo(ctx: Context, names: list[str]) -> None:
    for name in names:
        os.mkfifo(ctx.work / name)


def step_symlink(ctx: Context, links: dict[str, str]) -> None:
    for link, target in links.items():
        (ctx.work / link).symlink_to(target)


def step_truncate(ctx: Context, files: dict[str, int]) -> None:
    """Keep the first `n` bytes of a file (a float: that share of them; negative: drop the last `-n`)."""
    for name, size in files.items():
        target = ctx.work / name
        raw = target.read_bytes()
        target.write_bytes(raw[: int(len(raw) * size) if isinstance(size, float) else size])


def step_parquet(ctx: Context, spec: dict[str, Any]) -> None:
    import polars as pl

    pl.DataFrame(spec["columns"]).write_parquet(ctx.work / spec["path"])


def step_repeat(ctx: Context, spec: dict[str, Any]) -> None:
    text = _pieces(spec["pieces"])
    (ctx.work / spec["path"]).write_bytes(text.encode(spec.get("encoding", "utf-8")))


def step_garbage(ctx: Context, spec: dict[str, Any]) -> None:
    """Random bytes, the same every run; ``prefix`` (text) goes first, e.g. a plausible header row."""
    noise = random.Random(spec.get("seed", 7)).randbytes(int(spec["mb"] * (1 << 20)))
    (ctx.work / spec["path"]).write_bytes(spec.get("prefix", "").encode() + noise)


def step_xlsx(ctx: Context, spec: dict[str, Any]) -> None:
    """A workbook from ``sheets`` (sheet name → rows; a text starting with '=' is a formula, saved without a cached
    value, as a script would write it), ``merge`` (sheet → ranges) and ``hidden`` (sheet names)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in spec["sheets"].items():
        sheet = workbook.create_sheet(name)
        for row in rows or []:
            sheet.append(row)
        for cells in spec.get("merge", {}).get(name, []):
            sheet.merge_cells(cells)
        if name in spec.get("hidden", []):
            sheet.sheet_state = "hidden"
    workbook.save(ctx.work / spec["path"])


def step_zip(ctx: Context, spec: dict[str, Any]) -> None:
    """A zip of the folder ``from`` (its files under ``prefix``), without the ``drop`` entries, with ``add`` entries
    (``name`` — text, or ``[piece, times]`` pieces — and ``text``, ``file``, ``zeros_mb`` or ``symlink``; optionally
    ``mode`` (octal type and permission bits), ``flag_bits``, ``stored`` and ``copies``, ``{i}`` in the name numbering
    them), then, on the bytes, ``replace`` ([[hex, hex]]) and ``truncate`` (keep that many bytes, or that share of
    them; negative: drop that many from the end)."""
    target = ctx.work / spec["path"]
    entries: list[tuple[zipfile.ZipInfo, bytes]] = []

    def entry(name: str, stored: bool = False) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=(2026, 11, 20, 0, 0, 0))
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        info.external_attr = (stat.S_IFREG | 0o644) << 16
        return info

    if "from" in spec:
        source = ctx.work / spec["from"]
        for file in sorted(p for p in source.rglob("*") if p.is_file()):
            name = spec.get("prefix", "") + file.relative_to(source).as_posix()
            if name not in spec.get("drop", []):
                entries.append((entry(name), file.read_bytes()))
    adds = [dict(extra, name=_pieces(extra["name"]).replace("{i}", str(i))) for extra in spec.get("add", [])
            for i in range(extra.get("copies", 1))]
    for extra in adds:
        info = entry(extra["name"], extra.get("stored", False))
        content = extra.get("text", "").encode()
        if "symlink" in extra:
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            content = extra["symlink"].encode()
        elif "file" in extra:
            content = (ctx.work / extra["file"]).read_bytes()
        elif "zeros_mb" in extra:
            content = bytes(int(extra["zeros_mb"] * (1 << 20)))
        if "mode" in extra:
            info.external_attr = int(str(extra["mode"]), 8) << 16
        entries.append((info, content))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are the point of some cases
        with zipfile.ZipFile(target, "w") as archive:
            for info, content in entries:
                archive.writestr(info, content)
    raw = bytearray(target.read_bytes())
    for extra in adds:
        if extra.get("flag_bits"):  # zipfile clears the flags on writing; set them in both headers
            with zipfile.ZipFile(target) as written:
                offset = written.getinfo(extra["name"]).header_offset
            raw[offset + 6] |= extra["flag_bits"]
            raw[_central_record(raw, extra["name"]) + 8] |= extra["flag_bits"]
    raw = bytes(raw)
    for old, new in spec.get("replace", []):
        old_bytes, new_bytes = bytes.fromhex(old), bytes.fromhex(new)
        assert old_bytes in raw, f"{ctx.case}: {old} is not in the zip"
        raw = raw.replace(old_bytes, new_bytes)
    if "truncate" in spec:
        cut = spec["truncate"]
        raw = raw[: int(len(raw) * cut) if isinstance(cut, float) else cut]
    target.write_bytes(raw)


def _central_record(raw: bytearray, name: str) -> int:
    """Offset of the central-directory record of entry `name`."""
    at = raw.find(b"PK\x01\x02")
    while at >= 0:
        size, extra, comment = (int.from_bytes(raw[at + o: at + o + 2], "little") for o in (28, 30, 32))
        if raw[at + 46: at + 46 + size].decode() == name:
            return at
        at = raw.find(b"PK\x01\x02", at + 46 + size + extra + comment)
    raise AssertionError(f"no central record for {name}")


STEPS: dict[str, Callable[[Context, Any], None]] = {
    name.removeprefix("step_"): value for name, value in globals().items() if name.startswith("step_")}


class Context:
    def __init__(self, case: str, work: Path, packets: Callable[[str], Path]):
        self.case, self.work, self.packets = case, work, packets


# -- the data-only packet -------------------------------------------------------------------------------------------

def write_data_packet(example: str, folder: Path) -> Path:
    """The example's packet without documents: its data files, manifest and signature, as ``filing build`` writes
    them (documents need 30 s of PDF work and add nothing to what the review of a damaged packet reads first)."""
    from filing import stages
    from filing.packet.build import _tool
    from filing.packet.manifest import MANIFEST, SIGNATURE, build_manifest, sign_manifest

    loaded = stages.load(EXAMPLES / example / "deal.yaml")
    data = stages.packet_data(loaded, stages.analyse(loaded), None)
    files = data.files()
    manifest = build_manifest(files, tool=_tool(), rulebook_version=data.verdict.rulebook_version,
                              deal={"id": data.deal["deal_id"], "sha256": data.deal_sha256}, langs=["zh", "en"],
                              draft=False, pdf_a=False, verdict=data.verdict.headline(), parity=[])
    files |= {MANIFEST: manifest, SIGNATURE: sign_manifest(manifest, FILER_KEY, "test key")}
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    return folder


@pytest.fixture(scope="session")
def packets(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    built: dict[str, Path] = {}

    def packet(example: str) -> Path:
        if example not in built:
            built[example] = write_data_packet(example, tmp_path_factory.mktemp(f"packet-{example}"))
        return built[example]

    return packet


# -- running a case -------------------------------------------------------------------------------------------------

def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry under `folder`: links by target, small files by hash, big ones by size and modification time."""
    seen: dict[str, tuple] = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        name = path.relative_to(folder).as_posix()
        if stat.S_ISLNK(info.st_mode):
            seen[name] = ("link", os.readlink(path))
        elif stat.S_ISDIR(info.st_mode):
            seen[name] = ("dir",)
        elif not stat.S_ISREG(info.st_mode):
            seen[name] = ("special", stat.S_IFMT(info.st_mode))
        elif info.st_size > 1 << 20:
            seen[name] = ("big", info.st_size, info.st_mtime_ns)
        else:
            seen[name] = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
    return seen


def arguments(run: str, work: Path) -> list[str]:
    special = {"deal": work / "deal.yaml", "out": work / "out", "work": work}
    return [re.sub(r"\{([^{}]+)\}", lambda m: str(special.get(m[1], work / m[1])), token) for token in shlex.split(run)]


def invoke(case: dict[str, Any], args: list[str], work: Path, private_tmp: Path) -> tuple[int, str, str, Any]:
    """(exit code, stdout, stderr, uncaught exception or None)."""
    env = {str(k): str(v) for k, v in (case.get("env") or {}).items()}
    if case.get("subprocess"):
        child = subprocess.run([sys.executable, "-m", "filing", *args], cwd=work, capture_output=True, timeout=LIMIT,
                               env={**os.environ, "TMPDIR": str(private_tmp), "COLUMNS": "200", **env})
        return child.returncode, child.stdout.decode(errors="replace"), child.stderr.decode(errors="replace"), None
    def hung(signum: int, frame: Any) -> None:
        raise TimeoutError(f"the command did not finish within {LIMIT} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(LIMIT)
    try:
        result = CliRunner().invoke(app, args, env={"COLUMNS": "200", **env})
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    uncaught = result.exception if not isinstance(result.exception, SystemExit) else None
    return result.exit_code, result.stdout, result.stderr, uncaught


CASES = read_cases()


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_corpus_case(case_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                     packets: Callable[[str], Path]) -> None:
    case = CASES[case_id]
    work, private_tmp = tmp_path / "work", tmp_path / "tmp"
    work.mkdir()
    private_tmp.mkdir()
    ctx = Context(case_id, work, packets)
    for step in case.get("prepare") or []:
        [(name, spec)] = step.items()
        STEPS[name](ctx, spec)
    before = snapshot(work)
    monkeypatch.chdir(work)
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    code, stdout, stderr, uncaught = invoke(case, arguments(case["run"], work), work, private_tmp)
    output = stdout + stderr
    assert uncaught is None, f"uncaught {type(uncaught).__name__}: {uncaught}\n{output}"
    assert "Traceback (most recent call last)" not in output, output
    assert code == case["exit"], output
    flat = " ".join(output.split())
    for where in case["where"]:
        assert " ".join(str(where).split()) in flat, f"{where!r} is not named in:\n{output}"
    if re.search(r"(--format|-f)[ =]json", case["run"]) and code in (1, 2):
        data = json.loads(stdout)
        assert isinstance(data, dict) and data["ok"] is False and data["findings"], stdout
    assert snapshot(work) == before, "the command wrote or changed files in the working folder"
    assert not (work / "out").exists()
    assert not list(private_tmp.iterdir()), "the command left temporary files behind"
