"""CJK font for charts and report.html: the packaged Noto Sans CJK (noto-cjk[sans]) first, then a system
CJK font. Simplified-Chinese forms (the collection's "SC" face) are preferred.

Nothing is downloaded: the font ships in the `noto_cjk_sans_otc` wheel installed with the tool.
report.html embeds a subset of it (only the characters the page uses, ~100 KB WOFF, via fontTools,
a matplotlib dependency), so the page shows Chinese even on a machine without any CJK font.
"""
from __future__ import annotations

import io
import subprocess
import sys
from concurrent.futures import Future
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PACKAGED_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP")
SYSTEM_FALLBACKS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
                    "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC")
SC_FACE = "Noto Sans CJK SC"


def packaged_font_path() -> Path | None:
    try:
        from noto_cjk_sans_otc import FONT_PATH
    except ImportError:
        return None
    path = Path(FONT_PATH)
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def cjk_font_family() -> str | None:
    """Register the packaged CJK font and return a family name matplotlib can use (None if none found)."""
    from matplotlib import font_manager  # here, so a font-subset worker does not import matplotlib

    path = packaged_font_path()
    if path is not None:
        try:
            font_manager.fontManager.addfont(str(path))
        except (OSError, RuntimeError):
            pass
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in (*PACKAGED_FAMILIES, *SYSTEM_FALLBACKS):
        if name in installed:
            return name
    if path is not None:  # an older matplotlib registers only the collection's first face
        return font_manager.FontProperties(fname=str(path)).get_name()
    return None


def font_rc() -> dict:
    """rcParams for a figure that draws Chinese text (use with matplotlib.rc_context)."""
    family = cjk_font_family()
    rc = {"axes.unicode_minus": False}
    if family:
        rc["font.family"] = "sans-serif"
        rc["font.sans-serif"] = [family, "DejaVu Sans"]
    return rc


def woff_subset(chars: set[str], prefetched: "SubsetJob | None" = None) -> bytes | None:
    """The packaged SC face cut down to `chars`, as WOFF bytes; None when the font or fontTools is missing.
    `prefetched`: the same cut started earlier by `prefetch_subset` (taken when it is for these characters
    and its worker succeeded)."""
    key = frozenset(chars)
    if prefetched is not None and prefetched.chars == key:
        try:
            return prefetched.future.result()
        except Exception:  # noqa: BLE001  (the worker died: cut the subset here)
            pass
    return _woff_subset(key)


@dataclass(frozen=True)
class SubsetJob:
    chars: frozenset
    future: Future


def prefetch_subset(chars: set[str], run) -> SubsetJob | None:
    """Start cutting the subset for `chars` in a separate interpreter, on a thread of `run` (a
    harass_analyzer.run.Run) that waits for it: fontTools' subsetter is ~1 s of pure Python for a page of
    Chinese, which there runs beside the chart drawing instead of after it. Give the job to `woff_subset`;
    if the worker cannot run, the subset is cut in this process as before."""
    key = frozenset(chars)
    if not key or packaged_font_path() is None or getattr(sys, "frozen", False):
        return None
    return SubsetJob(key, run.thread("font-subset", _subset_in_worker, key))


def _subset_in_worker(chars: frozenset[str]) -> bytes | None:
    # A plain `python -c` child (multiprocessing's spawn would re-run the caller's __main__ script) that
    # imports this very harass_analyzer: its folder goes first on sys.path, before the working directory.
    here = str(Path(__file__).parents[2])
    code = "import sys; sys.path.insert(0, sys.argv[1]); from harass_analyzer.report.fonts import _serve_subset; " \
           "_serve_subset()"
    done = subprocess.run([sys.executable, "-c", code, here], input="".join(sorted(chars)).encode("utf-8"),
                          capture_output=True, timeout=300, check=True)
    return done.stdout or None


def _serve_subset() -> None:
    """Worker side: the characters on stdin, the WOFF bytes on stdout."""
    data = _cut_subset(frozenset(sys.stdin.buffer.read().decode("utf-8")))
    sys.stdout.buffer.write(data or b"")


@lru_cache(maxsize=8)
def _woff_subset(chars: frozenset[str]) -> bytes | None:
    return _cut_subset(chars)


def _cut_subset(chars: frozenset[str]) -> bytes | None:
    path = packaged_font_path()
    if path is None or not chars:
        return None
    try:
        from fontTools import subset
        from fontTools.ttLib import TTCollection, TTFont

        with TTCollection(str(path), lazy=True) as collection:
            names = [f["name"].getDebugName(1) for f in collection.fonts]
        index = names.index(SC_FACE) if SC_FACE in names else 0
        # recalcTimestamp=False: deterministic bytes; lazy: tables parsed only as far as the subsetter
        # reads them (as fontTools.subset's own loader does; same output, ~0.2 s less)
        with TTFont(str(path), fontNumber=index, recalcTimestamp=False, lazy=True) as font:
            options = subset.Options()
            options.flavor, options.hinting, options.desubroutinize = "woff", False, True
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes={ord(c) for c in chars})
            subsetter.subset(font)
            _bounds_once(font)
            font.flavor = "woff"
            buf = io.BytesIO()
            font.save(buf)
        return buf.getvalue()
    except Exception:  # noqa: BLE001  (a broken font must not stop the report; system fonts remain)
        return None


def _bounds_once(font) -> None:
    """Saving a CFF font with recalcBBoxes runs every glyph's charstring once for the CFF FontBBox, again
    for hhea and again for vhea, to get the same bounds each time (~0.2 s per pass over ~1,000 CJK
    glyphs): each glyph keeps the bounds of its first run. The bytes written are the same."""
    if "CFF " not in font:
        return
    for charstring in font["CFF "].cff.topDictIndex[0].CharStrings.values():
        charstring.calcBounds = _remembered(charstring.calcBounds)


def _remembered(calc_bounds):
    memo: dict[int, object] = {}

    def calcBounds(glyph_set):  # noqa: N802  (stands in for T2CharString.calcBounds)
        key = id(glyph_set)
        if key not in memo:
            memo[key] = calc_bounds(glyph_set)
        return memo[key]

    return calcBounds
