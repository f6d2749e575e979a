"""jieba's prefix dictionary, loaded one first character at a time.

jieba's own start-up unmarshals its whole prefix dictionary (about 500,000 words and prefixes: 0.7–1.2 s
and tens of MB), although a run only cuts the few distinct templates of its messages. Here the same
entries, built by jieba itself, are cached grouped by first character. A tokenizer gets a plain dict
that holds the groups of the characters it has been asked about (`ensure`); jieba only ever looks up
pieces of the text it cuts (and of the words it is told about), so once a text's characters are ensured,
every look-up gives exactly what the full dictionary gives, at dict speed. Entries are only ever changed
(suggest_freq/add_word) after their characters were ensured, so a group loaded later never overwrites one.
"""
from __future__ import annotations

import logging
import marshal
import os
import tempfile
from pathlib import Path

import jieba

_FORMAT = 1


class PrefixGroups:
    """The dictionary's total and its entries grouped by first character (each group marshalled)."""

    def __init__(self, total: int, groups: dict[str, bytes]) -> None:
        self.total = total
        self.groups = groups

    def install(self, tokenizer: jieba.Tokenizer) -> None:
        """Make `tokenizer` use these groups instead of loading jieba's whole dictionary."""
        tokenizer.FREQ = {}
        tokenizer.total = self.total
        tokenizer.initialized = True
        tokenizer.prefix_groups = self
        tokenizer.prefix_loaded = set()


def ensure(tokenizer: jieba.Tokenizer, text: str) -> None:
    """Load the groups of the characters of `text` into the tokenizer's dictionary (no-op for a tokenizer
    that holds jieba's whole dictionary)."""
    groups = getattr(tokenizer, "prefix_groups", None)
    if groups is None:
        return
    loaded = tokenizer.prefix_loaded
    for char in set(text) - loaded:
        blob = groups.groups.get(char)
        if blob is not None:
            tokenizer.FREQ.update(marshal.loads(blob))
        loaded.add(char)


def prepare(tokenizer: jieba.Tokenizer) -> None:
    """Give a fresh tokenizer of jieba's default dictionary its prefix groups: from the cache in its temp
    dir, else built from jieba's own dictionary (which also writes jieba's cache) and cached."""
    cache = Path(tokenizer.tmp_dir or tempfile.gettempdir()) / f"harass-analyzer-jieba-{_key()}.groups"
    groups = _read(cache)
    if groups is None:
        _initialize_quietly(tokenizer)
        groups = _group(tokenizer.FREQ, tokenizer.total)
        _write(cache, groups)
    groups.install(tokenizer)


def _key() -> str:
    """What the cache depends on: this format, jieba's version and its dictionary file."""
    stat = os.stat(os.path.join(os.path.dirname(os.path.abspath(jieba.__file__)), jieba.DEFAULT_DICT_NAME))
    return f"{_FORMAT}-{jieba.__version__}-{stat.st_size}-{stat.st_mtime_ns}"


def _initialize_quietly(tokenizer: jieba.Tokenizer) -> None:
    logger = logging.getLogger("jieba")
    level = logger.level
    # Silence "Building prefix dict ..." and, with an unwritable temp folder, jieba's logged Traceback of
    # "Dump cache file failed." (the cache only saves start-up time; jieba works without it).
    logger.setLevel(logging.CRITICAL)
    try:
        tokenizer.initialize()
    finally:
        logger.setLevel(level)


def _group(freq: dict[str, int], total: int) -> PrefixGroups:
    grouped: dict[str, dict[str, int]] = {}
    for word, count in freq.items():
        if word:
            grouped.setdefault(word[0], {})[word] = count
    return PrefixGroups(total, {char: marshal.dumps(entries) for char, entries in grouped.items()})


def _read(cache: Path) -> PrefixGroups | None:
    try:
        with open(cache, "rb") as fh:
            total, groups = marshal.load(fh)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(total, int) or not isinstance(groups, dict):
        return None
    return PrefixGroups(total, groups)


def _write(cache: Path, groups: PrefixGroups) -> None:
    """Atomically (another run may read it at the same time); a cache that cannot be written is skipped."""
    try:
        fd, temp = tempfile.mkstemp(dir=cache.parent, prefix=cache.name + ".")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            marshal.dump((groups.total, groups.groups), fh)
        os.replace(temp, cache)
    except OSError:
        Path(temp).unlink(missing_ok=True)
