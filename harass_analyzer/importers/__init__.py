"""The importers: one module per format, an explicit registry (registry.py), sniffing by content."""
from __future__ import annotations

from .base import Importer, IssueLog, ReadContext
from .registry import IMPORTERS, detect, get_importer

__all__ = ["IMPORTERS", "Importer", "IssueLog", "ReadContext", "detect", "get_importer"]
