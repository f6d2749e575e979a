"""One error hierarchy: the CLI turns any of these into one red line and exit code 1."""
from __future__ import annotations

import re
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


class OutOfSpace(OutputError, OSError):
    """The bundle could not be written: disk full, quota or file-size limit (still an OSError for callers)."""


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


# Characters that would end a line or cannot be written as UTF-8 (surrogates: undecodable file-name bytes).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape): show the byte
        return f"\\x{code - 0xDC00:02x}"
    return _NAMED.get(ch) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: object) -> str:
    """`text` (usually a file name) safe for one output line and any UTF-8 file: bytes that are not
    UTF-8 (kept by Python as surrogate escapes) become `\\xff`, control and line-separator characters
    `\\n`, `\\x01`, `\\u2028`. Ordinary names, Chinese included, are unchanged."""
    text = str(text)
    return text if text.isprintable() else _UNSAFE.sub(lambda m: _escaped(m[0]), text)
