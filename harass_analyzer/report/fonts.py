"""CJK font for charts: the packaged Noto Sans CJK (noto-cjk[sans]) first, then a system CJK font.

Nothing is downloaded: the font ships in the `noto_cjk_sans_otc` wheel installed with the tool.
"""
from __future__ import annotations

from functools import lru_cache

from matplotlib import font_manager

SYSTEM_FALLBACKS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
                    "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC")


@lru_cache(maxsize=1)
def cjk_font_family() -> str | None:
    """Register the packaged CJK font and return a family name matplotlib can use (None if none found)."""
    try:
        from noto_cjk_sans_otc import FONT_PATH

        font_manager.fontManager.addfont(str(FONT_PATH))
        return font_manager.FontProperties(fname=str(FONT_PATH)).get_name()
    except (ImportError, OSError, RuntimeError):
        pass
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in SYSTEM_FALLBACKS:
        if name in installed:
            return name
    return None


def font_rc() -> dict:
    """rcParams for a figure that draws Chinese text (use with matplotlib.rc_context)."""
    family = cjk_font_family()
    rc = {"axes.unicode_minus": False}
    if family:
        rc["font.family"] = "sans-serif"
        rc["font.sans-serif"] = [family, "DejaVu Sans"]
    return rc
