"""Explicit importer registry (no auto-discovery: a test fails if a module's importer is missing here).

Order matters only where two sniffers could both claim a file: the more specific one comes first.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import UnreadableSource
from .base import HEAD_BYTES, Importer, IssueLog, ReadContext, read_head
from .sbr_xml import SbrXmlImporter
from .android_calllog import AndroidCallLogImporter
from .android_container import AndroidContainerImporter
from .android_mmssms import AndroidMmsSmsImporter
from .aosp_backup import AospBackupImporter
from .ios_backup import IosBackupImporter
from .ios_calls import IosCallsImporter
from .ios_sms import IosSmsImporter
from .oppo_xml import OppoCallXmlImporter
from .recordings import RecordingImporter
from .superbackup_xml import SuperBackupXmlImporter
from .tabular import TabularImporter
from .vmessage import VMessageImporter

IMPORTERS: list[Importer] = [
    SbrXmlImporter(),
    IosBackupImporter(),
    IosSmsImporter(),
    IosCallsImporter(),
    AndroidMmsSmsImporter(),
    AndroidCallLogImporter(),
    AospBackupImporter(),
    AndroidContainerImporter(),
    SuperBackupXmlImporter(),
    OppoCallXmlImporter(),
    VMessageImporter(),
    RecordingImporter(),  # audio: recognised by content, linked to calls, not events
    TabularImporter(),  # last: its CSV sniff is the loosest
]


def get_importer(name: str) -> Importer:
    for imp in IMPORTERS:
        if imp.NAME == name:
            return imp
    raise KeyError(name)


def detect(path: Path) -> Importer | None:
    """The importer whose sniffer claims this file or folder, by content; None if none does."""
    if path.is_dir():
        for imp in IMPORTERS:
            if imp.HANDLES_DIRECTORIES and imp.sniff(path, b""):
                return imp
        return None
    try:
        head = read_head(path, HEAD_BYTES)
    except OSError as exc:
        raise UnreadableSource(f"{path}: cannot read ({exc.strerror or exc})") from exc
    for imp in IMPORTERS:
        if not imp.HANDLES_DIRECTORIES and imp.sniff(path, head):
            return imp
    return None


__all__ = ["IMPORTERS", "Importer", "IssueLog", "ReadContext", "detect", "get_importer"]
