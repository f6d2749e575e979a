"""Builders and bundle checks for the corpus cases of issue 15 part B (hangs, options, numbers, dates);
the cases themselves are the last block of corpus.CASES. Synthetic numbers only.
"""
from __future__ import annotations

import csv
import os
import tarfile
import zlib
from collections.abc import Callable
from pathlib import Path

T0 = 1_709_297_760_000  # 2024-03-01T20:56:00+08:00 (as corpus.T0)
COLLECTOR = "10690000123"


def with_option_file(export: str, name: str, make: Callable[[Path], None]) -> Callable[[Path], list[Path]]:
    """sms.xml holding `export`, plus folder/name made by `make` (the file an option names)."""
    def build(folder: Path) -> list[Path]:
        (folder / "sms.xml").write_text(export, encoding="utf-8")
        make(folder / name)
        return [folder / "sms.xml"]
    return build


def deep_json(path: Path, depth: int = 200_000) -> None:
    path.write_text("[" * depth + "]" * depth, encoding="utf-8")


def miui_inflating_member(size: int, member: str, data: bytes) -> Callable[[Path], list[Path]]:
    """A MIUI .bak whose first member (an app's cache file, not an export) inflates to `size` zero bytes,
    then `member` holding `data`: streamed, so the test never holds the inflated member in memory."""
    def build(folder: Path) -> list[Path]:
        path = folder / "miui.bak"
        comp = zlib.compressobj(1)
        big = tarfile.TarInfo("apps/com.miui.gallery/f/cache.bin")
        big.size, big.mtime = size, 1_700_000_000
        small = tarfile.TarInfo(member)
        small.size, small.mtime = len(data), 1_700_000_000
        block = b"\0" * (1 << 20)
        with open(path, "wb") as fh:
            fh.write("MIUI BACKUP\n2\ncom.android.mms 短信\n-1\n0\n".encode() + b"ANDROID BACKUP\n5\n1\nnone\n")
            fh.write(comp.compress(big.tobuf(tarfile.PAX_FORMAT)))
            for start in range(0, size, len(block)):
                fh.write(comp.compress(block[:min(len(block), size - start)]))
            fh.write(comp.compress(b"\0" * (-size % 512) + small.tobuf(tarfile.PAX_FORMAT)))
            fh.write(comp.compress(data + b"\0" * (-len(data) % 512) + b"\0" * 1024))
            fh.write(comp.flush())
        return [path]
    return build


def named(raw_name: bytes, data: str) -> Callable[[Path], list[Path]]:
    """One file whose name is `raw_name` as bytes (not UTF-8, or holding a newline)."""
    def build(folder: Path) -> list[Path]:
        path = folder / os.fsdecode(raw_name)
        path.write_text(data, encoding="utf-8")
        return [path]
    return build


def folder_with_named(export: str, raw_name: bytes, data: bytes) -> Callable[[Path], list[Path]]:
    def build(folder: Path) -> list[Path]:
        phone = folder / "phone"
        phone.mkdir()
        (phone / "sms.xml").write_text(export, encoding="utf-8")
        (phone / os.fsdecode(raw_name)).write_bytes(data)
        return [phone]
    return build


def sbr_calls(numbers: list[str]) -> str:
    rows = "".join(f'  <call number="{n}" duration="30" date="{T0 + i * 60_000}" type="1" presentation="1" '
                   f'contact_name="(Unknown)" />\n' for i, n in enumerate(numbers))
    return f"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<calls count='{len(numbers)}'>\n{rows}</calls>\n"


def oppo_calls(rows: list[tuple[str, str]]) -> str:
    """OPPO callrecord_backup.xml: (number, countryiso) per call."""
    body = "".join(f'<CALL_RECORDS number="{n}" duration="20" type="1" date="{T0 + i * 60_000}" name="" '
                   f'countryiso="{c}" />\n' for i, (n, c) in enumerate(rows))
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<callrecord>\n{body}</callrecord>\n'


def stop_thread(t0: int = T0) -> str:
    """The collector sends a reminder a day from `t0`; on day 2 the user answers with a stop request."""
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count='5'>\n" + "".join(
        f'  <sms protocol="0" address="{COLLECTOR}" date="{t0 + day * 86_400_000}" type="{kind}" body="{body}" '
        f'read="1" status="-1" contact_name="(Unknown)" />\n' for day, kind, body in [
            (0, 1, "您已逾期，请尽快还款"), (1, 1, "您已逾期，请尽快还款"), (2, 2, "请不要再联系我，我会自己处理"),
            (3, 1, "您已逾期，请尽快还款"), (4, 1, "您已逾期，请尽快还款")]) + "</smses>\n")


STOP_THREAD = stop_thread()
T2025 = 1_748_826_000_000  # 2025-06-02T09:00:00+08:00: GB/T 45251 (third parties) in force


# Dates in epoch seconds (readable_date agrees), one in milliseconds, one neither (1970 read either way).
SECONDS_DATES = ("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count='4'>\n" + "".join(
    f'  <sms protocol="0" address="{COLLECTOR}" date="{d}" type="1" body="第{i}条：您已逾期" read="1" status="-1" '
    f'readable_date="2024年3月1日 下午8:5{6 + i}:00" contact_name="(Unknown)" />\n'
    for i, d in enumerate([T0 // 1000, T0 + 60_000, T0 // 1000 + 120, 788_918_399])) + "</smses>\n")

# Mainland numbers dialled through carriers' IP long-distance codes: one caller.
IP_DIALLED = ["13800138000", "17951 13800138000", "1795113800138000", "12593-138-0013-8000",
              "+86 17951 13800138000", "10193 13800138000", "17909 13800138000", "11808 13800138000",
              "17911 13800138000", "12520 13800138000", "17909 010-6552-9988"]


def bundle_csv(out: Path, name: str) -> list[dict[str, str]]:
    with open(out / name, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def column_is(name: str, column: str, expected: list[str]) -> Callable[[Path], None]:
    """The bundle's `name` CSV has exactly `expected` in `column`, row by row."""
    def check(out: Path) -> None:
        found = [row[column] for row in bundle_csv(out, name)]
        assert found == expected, found
    return check


def column_ends(name: str, column: str, expected: list[str]) -> Callable[[Path], None]:
    """As column_is, for values that start with the test's folder (input paths)."""
    def check(out: Path) -> None:
        found = [row[column] for row in bundle_csv(out, name)]
        assert len(found) == len(expected) and all(f.endswith(e) for f, e in zip(found, expected)), found
    return check


def violations_are(rule: str, expected: list[tuple[str, str]]) -> Callable[[Path], None]:
    """(counterpart, event_ids) of every violations.csv row of `rule`."""
    def check(out: Path) -> None:
        rows = [(r["counterpart"], r["event_ids"]) for r in bundle_csv(out, "violations.csv") if r["rule_id"] == rule]
        assert rows == expected, rows
    return check


def all_of(*checks: Callable[[Path], None]) -> Callable[[Path], None]:
    def check(out: Path) -> None:
        for one in checks:
            one(out)
    return check


def zipped_as(folder: str) -> Callable[[Path], None]:
    """OUT.zip beside the bundle holds every bundle file under `folder`/ (the name as printable text)."""
    def check(out: Path) -> None:
        import zipfile

        with zipfile.ZipFile(f"{out}.zip") as zf:
            names = zf.namelist()
        assert "manifest.json" in {p.name for p in out.iterdir()} and f"{folder}/manifest.json" in names, names
    return check
