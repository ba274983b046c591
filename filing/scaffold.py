"""`filing init`: a commented deal file and a tape template with the canonical headers, to start a new deal from."""

from __future__ import annotations

import datetime
from pathlib import Path

import jinja2
import xlsxwriter

from filing.assets import SPECS, AssetClass, spec
from filing.errors import InputError
from filing.pool.schema import SCHEMAS
from filing.resources import templates_dir
from filing.write import atomic_folder


def create(asset_class: str, directory: Path, today: datetime.date | None = None) -> list[Path]:
    """Write deal.yaml and tape.xlsx into a new or empty folder; never touch an existing deal."""
    try:
        kind = AssetClass(asset_class)
    except ValueError:
        raise InputError.single("ASSET_CLASS", f"unknown asset class '{asset_class}'; use one of "
                                               f"{', '.join(SPECS)}") from None
    if directory.exists() and not directory.is_dir():
        raise InputError.single(str(directory), "exists and is not a folder; choose a new folder for the deal")
    if directory.exists() and any(directory.iterdir()):
        raise InputError.single(str(directory), "the folder is not empty; choose a new folder for the deal")
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(templates_dir() / "scaffold"),
                                     undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)
    defaults = spec(kind)
    deal = environment.get_template("deal.yaml.j2").render(
        asset_class=kind.value, tape="tape.xlsx", cashflow_basis=defaults.cashflow_basis,
        extra_assets=defaults.scaffold_assets, extra_stress=defaults.scaffold_stress,
        today=(today or datetime.date.today()).isoformat())
    try:
        with atomic_folder(directory) as staging:
            (staging / "deal.yaml").write_text(deal, encoding="utf-8")
            _tape_template(kind, staging / "tape.xlsx")
    except OSError as error:  # a parent that is a file, a read-only place
        raise InputError.single(str(directory), f"cannot create the folder: {error.strerror}") from None
    return [directory / "deal.yaml", directory / "tape.xlsx"]


def _tape_template(kind: AssetClass, path: Path) -> None:
    """An empty first sheet with the canonical headers, required ones in bold, so issuers fill the right columns."""
    schema = SCHEMAS[kind]
    with xlsxwriter.Workbook(path) as book:
        book.set_properties({"created": datetime.datetime(2026, 1, 1)})
        sheet = book.add_worksheet("tape")
        required = book.add_format({"bold": True, "bg_color": "#DDEBF7"})
        for column, name in enumerate(schema.columns):
            sheet.write(0, column, name, required if name in schema.required else None)
            sheet.set_column(column, column, max(14, len(name) + 2))
        sheet.freeze_panes(1, 0)
