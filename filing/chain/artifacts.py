"""Compiled contracts (ABI and bytecode) as the package ships them.

Artifacts are read through `filing.resources.artifacts_dir()` so that an installed wheel (which bundles them) and a
checkout behave the same, and so that nothing is ever compiled at run time. Tests pass their own directory to load
deliberately weakened variants compiled into a temporary folder.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filing.resources import artifacts_dir

REFERENCE_TOKEN = "OffshoreABSToken"


@dataclass(frozen=True)
class Artifact:
    """The parts of a compiled contract the chain stage needs."""

    name: str
    abi: tuple[dict[str, Any], ...]
    bytecode: str
    deployed_bytecode: str

    @property
    def abi_list(self) -> list[dict[str, Any]]:
        """web3 wants a list; the tuple keeps the dataclass hashable and immutable."""
        return list(self.abi)


@functools.lru_cache(maxsize=32)
def _read(path: Path) -> Artifact:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Artifact(data["contractName"], tuple(data["abi"]), data["bytecode"], data["deployedBytecode"])


def load_artifact(name: str = REFERENCE_TOKEN, directory: Path | None = None) -> Artifact:
    """The artifact `<directory>/<name>.json`; `directory` defaults to the bundled artifacts.

    Raises FileNotFoundError naming the path, which for the bundled reference token means a broken install.
    """
    path = (directory or artifacts_dir()) / f"{name}.json"
    if not path.is_file():
        raise FileNotFoundError(f"contract artifact not found: {path}")
    return _read(path.resolve())
