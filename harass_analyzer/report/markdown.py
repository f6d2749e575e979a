"""report.md: the report document (document.py) as Markdown. Every piece of text is escaped, since
message bodies, signatures and contact names are written by the sender: inline text gets CommonMark
backslash escapes, message bodies go verbatim inside fenced blocks longer than any backtick run in them.
"""
from __future__ import annotations

import re
from pathlib import Path

# Only what could make a link, image, raw HTML, code span or table cell; dates and names stay readable.
_SPECIAL = re.compile(r"([\\`*\[\]<>|!&])")


def md_escape(text: str) -> str:
    """Inline text that renders literally (no links, HTML, emphasis); newlines become spaces."""
    return _SPECIAL.sub(r"\\\1", str(text)).replace("\r", " ").replace("\n", " ")


def fenced(text: str) -> str:
    """`text` unedited in a fenced code block that it cannot close."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(md_escape(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def message_lines(examples: list[dict]) -> list[str]:
    out = []
    for x in examples:
        out += [f"- {md_escape(x['timestamp'].replace('T', ' '))} · {md_escape(x['counterpart'])} · "
                f"{md_escape(x['event_id'])}", "", fenced(x["body"]), ""]
    return out


def render_markdown(blocks: list[tuple], charts: Path | None = None) -> str:
    """Markdown for `blocks`; images link to charts/<name> when that file exists in `charts`."""
    out: list[str] = []
    for block in blocks:
        kind = block[0]
        if kind in ("h1", "h2", "h3"):
            out += ["#" * int(kind[1]) + " " + md_escape(block[1]), ""]
        elif kind == "p":
            text = md_escape(block[1])
            out += [("\\" + text) if text[:1] in "-+#>" else text, ""]
        elif kind == "banner":
            out += ["> **" + md_escape(block[1]) + "**", ""]
        elif kind == "list":
            out += [f"- {md_escape(item)}" for item in block[1]] + [""]
        elif kind == "table":
            out += [table(block[1], block[2]), ""]
        elif kind == "img":
            if charts is None or (charts / block[1]).is_file():
                out += [f"![{md_escape(block[2] or block[1])}](charts/{block[1]})", ""]
                if block[2]:
                    out += [f"*{md_escape(block[2])}*", ""]
        elif kind == "messages":
            out += message_lines(block[1])
        elif kind == "kv":
            out += [f"{md_escape(block[1])}", "", f"    {block[2]}", ""]
    return "\n".join(out).rstrip("\n") + "\n"
