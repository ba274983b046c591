"""Every call the web workspace makes into the library, in one place: the same stages the CLI runs, never a second
implementation. Each returns the library's JSON dicts (design.md's shapes), which the pages and the API render.

Why one module: every front end runs ``filing.stages``; this is the only place the server calls them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import filing
from filing import scaffold, stages
from filing.errors import InputError, Problem
from filing.model.deal import AssetClass
from filing.model.load import LoadedDeal, read_document, validate_deal
from filing.progress import Progress, within
from filing.terminal import _input_finding  # the CLI's JSON shape of an input problem, reused so both agree

ASSET_CLASSES = tuple(kind.value for kind in AssetClass)


class StageFailed(Exception):
    """A stage could not run for a reason that is not the input's (a chain that cannot be used, a document that
    failed to render); the message says which."""


def schema() -> dict[str, Any]:
    return filing.json_schema()


def init_deal(asset_class: str, folder: Path) -> list[Path]:
    """``filing init``: deal.yaml with comments and a tape template in a new folder."""
    return scaffold.create(asset_class, folder)


def read_tree(deal: Path) -> Any:
    """The deal file as ruamel's round-trip tree (comments and positions kept), for the form to edit."""
    return read_document(deal)


def validate_tree(tree: Any, deal: Path) -> LoadedDeal:
    """The edited tree as a deal at `deal`; InputError, located as the CLI locates it, when it is not a valid one."""
    return LoadedDeal(validate_deal(tree, deal), deal)


def check(deal: Path, *, staged_tape: bool = False) -> dict[str, Any]:
    """``filing check --no-chain --format json`` plus the pool report: load, analyse the tape, run the rulebook.
    The live check stays fast while the user types; the chain suite is its own job, and until it runs the CHAIN
    rules are listed as not evaluated. `staged_tape`: a staging copy of a deal names its tape by the full path the
    server already confined to the deal's folder."""
    loaded = stages.load(deal, allow_outside_tape=staged_tape)
    pool = stages.analyse(loaded)
    report = stages.check(loaded.deal, pool)
    return report.to_dict() | {"deal": loaded.deal.deal_id, "deal_sha256": loaded.sha256(), "pool": pool.to_dict()}


def contract_suite(deal: Path, progress: Progress | None = None) -> dict[str, Any]:
    """``filing contract check``: the reference token on the embedded chain and the scenario suite."""
    from filing.chain import ChainError

    loaded = stages.load(deal)
    try:
        report = stages.contract(loaded, progress=within(progress, "chain"))
    except ChainError as error:
        raise StageFailed(f"{type(error).__name__}: {error}") from None
    return report.to_dict() | {"deal_sha256": loaded.sha256()}


def signer_of(key_file: Path) -> str:
    """The address of the signing key in ``key_file``; the key itself is read, judged and dropped."""
    from filing.packet.manifest import read_key, signing_account

    key = read_key(key_file)
    if key is None:
        raise InputError.single(key_file, "the key file holds no key")
    return signing_account(key, str(key_file)).address


def build(deal: Path, out: Path, *, draft: bool, sign_key_file: Path | None,
          progress: Progress | None = None) -> dict[str, Any]:
    """``filing build --zip --format json``: the packet folder and its zip; a final build with blockers writes
    nothing and says so."""
    from filing.chain import ChainError
    from filing.packet import PacketError

    loaded = stages.load(deal)
    try:
        result = stages.build(loaded, out, sign_key_file=sign_key_file, draft=draft, zip=True, progress=progress)
    except ChainError as error:
        raise StageFailed(f"{type(error).__name__}: {error}") from None
    except PacketError as error:
        raise InputError.of(deal, "packet.documents_failed", error=error) from None
    return result.verdict.to_dict() | {
        "ok": result.exit_code == 0, "written": result.written, "draft": result.draft,
        "verdict": result.verdict.headline(), "pages": result.pages, "signer": result.signer, "files": result.files,
        "parity": [issue.to_dict() for issue in result.parity]}


def review(packet: Path, signer: str | None = None) -> dict[str, Any]:
    """``filing review --format json``: integrity, signature and re-validation of a packet folder or zip."""
    from filing.review import review_packet

    return review_packet(packet, signer=signer or None).to_dict()


@contextmanager
def opened_packet(packet: Path) -> Iterator[Path]:
    """The packet zip checked entry by entry and extracted under the library's zip limits (see safezip)."""
    from filing.review.safezip import opened_packet as library_opened

    with library_opened(packet) as root:
        yield root


def diff(a: Path, b: Path) -> dict[str, Any]:
    """``filing diff --format json``: what changed from packet A to packet B."""
    from filing.review import diff_packets

    return diff_packets(a, b).to_dict()


def input_error(error: InputError, shown: dict[str, str] | None = None) -> dict[str, Any]:
    """The CLI's JSON for exit code 2, with server paths replaced by the names the user knows (``shown``)."""
    problems = [_shown(problem, shown or {}) for problem in error.problems]
    return {"ok": False, "errors": [p.as_dict() for p in problems], "findings": [_input_finding(p) for p in problems]}


def _shown(problem: Problem, shown: dict[str, str]) -> Problem:
    file = problem.file
    for server, name in shown.items():
        if file.startswith(server):
            file = name + file[len(server):]
            break
    return Problem(file, problem.message, problem.path, problem.line, problem.column, problem.message_zh,
                   problem.hint, problem.hint_zh)
