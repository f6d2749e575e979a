"""The cases of a batch: one phone's folder (or one export file) each, named by its last path part, with
per-case options from the command line's defaults and an optional cases.csv.

cases.csv (UTF-8, header row; only `case` is required, empty cells take the batch's default):

    case,role,tz,stop_date,labels
    phone_001,contact,Asia/Shanghai,2026-03-20,labels/phone_001.csv

`case` is a case's name (its folder or file name) or its path exactly as given on the command line;
`labels` (or `entities`) is the `--entities` file of that case (CSV number,entity), relative to the
folder of cases.csv. Every row must name a case of the batch: a typo is an error, not a silent default.
"""
from __future__ import annotations

import csv
import re
from dataclasses import asdict, dataclass, replace
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import ConfigError

ROLES = ("debtor", "contact")
_SAFE_NAME = re.compile(r"^[^/\\\x00-\x1f;,]+$")  # ; and , separate case lists in the outputs


@dataclass(frozen=True)
class Case:
    """One phone: its input path as the user wrote it (so source_file in events.csv reads as `analyze`
    of the same path would write it) and the options that differ between phones."""

    name: str
    path: str
    role: str = "debtor"
    tz: str = "Asia/Shanghai"
    stop_date: str | None = None
    entities_file: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def case_name(path: str) -> str:
    """Folder or file name of the case (`phones/phone_001/` → `phone_001`); `.` → the folder's own name."""
    name = Path(path).name or Path(path).resolve().name
    if name in ("", ".", "..") or name.startswith("."):
        name = Path(path).resolve().name
    if not name or name.startswith(".") or not _SAFE_NAME.match(name):
        raise ConfigError(f"{path}: cannot name a case after it (a case is a phone's folder or file)")
    return name


def check_options(where: str, role: str, tz: str, stop_date: str | None) -> None:
    if role not in ROLES:
        raise ConfigError(f"{where}: role {role!r}: use debtor or contact")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"{where}: tz {tz!r} is not a known time zone (e.g. Asia/Shanghai)") from exc
    if stop_date:
        try:
            date.fromisoformat(stop_date)
        except ValueError as exc:
            raise ConfigError(f"{where}: stop_date {stop_date!r} is not YYYY-MM-DD") from exc


def make_cases(paths: list[str], role: str = "debtor", tz: str = "Asia/Shanghai", stop_date: str | None = None,
               entities_file: str | None = None, cases_csv: str | Path | None = None) -> list[Case]:
    """One Case per path, in the order given; names must be unique (they become OUT/cases/<name>)."""
    if not paths:
        raise ConfigError("no cases given (each case is one phone's export folder or file)")
    check_options("batch options", role, tz, stop_date)
    cases, seen = [], {}
    for path in map(str, paths):
        name = case_name(path)
        if name in seen:
            raise ConfigError(f"two cases are both named {name!r} ({seen[name]} and {path}); "
                              "rename one folder so every case has its own name")
        seen[name] = path
        cases.append(Case(name, path, role, tz, stop_date, entities_file))
    return apply_cases_csv(cases, Path(cases_csv)) if cases_csv else cases


def apply_cases_csv(cases: list[Case], path: Path) -> list[Case]:
    """Cases with the options cases.csv gives them (empty cells keep the batch default)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"{path}: cannot read it as a UTF-8 CSV ({exc})") from exc
    if not rows or "case" not in (rows[0].keys()):
        raise ConfigError(f"{path}: needs a header row with a 'case' column (and role, tz, stop_date, labels)")
    by_key = {c.name: i for i, c in enumerate(cases)} | {c.path: i for i, c in enumerate(cases)}
    updated, done = list(cases), set()
    for line, row in enumerate(rows, start=2):
        where = f"{path} line {line}"
        key = (row.get("case") or "").strip()
        if key not in by_key:
            raise ConfigError(f"{where}: case {key!r} is not one of the batch's cases")
        index = by_key[key]
        if index in done:
            raise ConfigError(f"{where}: case {key!r} is listed twice")
        done.add(index)
        base = cases[index]
        labels = (row.get("labels") or row.get("entities") or "").strip()
        case = replace(base, role=(row.get("role") or "").strip() or base.role,
                       tz=(row.get("tz") or "").strip() or base.tz,
                       stop_date=(row.get("stop_date") or "").strip() or base.stop_date,
                       entities_file=str(path.parent / labels) if labels else base.entities_file)
        check_options(where, case.role, case.tz, case.stop_date)
        if case.entities_file and not Path(case.entities_file).is_file():
            raise ConfigError(f"{where}: labels file {case.entities_file} not found")
        updated[index] = case
    return updated
