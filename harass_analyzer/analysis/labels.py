"""The user's word on numbers (`--numbers FILE`): CSV `number,label[,entity]`, UTF-8 (or GBK, as Excel saves
it on a Chinese Windows), one number a line.

  collector      a collector: its calls count as collection contact (a confirmed, not suspected, collector);
                 with an entity name it joins that entity (as `--entities` does)
  not_collector  not a collector (a courier, a bank's service line): never a suspect
  personal       family or a friend: every event with the number leaves the analysis (events.csv, senders,
                 charts, rules, report); the manifest and the report's method section say how many

A header line `number,label[,entity]` is optional. A label given twice for one number: the later line
wins (as in --entities). Unknown labels, missing numbers or an entity on a non-collector line stop the
run with the file and line named.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import ConfigError
from ..numbers import normalize_number
from ..optfiles import read_option_bytes
from ..schema import WITHHELD

LABELS = ("collector", "not_collector", "personal")
_ALIASES = {"催收": "collector", "非催收": "not_collector", "not collector": "not_collector",
            "notcollector": "not_collector", "家人": "personal", "朋友": "personal", "亲友": "personal"}


@dataclass
class NumberLabels:
    """Normalized numbers by label; `entity_of` names the entity a collector line gave."""

    collector: set[str] = field(default_factory=set)
    not_collector: set[str] = field(default_factory=set)
    personal: set[str] = field(default_factory=set)
    entity_of: dict[str, str] = field(default_factory=dict)

    def mapping(self) -> pd.DataFrame:
        """Confirmed collectors as an entities mapping (counterpart, entity): the entity given, else the
        number itself."""
        rows = [(n, self.entity_of.get(n, n)) for n in sorted(self.collector)]
        return pd.DataFrame(rows, columns=["counterpart", "entity"])


def read_labels(path: str | Path) -> NumberLabels:
    p = Path(path)
    data = read_option_bytes(p, "numbers file")  # a FIFO or folder is an error, never a hang
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")  # Excel on a Chinese Windows saves CSV in GBK
        except UnicodeDecodeError as exc:
            raise ConfigError(f"numbers file {p}: not UTF-8 or GBK text ({exc.reason} at byte {exc.start})") from exc
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise ConfigError(f"numbers file {p}: cannot read ({exc})") from exc
    labels: dict[str, tuple[str, str]] = {}
    for line, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if line == 1 and cells[0].lower() in ("number", "counterpart", "号码"):
            continue  # header
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise ConfigError(f"numbers file {p}: line {line} needs number,label (label: {', '.join(LABELS)})")
        label = _ALIASES.get(cells[1].lower(), cells[1].lower())
        if label not in LABELS:
            raise ConfigError(f"numbers file {p}: line {line}: label {cells[1]!r} is not one of {', '.join(LABELS)}")
        entity = cells[2] if len(cells) > 2 else ""
        if entity and label != "collector":
            raise ConfigError(f"numbers file {p}: line {line}: an entity name only goes with label collector")
        number = normalize_number(cells[0])
        if number == WITHHELD:
            raise ConfigError(f"numbers file {p}: line {line}: {cells[0]!r} is not a number that can be labelled")
        labels[number] = (label, entity)
    out = NumberLabels()
    for number, (label, entity) in labels.items():
        getattr(out, label).add(number)
        if entity:
            out.entity_of[number] = entity
    return out


def drop_personal(events: pd.DataFrame, labels: NumberLabels | None) -> tuple[pd.DataFrame, int]:
    """`events` without the events of numbers labelled personal, and how many were dropped. Event ids
    are kept as they were (a gap in the ids is a removed personal event)."""
    if labels is None or not labels.personal:
        return events, 0
    gone = events["counterpart"].isin(sorted(labels.personal)).to_numpy(dtype=bool, na_value=False)
    if not gone.any():
        return events, 0
    return events.loc[~gone].reset_index(drop=True), int(gone.sum())
