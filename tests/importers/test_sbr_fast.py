"""The Arrow fast path for one-record-per-line SMS B&R files gives exactly the lxml result, or steps aside."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from harass_analyzer.synthetic import Sizes, write_export
from harass_analyzer.xmlscan import sbr_fast
from harass_analyzer.xmlscan.sbr_fast import read_fast
from harass_analyzer.xmlscan.sbr_records import SbrColumns, parse_records

HEAD = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<!--File Created By SMS Backup & Restore-->\n"
SMS = ('  <sms protocol="0" address="{a}" date="{d}" type="1" subject="null" body="{b}" toa="null" '
       'read="1" status="-1" locked="0" date_sent="0" contact_name="{n}" />')


def tables(path: Path):
    """(fast table or None, lxml table or None) with their issues."""
    fast_issues: list = []
    lxml_issues: list = []
    cols = SbrColumns()
    fast = cols.table(str(path), "sbr_xml", lambda *i: fast_issues.append(i)) if read_fast(path, cols) else None
    cols = SbrColumns()
    try:
        parse_records(open(path, "rb"), cols, recover=False)
        cols.use_exact_lines(path)
        strict = cols.table(str(path), "sbr_xml", lambda *i: lxml_issues.append(i))
    except etree.XMLSyntaxError:
        strict = None
    return (fast, fast_issues), (strict, lxml_issues)


def assert_same_or_declined(path: Path) -> bool:
    (fast, fast_issues), (strict, lxml_issues) = tables(path)
    if fast is None:
        return False
    assert strict is not None, "fast path accepted a file lxml rejects"
    assert fast.equals(strict) and fast_issues == lxml_issues
    return True


def doc(*records: str, root: str = "smses", head: str = HEAD) -> bytes:
    return (head + f'<{root} count="{len(records)}">\n' + "\n".join(records) + f"\n</{root}>\n").encode()


def write(tmp_path: Path, data: bytes, name: str = "sms.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_real_fixtures_agree(fixtures_dir: Path) -> None:
    taken = [p.name for p in sorted(fixtures_dir.glob("sbr_*.xml")) if assert_same_or_declined(p)]
    # the app's own layout is taken; the malformed file and multi-line layouts are left to lxml
    assert "sbr_sms_memacs.xml" in taken and "sbr_shruggie_mixed.xml" in taken
    assert "sbr_shruggie_malformed.xml" not in taken


def test_synthetic_export_with_mms_over_chunk_boundaries(tmp_path: Path, monkeypatch) -> None:
    files = write_export(tmp_path, Sizes(sms=3000, calls=500, mms=40, media_bytes=3000))
    for chunk in (1 << 12, 7919, 1 << 20):
        monkeypatch.setattr(sbr_fast, "CHUNK", chunk)
        for path in files:
            assert assert_same_or_declined(path), (path, chunk)


@pytest.mark.parametrize("body", [
    "a&#10;b", "&lt;b&gt; &amp; &quot;x&quot; &apos;", "emoji &#55357;&#56842; pair", "ctl&#1;ref",
    "tab\there", "a > b", "中文", "", "x" * 5000, "\ufeffbom", "cr\rhere",
])
def test_bodies_that_need_xml_decoding_agree(tmp_path: Path, body: str) -> None:
    records = [SMS.format(a="13800138000", d=1700000000000 + i, b=body if i % 2 else "plain", n="(Unknown)")
               for i in range(6)]
    assert assert_same_or_declined(write(tmp_path, doc(*records)))


@pytest.mark.parametrize("change", [
    lambda r: r[:-3] + ' extra="1" />',                      # another layout on some lines
    lambda r: r.replace(' type="1"', ""),                   # a missing attribute
    lambda r: r.replace(' read="1"', ' read="1" read="2"'),  # a repeated attribute (XML error)
    lambda r: r.replace("/>", ">"),                          # not closed
    lambda r: r.replace('body="', 'body="<'),                # `<` in a value (XML error)
    lambda r: r.replace('" read', '"  read'),                # two spaces
    lambda r: r + " <!-- x -->",                              # markup after the record
    lambda r: r.replace("  <sms", "\t<sms"),                 # tab indentation
    lambda r: r.replace('"', "'"),                           # single quotes
    lambda r: r.replace(' locked', '\n locked'),             # record over two lines
    lambda r: r.replace(' read=', ' type='),                 # a repeated attribute of the same length
    lambda r: r.replace(' read=', ' reed='),                 # another name of the same length
    lambda r: r.replace(' />', '/>'),                        # closed without the space
    lambda r: r.replace(' />', '  />'),                      # closed after two spaces
    lambda r: r.replace('  <sms', ' ' * 20 + '<sms'),        # deep indentation
    lambda r: r.replace('<sms ', '<smsx '),                  # another element
    lambda r: r.replace('<sms ', '<sms\t'),                  # a tab after the name
    lambda r: r.replace('protocol="0"', 'protocol="0"x'),    # text glued to a value
    lambda r: r.replace('protocol=', 'pro ocol='),            # a broken first name (XML error)
])
def test_odd_lines_agree_or_step_aside(tmp_path: Path, change) -> None:
    records = [SMS.format(a="95511", d=1700000000000 + i, b=f"第{i}条", n="张三") for i in range(8)]
    records[3] = change(records[3])
    assert_same_or_declined(write(tmp_path, doc(*records)))


@pytest.mark.parametrize("data", [
    doc(SMS.format(a="1", d=1, b="x", n="y"))[:-10],                               # truncated
    doc(SMS.format(a="1", d=1, b="x", n="y")) + b"<sms />\n",                     # after the root
    HEAD.encode() + SMS.format(a="1", d=1, b="x", n="y").encode() + b"\n<smses>\n</smses>\n",
    doc(SMS.format(a="1", d=1, b="x", n="y")).replace(b"UTF-8", b"GBK"),
    doc(SMS.format(a="1", d=1, b="\u4e2d", n="y")).replace("\u4e2d".encode(), "\u4e2d".encode("gbk")),
    b"\xef\xbb\xbf" + doc(SMS.format(a="1", d=1, b="x", n="y")),
    doc(SMS.format(a="1", d=1, b="x", n="y")).replace(b"\n", b"\r\n"),
    doc(SMS.format(a="1", d=1, b="\ufffe", n="y")),
    doc(SMS.format(a="1", d=1, b="x", n="y"), head="<!DOCTYPE smses>\n"),
    doc(SMS.format(a="1", d=1, b="x", n="y"), root="calls"),
    doc(SMS.format(a="1", d=1, b="x", n="y"), head=HEAD.replace("Backup", "Back\ufffeup")),  # found by fuzz
    doc(SMS.format(a="1", d=1, b="x", n="y"), head=HEAD.replace("Backup", "Back\x01up")),
    doc(SMS.format(a="1", d=1, b="x", n="y") + ">"),                                   # text after a record
    b"\n" + doc(SMS.format(a="1", d=1, b="x", n="y")),         # a declaration not at the start (found by fuzz)
    b"  " + doc(SMS.format(a="1", d=1, b="x", n="y")),
    doc(SMS.format(a="1", d=1, b="x", n="y"), head="<!-- c -->\n" + HEAD),
])
def test_documents_agree_or_step_aside(tmp_path: Path, data: bytes) -> None:
    assert_same_or_declined(write(tmp_path, data))


def test_exact_lines_past_65535(tmp_path: Path) -> None:
    records = [SMS.format(a="13800138000", d=1700000000000 + i, b="x", n="y") for i in range(70_000)]
    path = write(tmp_path, doc(*records))
    (fast, _), _ = tables(path)
    assert fast is not None and fast["source_ref"][69_999].as_py() == "sms[70000] line 70003"


SEED = doc(*[SMS.format(a=f"1380013800{i}", d=1700000000000 + i, b=f"催收&#10;第{i}条", n="(Unknown)")
             for i in range(4)], '  <mms date="1700000009000" msg_box="1" address="95511" m_type="132">\n'
           '    <parts>\n      <part seq="0" ct="text/plain" text="彩信" />\n    </parts>\n  </mms>',
           '  <call number="95511" duration="12" date="1700000010000" type="1" presentation="1" />')


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, len(SEED) - 1), st.sampled_from(
    [b"", b"<", b">", b'"', b"&", b"\n", b"\t", b"&#0;", b" ", b"/", b"=", b"a", b"\xff", b"<sms "])),
    min_size=1, max_size=4))
def test_mutated_documents_agree_or_step_aside(tmp_path: Path, edits) -> None:
    data = bytearray(SEED)
    for at, text in sorted(edits, reverse=True):
        data[at:at + 1] = text
    assert_same_or_declined(write(tmp_path, bytes(data)))


LINES = [SMS.format(a=f"1380013800{i}", d=1700000000000 + i, b=f"第{i}条 x", n="(Unknown)") for i in range(5)] + [
    '  <call number="95511" duration="12" date="1700000010000" type="1" presentation="1" />']


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, len(LINES) - 1), st.integers(0, 300), st.integers(0, 2), st.sampled_from(
    [" ", "", "<", '"', "=", "a", "/", ">", "\t", 'x="1"', " " * 17, "s", "中", "/>", " />", "sms", "call"])),
    min_size=1, max_size=3))
def test_edited_record_lines_agree_or_step_aside(tmp_path: Path, edits) -> None:
    """Edits inside the record lines (names, quotes, closings, indentation): the layout check must send
    every line that is not exactly the usual layout to lxml."""
    lines = list(LINES)
    for k, at, width, text in edits:
        at = min(at, len(lines[k]))
        lines[k] = lines[k][:at] + text + lines[k][at + width:]
    assert_same_or_declined(write(tmp_path, doc(*lines)))


def test_dates_in_seconds_agree_and_are_rescaled(tmp_path: Path) -> None:
    """Issue 15: a `date` only plausible as epoch seconds is read ×1000 on both paths, its locator says so."""
    dates = ["1709297760", "1709297820000", "1709297880", "788918399"]  # s, ms, s, neither (1970 in ms)
    path = write(tmp_path, doc(*(SMS.format(a="10690000123", d=d, b=f"第{i}条", n="(Unknown)")
                                 for i, d in enumerate(dates))))
    (fast, fast_issues), (strict, lxml_issues) = tables(path)
    assert fast is not None and fast.equals(strict) and fast_issues == lxml_issues
    assert fast["ts_ms"].to_pylist() == [1709297760000, 1709297820000, 1709297880000, 788918399]
    assert fast["source_ref"].to_pylist() == ["sms[1] line 4 (date read as seconds)", "sms[2] line 5",
                                              "sms[3] line 6 (date read as seconds)", "sms[4] line 7"]
