"""The filing packet: bilingual documents (PDF, HTML, DOCX) rendered only from the packet's own data files, a hashed
manifest and its signature, written atomically and reproducibly."""

from filing.packet.build import BuildResult, PacketError, build_from_data, build_packet
from filing.packet.data import DATA_FILES, PacketData, Verdict
from filing.packet.manifest import recover_signer
from filing.packet.parity import ParityIssue, check_parity
from filing.packet.render import DOCUMENTS

__all__ = ["build_packet", "build_from_data", "BuildResult", "PacketError", "PacketData", "Verdict", "DATA_FILES",
           "DOCUMENTS", "ParityIssue", "check_parity", "recover_signer"]
