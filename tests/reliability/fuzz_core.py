"""Fuzzing every importer: valid seed inputs built by code, then mutated (byte flips, truncation, slice
deletion/duplication, hostile snippets, hostile field values, SQLite cell rewrites, re-wrapped container
payloads). Shared by the hypothesis tests (tests/reliability/test_fuzz.py) and the long run
(tests/reliability/fuzz_long.py).

A "crash" is any exception from `importer.read()` other than a HarassAnalyzerError subclass.
"""
from __future__ import annotations

import io
import random
import re
import shutil
import signal
import sqlite3
import tarfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from harass_analyzer.errors import HarassAnalyzerError
from harass_analyzer.importers import IssueLog, ReadContext, get_importer
from harass_analyzer.importers.recordings import recording_info
from tests.importers import make_audio as audio
from tests.importers import make_fixtures as mf
from tests.importers import make_text_fixtures as mt

FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures"

HOSTILE_SNIPPETS = [
    b"&#0;", b"&#1;", b"&#55357;", b"&#xD800;", b"&#xDFFF;&#xD800;", b"&#x110000;", b"&#99999999999;",
    b"&lol;", b"&", b"<", b">", b'"', b"'", b"]]>", b"<![CDATA[", b"<!--", b"<?xml version='1.0'?>",
    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', b"&e;", b"\x00", b"\xff\xfe", b"\xfe\xff",
    b"\xef\xbb\xbf", b"\xc3\x28", b"\xed\xa0\x80", b"\x80\x81\x82", "逾期".encode("gbk"), "催收".encode("utf-16-le"),
    b"\r\n", b"\r", b"\n\n\n", b",", b'"\n', b"\t", b"=\r\n", b"=ZZ", b";ENCODING=BASE64:", b"!!!!",
    b"BEGIN:VMSG\r\n", b"END:VMSG\r\n", b"BEGIN:VCARD\r\n", b"END:VBODY\r\n", b"Date:9999/99/99 99:99:99\r\n",
    b"0", b"-1", b"-9223372036854775809", b"99999999999999999999999", b"1e308", b"NaN", b"inf", b"253402300800000",
    b" date=\"x\"", b" type=\"99\"", b"<sms/>", b"<call date=\"1\"/>", b"<log/>", b"</smses>", b"<smses>",
    b"A" * 5000, "\u202e\u200b".encode(), b"\x1b[31m", b"../../etc/passwd",
]
HOSTILE_VALUES = [
    "", "0", "-1", "-0", "1.5", "1e20", "NaN", "inf", "-inf", "9" * 40, "-9223372036854775808",
    "9223372036854775808", "253402300799999", "abc", "12a3", "0x10", "١٢٣", "１２３", "\u00a0", "null", "None",
    "(Unknown)", "2024年13月45日 25:61:61", "9999-12-31 23:59:59", "0000-00-00 00:00:00", "1970-01-01",
    "昨天", "+86 138 0013 8000", "+", "-", "*", "#31#", "'", '"', "\\", "\x01\x02", "\ud83d", "😊" * 3,
    "a" * 3000, "=E5=8F", "=\r\n",
]
SQL_VALUES: list[object] = [None, 0, -1, 1, 2, 3, 5, 99, -2**63, 2**63 - 1, 1.5, 1e308, -1e308, "", "abc",
                            "12a", "9" * 30, b"", b"\xff\x00\xfe", b"bplist00", "😊", "a" * 5000, "-", "1e3"]


def _seed_tar(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 1_700_000_000
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


AB_HEADER = b"ANDROID BACKUP\n5\n1\nnone\n"
AOSP_MEMBER = "apps/com.android.providers.telephony/d_f/000000_sms_backup"


def _aosp_inner() -> bytes:
    return zlib.decompress((FIXTURES / "aosp_backup_000000_sms_backup.zlib").read_bytes())


@dataclass(frozen=True)
class Seed:
    """A valid input for one importer and how to mutate it.

    build(folder) writes the input and returns its path. For a folder input, `target` names the file
    inside it that is mutated. `inner`/`wrap` describe a container: mutate the inner bytes, then wrap.
    """

    importer: str
    name: str
    build: Callable[[Path], Path]
    kind: str = "text"  # text | sqlite | container
    target: str | None = None
    inner: Callable[[], bytes] | None = None
    wrap: Callable[[bytes], bytes] | None = None


def _fixture(name: str) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        dest = folder / name
        shutil.copyfile(FIXTURES / name, dest)
        return dest
    return build


def _bytes(name: str, data: Callable[[], bytes]) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        dest = folder / name
        dest.write_bytes(data())
        return dest
    return build


def _wrap_ab(inner_json: bytes) -> bytes:
    return AB_HEADER + zlib.compress(_seed_tar({AOSP_MEMBER: zlib.compress(inner_json)}))


SEEDS: list[Seed] = [
    Seed("sbr_xml", "sbr_mixed", _fixture("sbr_shruggie_mixed.xml")),
    Seed("sbr_xml", "sbr_calls", _fixture("sbr_shruggie_minimal_calls.xml")),
    Seed("sbr_xml", "sbr_mms", _fixture("sbr_shruggie_minimal_mms.xml")),
    Seed("ios_sms", "ios_sms", lambda f: mf.make_ios_sms(f, wal=False), kind="sqlite"),
    Seed("ios_calls", "ios_calls", lambda f: mf.make_call_history(f, wal=False), kind="sqlite"),
    Seed("ios_backup", "ios_backup_sms", lambda f: mf.make_ios_backup(f / "backup"), kind="sqlite",
         target=f"{mf.SMS_ID[:2]}/{mf.SMS_ID}"),
    Seed("ios_backup", "ios_backup_manifest", lambda f: mf.make_ios_backup(f / "backup"), kind="sqlite",
         target="Manifest.db"),
    Seed("android_mmssms", "mmssms", lambda f: mf.make_mmssms(f, wal=False), kind="sqlite"),
    Seed("android_mmssms", "huawei_sms", mf.make_huawei_sms, kind="sqlite"),
    Seed("android_calllog", "calllog", lambda f: mf.make_calllog(f, wal=False), kind="sqlite"),
    Seed("android_calllog", "huawei_calls", mf.make_huawei_calllog, kind="sqlite"),
    Seed("aosp_backup", "aosp_sms", _fixture("aosp_backup_000000_sms_backup.zlib"), kind="container",
         inner=_aosp_inner, wrap=zlib.compress),
    Seed("android_backup", "ab_aosp", _bytes("backup.ab", lambda: _wrap_ab(_aosp_inner())), kind="container",
         inner=_aosp_inner, wrap=_wrap_ab),
    Seed("superbackup_xml", "superbackup_sms", mt.superbackup_sms),
    Seed("superbackup_xml", "superbackup_calls", mt.superbackup_calls_all_types),
    Seed("oppo_call_xml", "oppo", mt.oppo_callrecord),
    Seed("oppo_call_xml", "vivo", mt.vivo_call),
    Seed("vmessage", "vmsg", mt.vmsg),
    Seed("tabular", "carrier_csv", mt.carrier_calls_csv),
    Seed("tabular", "assistant_csv", mt.assistant_sms_csv),
    Seed("tabular", "xlsx", mt.carrier_sms_xlsx, kind="container"),
    # call recordings are not events: their reader is recording_info (run_importer), on generated audio
    Seed("call_recording", "mp3", lambda f: audio.mp3(f / "张三(13800138000)_20260302103015.mp3", 5)),
    Seed("call_recording", "amr", lambda f: audio.amr(f / "+8613800138000_2026-03-02_10-30-15.amr", 5)),
    Seed("call_recording", "m4a", lambda f: audio.mp4_audio(f / "13800138000_20260302103015.m4a", 5)),
    Seed("call_recording", "opus", lambda f: audio.opus(f / "13800138000_20260302103015.opus", 5)),
    Seed("call_recording", "wav", lambda f: audio.wav(f / "13800138000_20260302103015.wav", 1)),
    Seed("call_recording", "aac", lambda f: audio.aac_adts(f / "13800138000_20260302103015.aac", 5)),
]


def importer_names() -> list[str]:
    return sorted({s.importer for s in SEEDS})


# ---- mutators: each takes (rng, data) and returns new bytes ---------------------------------------------

def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data or b"\0")
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(buf))
        buf[i] = rng.choice([buf[i] ^ (1 << rng.randrange(8)), rng.randrange(256), 0, 0xFF, 0x3C, 0x22, 0x26])
    return bytes(buf)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[:rng.randrange(len(data) + 1)]


def delete_slice(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    i = rng.randrange(len(data))
    return data[:i] + data[i + rng.randint(1, 256):]


def duplicate_slice(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    i = rng.randrange(len(data))
    j = min(len(data), i + rng.randint(1, 2048))
    return data[:j] + data[i:j] * rng.randint(1, 3) + data[j:]


def insert_snippet(rng: random.Random, data: bytes) -> bytes:
    i = rng.randrange(len(data) + 1)
    return data[:i] + rng.choice(HOSTILE_SNIPPETS) + data[i:]


_VALUE = re.compile(rb'="[^"]*"|(?<=[,\t:])[^,\t\r\n:"]*')


def replace_value(rng: random.Random, data: bytes) -> bytes:
    """Structured: replace one attribute / CSV field / vCard value with a hostile value."""
    matches = list(_VALUE.finditer(data[:1 << 20]))
    if not matches:
        return insert_snippet(rng, data)
    m = rng.choice(matches)
    value = rng.choice(HOSTILE_VALUES).encode("utf-8", errors="surrogatepass")
    if m.group(0).startswith(b'="'):
        value = b'="' + value.replace(b'"', b"&quot;") + b'"'
    return data[:m.start()] + value + data[m.end():]


BYTE_MUTATORS = [flip_bytes, truncate, delete_slice, duplicate_slice, insert_snippet, replace_value]


def mutate_sqlite(rng: random.Random, data: bytes, scratch: Path) -> bytes:
    """Structured: rewrite a few cells of a valid database with values of the wrong type or range."""
    db = scratch / "mutate.db"
    db.write_bytes(data)
    conn = sqlite3.connect(db)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                             "AND name NOT LIKE 'sqlite_%'")]
        for _ in range(rng.randint(1, 4)):
            table = rng.choice(tables)
            cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
            col = rng.choice(cols)
            action = rng.random()
            if action < 0.1:
                conn.execute(f'DELETE FROM "{table}" WHERE rowid IN (SELECT rowid FROM "{table}" LIMIT 1)')
            elif action < 0.15:
                conn.execute(f'DROP TABLE "{table}"')
                tables.remove(table)
                if not tables:
                    break
            else:
                conn.execute(f'UPDATE OR IGNORE "{table}" SET "{col}" = ? WHERE rowid IN '
                             f'(SELECT rowid FROM "{table}" ORDER BY random() LIMIT ?)',
                             (rng.choice(SQL_VALUES), rng.randint(1, 3)))
        conn.commit()
    except sqlite3.DatabaseError:
        pass  # a constraint refused the value: keep whatever was written
    finally:
        conn.close()
    out = db.read_bytes()
    db.unlink()
    return out


def mutate(seed: Seed, original: bytes, rng: random.Random, scratch: Path) -> bytes:
    """One mutated version of the seed's (target) bytes."""
    roll = rng.random()
    if seed.kind == "sqlite" and roll < 0.6:
        return mutate_sqlite(rng, original, scratch)
    if seed.inner is not None and seed.wrap is not None and roll < 0.6:
        inner = seed.inner()
        for _ in range(rng.randint(1, 3)):
            inner = rng.choice(BYTE_MUTATORS)(rng, inner)
        return seed.wrap(inner)
    data = original
    for _ in range(rng.randint(1, 3)):
        data = rng.choice(BYTE_MUTATORS)(rng, data)
    return data


@dataclass
class Workspace:
    """A seed built once in a folder; `write(data)` puts mutated bytes in place and returns the input path."""

    seed: Seed
    input_path: Path
    target: Path
    original: bytes
    scratch: Path

    @classmethod
    def create(cls, seed: Seed, folder: Path) -> "Workspace":
        folder.mkdir(parents=True, exist_ok=True)
        input_path = seed.build(folder)
        target = input_path / seed.target if seed.target else input_path
        scratch = folder / ".scratch"
        scratch.mkdir(exist_ok=True)
        return cls(seed, input_path, target, target.read_bytes(), scratch)

    def write(self, data: bytes) -> Path:
        self.target.write_bytes(data)
        return self.input_path


class Crash(AssertionError):
    """An importer raised something other than a HarassAnalyzerError."""


def run_importer(importer_name: str, path: Path) -> tuple[str, int]:
    """Read `path` with the importer; returns (outcome, records). Raises Crash on any other exception."""
    imp = get_importer(importer_name)
    issues = IssueLog()
    if importer_name == "call_recording":  # not events: what is read of a recording is recording_info
        try:
            info = recording_info(path, str(path))
        except Exception as exc:  # noqa: BLE001
            raise Crash(f"{importer_name} on {path}: {type(exc).__name__}: {exc}") from exc
        return "read", int(info.duration_s is not None)
    try:
        frame = imp.read(path, ReadContext(issues, tz="Asia/Shanghai", source_name=str(path)))
    except HarassAnalyzerError:
        return "refused", 0
    except Exception as exc:  # noqa: BLE001 - that is the point: anything else is a crash
        raise Crash(f"{importer_name} on {path}: {type(exc).__name__}: {exc}") from exc
    return "read", len(frame)


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail with TimeoutError (a hang) when the block runs longer than `seconds` (main thread, POSIX)."""
    def hung(signum: int, frame: object) -> None:
        raise TimeoutError(f"no result after {seconds}s: a hang")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
