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
    """A record or file that was not imported, or a note on how a file was read; listed in import_issues.csv.
    `records` is how many records the line stands for (1 for a skipped record, 0 for a file-level note),
    so that records read = events imported + records skipped + duplicates merged, per input."""

    source_file: str
    source_ref: str
    reason: str
    records: int = 1
