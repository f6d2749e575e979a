"""One error hierarchy: the CLI turns any of these into one red line and exit code 1."""
from __future__ import annotations

from dataclasses import dataclass


class HarassAnalyzerError(Exception):
    """Base for every error the tool reports to a person instead of a traceback."""


class UnknownFormat(HarassAnalyzerError):
    """No importer recognises the file's content."""


class UnreadableSource(HarassAnalyzerError):
    """The file exists but cannot be read (permissions, FIFO, dangling link, corrupt container)."""


class NothingToImport(HarassAnalyzerError):
    """The inputs held no importable file at all."""


class OutputError(HarassAnalyzerError):
    """The bundle folder cannot be created or would overwrite something."""


class ConfigError(HarassAnalyzerError):
    """A user-supplied option or mapping/lexicon/rules file is invalid."""


@dataclass(frozen=True)
class ImportIssue:
    """A record or file that was not imported; listed in import_issues.csv."""

    source_file: str
    source_ref: str
    reason: str
