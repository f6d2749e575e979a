"""report.pdf: the report document (document.py) paginated on A4 with fpdf2, for a 2 MB upload (互金协会),
a printed 投诉材料 or a lawyer's file.

The packaged Noto Sans CJK SC face is embedded as a subset (fpdf2 cuts it to the glyphs used), charts
are the PNGs of charts/, every collector starts on a new page, every page is numbered, and the last
page lists the inputs' SHA-256 and the bundle fingerprint. Hashes are set in Courier (a standard PDF
font) and page content streams are left uncompressed, so the fingerprint stands in the file as plain
ASCII: the bundle writer fills it in after hashing the manifest (bundle.py, "fingerprint slot").
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path

from fpdf.enums import WrapMode

from .fonts import SC_FACE, _bounds_once, packaged_font_path
from .texts import TEXT

FONT = "cjk"
MONO = "Courier"
WIDTH = 180  # mm inside 15 mm margins
COLORS = {"h1": (176, 42, 48), "muted": (102, 102, 102), "line": (200, 200, 200), "banner": (255, 244, 214),
          "msg": (251, 243, 243)}


def _face_index(path: Path) -> int:
    from fontTools.ttLib import TTCollection

    with TTCollection(str(path), lazy=True) as collection:
        names = [f["name"].getDebugName(1) for f in collection.fonts]
    return names.index(SC_FACE) if SC_FACE in names else 0


def _bounds_once_when_saved(font) -> None:
    """fpdf2 writes the subset font by saving it (the CFF table, then hhea and vhea, each run every glyph's
    charstring for its bounds) and, for a CID-keyed CFF font such as Noto Sans CJK, compiles the CFF table
    once more: four passes over ~1,000 glyphs for the same bounds, ~0.4 s. The document's own font object
    keeps each glyph's bounds from its first run (fonts._bounds_once), set just before the save, when the
    subset exists. The bytes written are the same."""
    ttfont = getattr(font, "ttfont", None)
    if ttfont is None or not callable(getattr(ttfont, "save", None)):
        return
    save = ttfont.save

    def save_with_bounds_once(*args, **kwargs):
        _bounds_once(ttfont)
        return save(*args, **kwargs)

    ttfont.save = save_with_bounds_once  # this document's font only


def _is_hash(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


class _Report:
    def __init__(self, lang: str, entity_heads: set[str]) -> None:
        from fpdf import FPDF

        lang_text = TEXT[lang]

        class Doc(FPDF):
            def footer(self) -> None:
                self.set_y(-12)
                self.set_font(FONT, size=8)
                self.set_text_color(*COLORS["muted"])
                page = (f"{lang_text['title']} · 第 {self.page_no()} 页，共 {{nb}} 页" if lang == "zh" else
                        f"{lang_text['title']} · page {self.page_no()} of {{nb}}")
                self.cell(0, 6, page, align="C")
                self.set_text_color(0, 0, 0)

        self.lang = lang
        self.entity_heads = entity_heads
        self.page_heads = {lang_text["entities"], lang_text["integrity"]}
        self.wrap = WrapMode.CHAR if lang == "zh" else WrapMode.WORD
        self.last = ""
        self.pdf = Doc(orientation="P", unit="mm", format="A4")
        self.pdf.set_compression(False)  # page text stays readable: the fingerprint slot is found in the bytes
        # the same fixed date as the zip's entries: the same bundle gives the same bytes (manifest.json
        # holds the real time)
        self.pdf.set_creation_date(datetime(1980, 1, 1, tzinfo=timezone.utc))
        self.pdf.set_margins(15, 15, 15)
        self.pdf.set_auto_page_break(True, margin=18)
        self.pdf.alias_nb_pages()
        path = packaged_font_path()
        if path is None:
            raise RuntimeError("the packaged CJK font (noto-cjk) is missing")
        self.pdf.add_font(FONT, fname=str(path), collection_font_number=_face_index(path))
        _bounds_once_when_saved(self.pdf.fonts.get(FONT))
        self.pdf.set_title(lang_text["title"])
        self.pdf.set_creator("harass-analyzer")
        self.pdf.add_page()

    def text(self, text: str, size: float = 10, color=(0, 0, 0), height: float | None = None,
             fill=None) -> None:
        pdf = self.pdf
        pdf.set_font(FONT, size=size)
        pdf.set_text_color(*color)
        pdf.set_x(pdf.l_margin)
        # CHAR: Chinese has no spaces to break at (WORD mode would break only at the few spaces, leaving
        # a bullet alone on its line and ragged lines after each Latin word)
        pdf.multi_cell(WIDTH, height or size * 0.5, text, fill=fill is not None, align="L", new_x="LMARGIN",
                       new_y="NEXT", wrapmode=self.wrap)
        pdf.set_text_color(0, 0, 0)

    def heading(self, kind: str, text: str) -> None:
        pdf = self.pdf
        starts_page = (kind == "h3" and text in self.entity_heads and self.last != "h2") or text in self.page_heads
        # a heading keeps with what follows (a table row with citations is tall): a new page if < 85 mm left
        if (starts_page and pdf.get_y() > 40) or pdf.get_y() > pdf.h - pdf.b_margin - 85:
            pdf.add_page()  # each collector, the collectors' part and the integrity page start a page
        size = {"h1": 18, "h2": 14, "h3": 11.5}[kind]
        pdf.ln(2 if kind == "h3" else 4)
        self.text(text, size=size, color=COLORS["h1"] if kind == "h1" else (0, 0, 0), height=size * 0.55)
        if kind in ("h1", "h2"):
            pdf.set_draw_color(*(COLORS["h1"] if kind == "h1" else COLORS["line"]))
            pdf.line(pdf.l_margin, pdf.get_y() + 0.5, pdf.l_margin + WIDTH, pdf.get_y() + 0.5)
            pdf.ln(2.5)

    def banner(self, text: str) -> None:
        self.pdf.set_fill_color(*COLORS["banner"])
        self.text(text, size=10, fill=True, height=5.5)
        self.pdf.ln(1)

    def bullets(self, items: list[str]) -> None:
        for item in items:
            self.text(f"• {item}", size=9.5, height=5)
        self.pdf.ln(1.5)

    def table(self, headers: list[str], rows: list[list[str]]) -> None:
        pdf = self.pdf
        size = 7.5 if len(headers) <= 10 else 6.3  # a wide table (numbers with 归属地) in smaller type
        widths = _widths(headers, rows, unit=0.212 * size)  # mm per Latin character (0.6 em); CJK counts two
        pdf.set_font(FONT, size=size)
        pdf.set_draw_color(*COLORS["line"])
        from fpdf.fonts import FontFace

        heading = FontFace(family=FONT, size_pt=size, fill_color=(242, 242, 242))
        with pdf.table(col_widths=widths, width=sum(widths), align="LEFT", line_height=3.6, wrapmode=self.wrap, text_align="LEFT",
                       headings_style=heading, first_row_as_headings=True, repeat_headings=1) as table:
            table.row(headers)
            for row in rows:
                cells = table.row()
                for value in row:
                    if _is_hash(value):
                        pdf.set_font(MONO, size=6)
                        cells.cell(value)
                        pdf.set_font(FONT, size=size)
                    else:
                        cells.cell(value)
        pdf.ln(2)

    def image(self, path: Path, caption: str) -> None:
        from PIL import Image

        pdf = self.pdf
        if not path.is_file():
            return
        with Image.open(path) as im:
            w, h = im.size
        height = WIDTH * h / w
        if pdf.get_y() + height + 8 > pdf.h - 18:
            pdf.add_page()
        pdf.image(str(path), x=pdf.l_margin, w=WIDTH)
        if caption:
            self.text(caption, size=8, color=COLORS["muted"], height=4)
        pdf.ln(2)

    def messages(self, examples: list[dict]) -> None:
        pdf = self.pdf
        pdf.set_fill_color(*COLORS["msg"])
        for x in examples:
            meta = f"{x['timestamp'].replace('T', ' ')} · {x['counterpart']} · {x['event_id']}"
            self.text(meta, size=7.5, color=COLORS["muted"], height=4)
            self.text(str(x["body"]), size=9, fill=True, height=4.8)
            pdf.ln(1.5)

    def mono(self, label: str, value: str) -> None:
        self.text(label, size=9, height=5)
        self.pdf.set_font(MONO, size=9)
        self.pdf.set_x(self.pdf.l_margin)
        self.pdf.cell(WIDTH, 5, value, new_x="LMARGIN", new_y="NEXT")


def _widths(headers: list[str], rows: list[list[str]], unit: float = 1.4) -> list[float]:
    """Column widths in mm (`unit` mm per Latin character, a CJK character counts two): a short column
    (a phone number, a date, a count) as wide as its longest cell, so it never wraps; wordy columns get
    a readable minimum and share the rest by how much text they hold."""
    def size(text: str) -> int:
        return sum(2 if ord(c) > 0x2E80 else 1 for c in text)

    need, least, text = [], [], []
    for i, h in enumerate(headers):
        cells = [str(r[i]) for r in rows if i < len(r)]
        longest = max([size(h)] + [size(p) for c in cells for p in c.split("\n")])
        if any(_is_hash(c) for c in cells):
            longest, floor = 78, 78  # Courier 6 pt: a whole SHA-256 on one line
        else:
            floor = longest if longest <= 16 else min(max(size(h), 8), 14)
        need.append(longest * unit + 3)
        least.append(floor * unit + 3)
        text.append(sum(size(c) for c in cells) if longest > floor else 0)
    if sum(need) <= WIDTH:
        return need
    if sum(least) >= WIDTH:  # many columns: every one shrinks alike
        return [m * WIDTH * 0.999 / sum(least) for m in least]
    widths = list(least)
    spare = WIDTH * 0.999 - sum(least)
    while spare > 0.5:  # share by text held, never past what a column needs
        open_ = [i for i in range(len(widths)) if text[i] and widths[i] < need[i]]
        if not open_:
            break
        total = sum(text[i] for i in open_)
        given = 0.0
        for i in open_:
            add = min(spare * text[i] / total, need[i] - widths[i])
            widths[i] += add
            given += add
        spare -= given
    return widths


def render_pdf(blocks: list[tuple], charts: Path, lang: str, path: Path, entity_heads: set[str],
               closing: list[tuple[str, str]]) -> Path:
    """Write report.pdf; `closing` (label, value) pairs are printed in Courier on the last page
    (the bundle fingerprint slot)."""
    quiet = [logging.getLogger(name) for name in ("fpdf", "fontTools")]
    levels = [log.level for log in quiet]
    for log in quiet:  # a glyph missing from the font (an emoji) is drawn as a box: no warning per glyph
        log.setLevel(logging.ERROR)
    try:
        _render(blocks, charts, lang, path, entity_heads, closing)
    finally:
        for log, level in zip(quiet, levels):
            log.setLevel(level)
    return path


def _render(blocks: list[tuple], charts: Path, lang: str, path: Path, entity_heads: set[str],
            closing: list[tuple[str, str]]) -> None:
    doc = _Report(lang, entity_heads)
    for block in blocks:
        kind = block[0]
        if kind in ("h1", "h2", "h3"):
            doc.last = ""
            doc.heading(kind, block[1])
            doc.last = kind
            continue
        elif kind == "p":
            doc.text(block[1], size=9.5, height=5)
            doc.pdf.ln(1)
        elif kind == "banner":
            doc.banner(block[1])
        elif kind == "list":
            doc.bullets(block[1])
        elif kind == "table":
            doc.table(block[1], block[2])
        elif kind == "img":
            doc.image(charts / block[1], block[2])
        elif kind == "messages":
            doc.messages(block[1])
        elif kind == "kv":
            doc.mono(block[1], block[2])
        doc.last = kind
    for label, value in closing:
        doc.mono(label, value)
    doc.pdf.output(str(path))
