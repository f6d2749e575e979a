"""Android `.ab` and MIUI `.bak` containers: inner telephony files imported; encryption, bombs, `../` names."""
from __future__ import annotations

from pathlib import Path

import pytest

from harass_analyzer.errors import UnreadableSource
from harass_analyzer.importers import android_container, detect
from harass_analyzer.importers.base import IssueLog, ReadContext

from .make_fixtures import FIXTURES, android_backup_bytes, make_calllog, make_mmssms, tree_hashes

TELEPHONY = "apps/com.android.providers.telephony"


def _members(tmp_path: Path) -> dict[str, bytes]:
    calllog = make_calllog(tmp_path)
    return {
        f"{TELEPHONY}/_manifest": b"1\n30\ncom.android.providers.telephony\n",
        f"{TELEPHONY}/d_f/000000_sms_backup": (FIXTURES / "aosp_backup_000000_sms_backup.zlib").read_bytes(),
        f"{TELEPHONY}/d_f/000001_mms_backup": (FIXTURES / "aosp_backup_000001_mms_backup.zlib").read_bytes(),
        "apps/com.android.providers.contacts/db/calllog.db": calllog.read_bytes(),
        "apps/com.android.providers.contacts/db/calllog.db-wal": Path(f"{calllog}-wal").read_bytes(),
        "apps/com.example.gallery/f/photo.jpg": b"\xff\xd8\xff" + b"\x00" * 5000,
    }


def _read(path: Path):
    log = IssueLog()
    imp = detect(path)
    assert imp is not None and imp.NAME == "android_backup"
    return imp.read(path, ReadContext(log)), log


@pytest.mark.parametrize("compress", [True, False])
def test_adb_backup_imports_inner_files(tmp_path: Path, compress: bool) -> None:
    src = tmp_path / "src"
    src.mkdir()
    path = tmp_path / "backup.ab"
    path.write_bytes(android_backup_bytes(_members(src), compress=compress))
    before = tree_hashes([path])
    df, log = _read(path)
    assert len(log.issues) == 1 and log.issues[0].source_ref == "calls:_id=10"  # the undated call inside
    assert df.source_format.value_counts().to_dict() == {"android_calllog": 11, "aosp_backup": 2}
    assert set(df.source_file) == {f"{path}!{TELEPHONY}/d_f/000000_sms_backup",
                                   f"{path}!{TELEPHONY}/d_f/000001_mms_backup",
                                   f"{path}!apps/com.android.providers.contacts/db/calllog.db"}
    assert "calls:_id=12" in set(df.source_ref)  # row only in the -wal member
    assert tree_hashes([path]) == before


def test_miui_bak(tmp_path: Path) -> None:
    mmssms = make_mmssms(tmp_path)
    path = tmp_path / "短信(com.android.mms).bak"
    path.write_bytes(android_backup_bytes({"apps/com.android.mms/db/mmssms.db": mmssms.read_bytes(),
                                           "apps/com.android.mms/db/mmssms.db-wal": Path(f"{mmssms}-wal").read_bytes()},
                                          miui=True))
    df, log = _read(path)
    assert len(df) == 10 and set(df.source_format) == {"android_mmssms"}
    assert sorted(i.source_ref for i in log.issues) == ["pdu:_id=3", "sms:_id=6"]


def test_encrypted_backup_refused(tmp_path: Path) -> None:
    for miui in (False, True):
        path = tmp_path / f"enc{miui}.ab"
        path.write_bytes(android_backup_bytes({"a": b"x"}, encrypted=True, miui=miui))
        with pytest.raises(UnreadableSource, match="ENCRYPTED Android backup"):
            _read(path)


def test_unsafe_member_names_are_not_written(tmp_path: Path) -> None:
    sqlite_head = (FIXTURES / "android_mmssms_samsung_dfrws2021.db").read_bytes()
    path = tmp_path / "evil.ab"
    path.write_bytes(android_backup_bytes({"../../escaped.db": sqlite_head, "/etc/abs.db": sqlite_head,
                                           "apps/x/db/mmssms.db": sqlite_head}))
    df, log = _read(path)
    assert len(df) == 32
    assert sorted(i.source_ref for i in log.issues) == ["../../escaped.db", "/etc/abs.db"]
    assert not list(tmp_path.parent.glob("escaped.db")) and not Path("/etc/abs.db").exists()


def test_bomb_and_size_caps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bomb.ab"
    path.write_bytes(android_backup_bytes({"apps/x/f/zeros.db": b"SQLite format 3\x00" + b"\x00" * 2_000_000}))
    assert path.stat().st_size < 20_000
    monkeypatch.setattr(android_container, "MAX_INFLATED", 1_000_000)
    with pytest.raises(UnreadableSource, match="zip bomb"):
        _read(path)
    monkeypatch.setattr(android_container, "MAX_INFLATED", 1 << 30)
    monkeypatch.setattr(android_container, "MAX_MEMBER", 1_000_000)
    df, log = _read(path)
    assert len(df) == 0 and any("larger than" in i.reason for i in log.issues)


def test_truncated_backup_keeps_earlier_members(tmp_path: Path) -> None:
    members = {f"{TELEPHONY}/d_f/000000_sms_backup": (FIXTURES / "aosp_backup_000000_sms_backup.zlib").read_bytes(),
               "apps/x/f/big.bin": bytes(range(256)) * 4000}
    data = android_backup_bytes(members, compress=False)
    path = tmp_path / "cut.ab"
    path.write_bytes(data[: len(data) // 2])
    df, log = _read(path)
    assert len(df) == 1 and any("later members not read" in i.reason for i in log.issues)


def test_garbage_after_header(tmp_path: Path) -> None:
    path = tmp_path / "junk.ab"
    path.write_bytes(b"ANDROID BACKUP\n5\n1\nnone\n" + b"not zlib at all" * 10)
    with pytest.raises(UnreadableSource):
        _read(path)
