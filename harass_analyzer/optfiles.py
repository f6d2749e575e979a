"""Reading the small files options name (--lexicon, --entities, --numbers, --rules FILE) without ever blocking.

A FIFO, a device or a folder given by mistake must be a one-line error, not a hang: the file is opened
non-blocking and must turn out to be a regular file before anything is read from it.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import ConfigError

MAX_OPTION_FILE = 64 << 20  # a lexicon or mapping larger than this is not one a person wrote


def read_option_bytes(path: str | Path, what: str) -> bytes:
    """The bytes of the option file `path`; ConfigError naming `what` when it is not a readable file."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read {what} ({exc.strerror or exc})") from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError(f"{path}: cannot read {what} (not a regular file: a folder, FIFO, device or socket)")
        if info.st_size > MAX_OPTION_FILE:
            raise ConfigError(f"{path}: cannot read {what} ({info.st_size} bytes; more than {MAX_OPTION_FILE})")
        try:
            return fh.read(MAX_OPTION_FILE + 1)
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read {what} ({exc.strerror or exc})") from None


def read_option_text(path: str | Path, what: str) -> str:
    """The text (UTF-8, BOM dropped) of the option file `path`; ConfigError naming `what` otherwise."""
    data = read_option_bytes(path, what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: cannot read {what} (not UTF-8 text: {exc.reason} at byte {exc.start})") from None
