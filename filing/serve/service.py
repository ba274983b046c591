"""What the workspace does, once for the pages and the JSON API: create a deal, save its form, take a tape or a
packet upload, start a job, review and compare packets. Every stage call goes through ``actions``.

Uploads are judged in a staging folder inside the workspace and only moved into place when the library accepted
them, so a hostile tape or packet gives the CLI's located errors and leaves nothing behind.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ruamel.yaml import YAML

from filing.errors import InputError
from filing.model.load import LoadedDeal
from filing.serve import actions, forms
from filing.serve.jobs import Jobs
from filing.serve.workspace import PACKET_KINDS, Limits, Workspace, copy_limited, load_json, save_json
from filing.write import write_file

TAPE_SUFFIXES = (".csv", ".xlsx", ".parquet")


class Rejected(Exception):
    """The input could not be used (the CLI's exit code 2): ``payload`` is the CLI's JSON for it, with the file
    names the user knows; ``status`` the HTTP status to answer with."""

    def __init__(self, payload: dict[str, Any], status: int = 422, *, tree: Any = None,
                 error: InputError | None = None):
        self.payload, self.status = payload, status
        self.tree, self.error = tree, error  # a form that did not validate: what was typed, and why it failed
        super().__init__(payload["findings"][0]["message"] if payload.get("findings") else "rejected")


@dataclass
class Server:
    workspace: Workspace
    jobs: Jobs
    limits: Limits
    sign_key_file: Path | None = None
    signer: str | None = None
    """The address of the key named at start; the key itself stays in its file."""

    # -- deals ------------------------------------------------------------------------------------------------
    def create_deal(self, name: str, asset_class: str) -> str:
        try:
            folder = self.workspace.new_deal_folder(name)
        except ValueError as error:
            raise self._rejected(InputError.single("name", str(error))) from None
        try:
            actions.init_deal(asset_class, folder)
        except InputError as error:
            raise self._rejected(error) from None
        return name

    def deal(self, name: str, tree: Any = None, error: InputError | None = None) -> dict[str, Any]:
        """Everything the deal page and ``GET /api/deals/NAME`` show: the form with each finding beside its field,
        the check (or the input errors that stopped it), the latest jobs and packets."""
        deal_file = self.workspace.deal_file(name)
        result, problems = None, None
        if error is None:
            try:
                tree = actions.read_tree(deal_file)
                result = actions.check(deal_file)
            except InputError as failed:
                problems = self._payload(failed)
        else:
            problems = self._payload(error)
        form = forms.fields(actions.schema(), tree) if tree is not None else []
        loose = forms.attach(form, (result or problems or {}).get("findings", []))
        return {"name": name, "check": result, "errors": problems, "form": form, "loose": loose,
                "jobs": self.jobs.latest(name), "packets": self.packets(name), "signer": self.signer}

    def save_fields(self, name: str, submitted: Mapping[str, str]) -> list[str]:
        """Write the changed fields into deal.yaml when the edited deal still loads; otherwise raise Rejected with
        the edited tree and its errors (``tree``, ``error``), so the form can show what was typed beside each error."""
        deal_file = self.workspace.deal_file(name)
        try:
            tree = actions.read_tree(deal_file)
        except InputError as error:
            raise self._rejected(error) from None
        changed = forms.apply(forms.fields(actions.schema(), tree), submitted, tree)
        if not changed:
            return []
        try:
            actions.validate_tree(tree, deal_file)
        except InputError as error:
            raise Rejected(self._payload(error), tree=tree, error=error) from None
        write_file(deal_file, dump_yaml(tree).encode())
        return changed

    def preview(self, name: str, submitted: Mapping[str, str]) -> dict[str, Any]:
        """The check of the deal as the form now stands, without writing it: what the page shows live while the user
        types. The edited deal is judged in a staging folder, with its tape named by its full path."""
        deal_file = self.workspace.deal_file(name)
        try:
            tree = actions.read_tree(deal_file)
            changed = forms.apply(forms.fields(actions.schema(), tree), submitted, tree)
            loaded = actions.validate_tree(tree, deal_file)
            tape = loaded.tape_path  # confined to the deal's folder, links resolved
        except InputError as error:
            return self._payload(error)
        with self.workspace.staging() as stage:
            staged = stage / "deal.yaml"
            forms.set_path(tree, "assets.tape", str(tape))
            _history_from(tree, loaded)
            staged.write_text(dump_yaml(tree), encoding="utf-8")
            try:
                result = actions.check(staged, staged_tape=True)
            except InputError as error:
                return self._payload(error, {str(staged): f"{name}/deal.yaml"})
        return {key: result[key] for key in ("ok", "summary", "findings")} | {"changed": changed}

    def upload_tape(self, name: str, filename: str, stream: BinaryIO) -> dict[str, Any]:
        """Check the deal against an uploaded tape in a staging copy; only a tape the pool stage reads replaces the
        deal's (and ``assets.tape`` follows its name)."""
        deal_file = self.workspace.deal_file(name)
        suffix = Path(filename).suffix.lower()
        if suffix not in TAPE_SUFFIXES:
            raise self._rejected(InputError.single(filename, "a tape is a .csv (UTF-8 or GB18030), .xlsx or .parquet "
                                                             "file"))
        with self.workspace.staging() as stage:
            tape = stage / f"tape{suffix}"
            copy_limited(stream, tape, self.limits.tape_bytes, filename)
            try:
                tree = actions.read_tree(deal_file)
                loaded = actions.validate_tree(tree, deal_file)  # the deal's own errors, located as it is
                assets = tree.get("assets")
                renamed = not isinstance(assets, dict) or assets.get("tape") != tape.name
                if renamed:
                    forms.set_path(tree, "assets.tape", tape.name)
                text = dump_yaml(tree).encode() if renamed else deal_file.read_bytes()
                _history_from(tree, loaded)
                (stage / "deal.yaml").write_text(dump_yaml(tree), encoding="utf-8")
                result = actions.check(stage / "deal.yaml", staged_tape=True)
            except InputError as error:
                raise self._rejected(error, {str(tape): filename, str(stage): name}) from None
            tape.replace(deal_file.parent / tape.name)
            if renamed:
                write_file(deal_file, text)
        return result

    def packets(self, name: str) -> dict[str, Any]:
        """The deal's latest packets: their files (from the manifest) and whether the zip is there."""
        found = {}
        for kind in PACKET_KINDS:
            folder = self.workspace.packet_folder(name, kind)
            if (folder / "manifest.json").is_file():
                manifest = load_json(folder / "manifest.json")
                found[kind] = {"files": sorted(f["path"] for f in manifest.get("files", [])),
                               "zip": (folder.parent / f"{kind}.zip").is_file(),
                               "signed": (folder / "manifest.sig.json").is_file()}
        return found

    # -- jobs -------------------------------------------------------------------------------------------------
    def start(self, name: str, kind: str, *, sign: bool = False) -> dict[str, Any]:
        """``contract`` (the chain suite), ``draft`` or ``final`` (a packet build); signing uses the key named at
        start, never one sent with the request."""
        deal_file = self.workspace.deal_file(name)
        if kind == "contract":
            return self.jobs.submit(kind, name, lambda progress: actions.contract_suite(deal_file, progress))
        if kind not in PACKET_KINDS:
            raise self._rejected(InputError.single("kind", f"unknown job {kind!r}; use contract, draft or final"))
        if sign and self.sign_key_file is None:
            raise self._rejected(InputError.single("sign", "the server was started without --sign-key-file"))
        out = self.workspace.packet_folder(name, kind)
        key = self.sign_key_file if sign else None
        return self.jobs.submit(kind, name, lambda progress: actions.build(
            deal_file, out, draft=kind == "draft", sign_key_file=key, progress=progress))

    # -- reviews ----------------------------------------------------------------------------------------------
    def add_review(self, filename: str, stream: BinaryIO, signer: str | None = None) -> str:
        """Open the uploaded zip under the library's limits, keep its packet and review report; nothing is kept
        when the zip is refused."""
        with self.workspace.staging() as stage:
            upload = stage / "packet.zip"
            copy_limited(stream, upload, self.limits.packet_bytes, filename)
            try:
                with actions.opened_packet(upload) as root:
                    shutil.copytree(root, stage / "packet")
                report = actions.review(stage / "packet", signer)
            except InputError as error:
                raise self._rejected(error, {str(upload): filename, str(stage / "packet"): filename}) from None
            save_json(stage / "review.json", report | {"packet": filename, "upload": filename})
            folder = self.workspace.new_review_folder()
            stage.rename(folder)
        return folder.name

    def review_built(self, name: str, kind: str) -> str:
        """Review the deal's latest packet of ``kind`` as a reviewer would receive it: its zip, through the upload,
        with this workspace's own signing key as the expected signer (it signed the packet here)."""
        path = self.workspace.file_under(self.workspace.packet_folder(name, kind).parent, f"{kind}.zip")
        with path.open("rb") as stream:
            return self.add_review(f"{name}-{kind}.zip", stream, self.signer)

    def review(self, review_id: str) -> dict[str, Any]:
        return load_json(self.workspace.review_folder(review_id) / "review.json") | {"id": review_id}

    def diff(self, review_id: str, previous: str) -> dict[str, Any]:
        """What changed from the ``previous`` review's packet to this one's."""
        old, new = (self.workspace.review_folder(i) / "packet" for i in (previous, review_id))
        try:
            names = {"a": self.review(previous)["upload"], "b": self.review(review_id)["upload"]}
            return actions.diff(old, new) | names
        except InputError as error:
            raise self._rejected(error, {str(old): previous, str(new): review_id}) from None

    # -- errors -----------------------------------------------------------------------------------------------
    def _payload(self, error: InputError, shown: dict[str, str] | None = None) -> dict[str, Any]:
        return actions.input_error(error, (shown or {}) | {f"{self.workspace.root}/": ""})

    def _rejected(self, error: InputError, shown: dict[str, str] | None = None) -> Rejected:
        return Rejected(self._payload(error, shown))


def dump_yaml(tree: Any) -> str:
    """The edited deal as YAML, comments and order kept, in the style ``filing init`` writes."""
    yaml = YAML(typ="rt", pure=True)
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    text = io.StringIO()
    yaml.dump(tree, text)
    return text.getvalue()


def _history_from(tree: Any, loaded: LoadedDeal) -> None:
    """A staged copy of a deal names its static-pool history by full path, as it names the tape, once confined to the
    deal's folder (InputError when it lies outside)."""
    history = loaded.deal.assets.history
    if history:
        forms.set_path(tree, "assets.history", str(loaded.local_file(history, "assets.history")))
