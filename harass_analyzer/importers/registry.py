"""Explicit importer registry (no auto-discovery: a test fails if a module's importer is missing here).

Order matters only where two sniffers could both claim a file: the more specific one comes first.
Nothing inside importers/ imports this module: the container is handed the list instead (no cycle).
"""
from __future__ import annotations

from pathlib import Path

from .android_calllog import AndroidCallLogImporter
from .android_container import AndroidContainerImporter
from .android_mmssms import AndroidMmsSmsImporter
from .aosp_backup import AospBackupImporter
from .base import Importer
from .detection import detect_among
from .ios_backup import IosBackupImporter
from .ios_calls import IosCallsImporter
from .ios_sms import IosSmsImporter
from .oppo_xml import OppoCallXmlImporter
from .recordings import RecordingImporter
from .sbr_xml import SbrXmlImporter
from .superbackup_xml import SuperBackupXmlImporter
from .tabular import TabularImporter
from .vmessage import VMessageImporter


def _registered() -> list[Importer]:
    return IMPORTERS  # looked up when called: the container that asks is itself in the list


IMPORTERS: list[Importer] = [
    SbrXmlImporter(),
    IosBackupImporter(),
    IosSmsImporter(),
    IosCallsImporter(),
    AndroidMmsSmsImporter(),
    AndroidCallLogImporter(),
    AospBackupImporter(),
    AndroidContainerImporter(_registered),  # reads its members with the importers of this list
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
    return detect_among(IMPORTERS, path)
