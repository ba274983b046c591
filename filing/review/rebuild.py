"""Rebuild-and-compare: render every document again from the packet's own ``data/`` and compare hashes.

Why this proves something the integrity check does not: integrity shows the files are the ones the filer hashed;
only a rebuild shows that the documents say what the data says. The packet builder renders documents from the data
files alone and reproducibly, so an honest packet rebuilds byte for byte under the same tool version, and a document
edited by hand (then re-hashed and re-signed) does not. The rebuild uses the builder's own renderer and stays in
memory: nothing is written into the packet or beside it.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from filing.progress import Progress
from filing.review.integrity import special_entries
from filing.review.packet import OpenedPacket
from filing.review.report import Check, Issue, check


def check_rebuild(packet: OpenedPacket, tool_version: str, progress: Progress | None = None) -> Check:
    """Every listed document and data file against its rebuilt bytes, naming each that differs."""
    root, manifest = packet.root, packet.manifest
    if manifest is None:
        return check("rebuild", [], [Issue("manifest.json", "unreadable, so the build options are unknown")])
    links = special_entries(root)
    if links:
        return check("rebuild", [], [Issue(name, "is a link or special file: the packet was not rebuilt, since "
                                                 "its data may lead outside it") for name in sorted(links)])
    recorded_tool = (manifest.data.get("tool") or {}).get("version")
    evidence = [f"rebuilt with filing {tool_version}; the packet was built with filing {recorded_tool}"]
    overrides = manifest.data.get("templates") or []
    if overrides:
        evidence.append(f"the packet was built with {len(overrides)} template file(s) of its own, which are not in "
                        f"the packet; the rebuild uses the packaged templates, so documents from those differ")
    from filing.packet.build import render_packet, render_time  # WeasyPrint is loaded only when a rebuild is asked

    try:
        data = packet.data()
        recorded_time = manifest.data.get("created")
        files, pages, _parity, _timings = render_packet(
            data, langs=tuple(manifest.data.get("langs") or ("zh", "en")), draft=bool(manifest.data.get("draft")),
            templates=None, pdf_a=bool(manifest.data.get("pdf_a")), progress=progress,
            created=datetime.fromisoformat(recorded_time) if recorded_time else render_time(data))
    except Exception as error:  # noqa: BLE001 - any failure to rebuild is a failed check, never a pass
        return check("rebuild", evidence, [Issue("data/", f"the documents could not be rebuilt from the packet's "
                                                          f"data: {type(error).__name__}: {error}")])
    rebuilt = {path: hashlib.sha256(content).hexdigest() for path, content in (files | data.files()).items()}
    listed = {path: entry.sha256 for path, entry in manifest.files.items()}
    issues = [Issue(path, "differs from its rebuild from the packet's data") for path in sorted(listed.keys() &
                                                                                                 rebuilt.keys())
              if listed[path] != rebuilt[path]]
    issues += [Issue(path, "is listed in the manifest but the rebuild does not produce it")
               for path in sorted(listed.keys() - rebuilt.keys())]
    issues += [Issue(path, "is produced by the rebuild but not listed in the manifest")
               for path in sorted(rebuilt.keys() - listed.keys())]
    if recorded_tool != tool_version and issues:
        evidence.append("the tool versions differ, which alone may explain differences")
    same = sum(1 for path, digest in rebuilt.items() if listed.get(path) == digest)
    evidence.append(f"{len(rebuilt)} files rebuilt ({pages} PDF pages); {same} identical to the packet's")
    return check("rebuild", evidence, issues)
