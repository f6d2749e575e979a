"""report.html: the report document (document.py) as one self-contained HTML file.

Opens offline and anywhere (e-mail attachment, USB stick): CSS inline, charts embedded as PNG data URIs,
no script, no external URL; a Content-Security-Policy forbids fetching anything. Every text is
HTML-escaped (message bodies, signatures and contact names are attacker-controlled).
"""
from __future__ import annotations

import base64
from html import escape
from pathlib import Path

from .fonts import SubsetJob, woff_subset
from .texts import TEXT

CSS = """
:root { --ink:#1d1d1f; --muted:#666; --line:#ddd; --accent:#b02a30; --bg:#fafafa; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink); line-height:1.6;
  font-family: "Report CJK","Helvetica Neue",Arial,"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif; }
main { max-width: 1060px; margin: 0 auto; padding: 24px 32px 48px; background:#fff; }
h1 { font-size: 1.7em; margin: .2em 0 .6em; border-bottom: 3px solid var(--accent); padding-bottom: .2em; }
h2 { font-size: 1.3em; margin-top: 1.8em; border-bottom: 1px solid var(--line); padding-bottom: .15em; }
h3 { font-size: 1.08em; margin-top: 1.4em; }
ul { padding-left: 1.3em; }
.summary li { font-size: 1.08em; margin: .25em 0; }
.banner { background:#fff4d6; border:1px solid #e0c060; padding:.6em .9em; border-radius:4px; font-weight:600; }
figure { margin: 1em 0; }
figure img { width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: .9em; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: .6em 0; font-size: .9em; }
th, td { border: 1px solid var(--line); padding: .3em .55em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; white-space: nowrap; }
td { white-space: pre-line; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.hash { font-family: monospace; font-size: .85em; word-break: break-all; vertical-align: middle; }
td.short { white-space: nowrap; }
code.fp { font-size: 1.05em; word-break: break-all; background: #f2f2f2; padding: .1em .3em; }
.msg { border-left: 4px solid var(--accent); background: #fbf3f3; margin: .5em 0; padding: .4em .8em; }
.msg .meta { color: var(--muted); font-size: .85em; }
.msg .body { white-space: pre-wrap; word-break: break-word; margin-top: .2em; }
@media print { body { background:#fff; } main { padding: 0; } figure, .msg, table { break-inside: avoid; } }
"""
_NUMERIC = set("0123456789+-.() ")


def _cell(value: str, header: str) -> str:
    text = str(value)
    cls = ""
    if len(text) == 64 and all(c in "0123456789abcdef" for c in text):
        cls = ' class="hash"'
    elif text and set(text) <= _NUMERIC and not text.startswith("+"):
        cls = ' class="num"'
    elif len(text) <= 20:
        cls = ' class="short"'
    return f"<td{cls}>{escape(text)}</td>"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(_cell(c, h) for c, h in zip(row, headers)) + "</tr>" for row in rows)
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _image(charts: Path, name: str, caption: str) -> str:
    path = charts / name
    if not path.is_file():
        return ""
    return _figure(name, caption, base64.b64encode(path.read_bytes()).decode("ascii"))


def _figure(name: str, caption: str, data: str) -> str:
    cap = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return f'<figure><img alt="{escape(caption or name)}" src="data:image/png;base64,{data}">{cap}</figure>'


def _messages(examples: list[dict]) -> str:
    parts = []
    for x in examples:
        meta = f"{x['timestamp'].replace('T', ' ')} · {x['counterpart']} · {x['event_id']}"
        parts.append(f'<div class="msg"><div class="meta">{escape(meta)}</div>'
                     f'<div class="body">{escape(x["body"])}</div></div>')
    return "".join(parts)


def render_html(blocks: list[tuple], charts: Path, lang: str, font: SubsetJob | None = None) -> str:
    """The whole page; charts are read from the `charts` folder and embedded. `font`: the page's font
    subset, started earlier (fonts.prefetch_subset)."""
    title = escape(TEXT[lang]["title"])
    body = _body(blocks, lang, lambda name, caption: _image(charts, name, caption))
    csp = "default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'"
    return ("<!DOCTYPE html>\n"
            f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title}</title><style>{font_face(title + body, font)}{CSS}</style></head>\n<body><main>\n"
            + body + "\n</main></body></html>\n")


def page_characters(blocks: list[tuple], lang: str) -> set[str]:
    """The characters report.html's font subset will hold, known before the charts are drawn (a chart is
    embedded as ASCII base64: only its caption counts; every chart is taken to be there)."""
    body = _body(blocks, lang, lambda name, caption: _figure(name, caption, ""))
    return _non_ascii(escape(TEXT[lang]["title"]) + body)


def _non_ascii(page: str) -> set[str]:
    return {c for c in set(page) if ord(c) > 127}  # base64 images are ASCII: never included


def _body(blocks: list[tuple], lang: str, image) -> str:
    parts: list[str] = []
    summary_next = False
    for block in blocks:
        kind = block[0]
        if kind in ("h1", "h2", "h3"):
            parts.append(f"<{kind}>{escape(block[1])}</{kind}>")
            summary_next = kind == "h2" and block[1] == TEXT[lang]["summary"]
            continue
        if kind == "p":
            parts.append(f"<p>{escape(block[1])}</p>")
        elif kind == "banner":
            parts.append(f'<p class="banner">{escape(block[1])}</p>')
        elif kind == "list":
            cls = ' class="summary"' if summary_next else ""
            parts.append(f"<ul{cls}>" + "".join(f"<li>{escape(i)}</li>" for i in block[1]) + "</ul>")
        elif kind == "table":
            parts.append(_table(block[1], block[2]))
        elif kind == "img":
            parts.append(image(block[1], block[2]))
        elif kind == "messages":
            parts.append(_messages(block[1]))
        elif kind == "kv":
            parts.append(f'<p>{escape(block[1])}<br><code class="fp">{escape(block[2])}</code></p>')
        summary_next = False
    return "\n".join(p for p in parts if p)


def font_face(page: str, prefetched: SubsetJob | None = None) -> str:
    """@font-face with the page's non-ASCII characters cut from the packaged CJK font. It must come first
    in font-family: Chromium sends an all-CJK run to the system fallback (tofu where no CJK font is
    installed) before trying a web font listed after Arial. ASCII is not in the subset, so Latin text
    still uses the system fonts listed after it."""
    data = woff_subset(_non_ascii(page), prefetched)
    if data is None:
        return ""
    b64 = base64.b64encode(data).decode("ascii")
    return f'@font-face {{ font-family: "Report CJK"; src: url(data:font/woff;base64,{b64}) format("woff"); }}\n'

