"""The filing packet: bilingual documents (PDF, HTML, DOCX) rendered only from the packet's own data files, a hashed
manifest and its signature, written atomically and reproducibly.

The public names are imported on first use: the renderer pulls in WeasyPrint, which the reviewer's integrity and
re-validation checks (and ``filing diff``) do not need when they only read ``filing.packet.data`` or the manifest."""

from importlib import import_module

_PUBLIC = {"build_from_data": "build", "BuildResult": "build", "PacketError": "build",
           "PacketData": "data", "DATA_FILES": "data", "recover_signer": "manifest",
           "ParityIssue": "parity", "check_parity": "parity", "DOCUMENTS": "render"}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    if name in _PUBLIC:
        return getattr(import_module(f"filing.packet.{_PUBLIC[name]}"), name)
    raise AttributeError(f"module 'filing.packet' has no attribute {name!r}")
