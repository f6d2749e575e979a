"""Rule profiles: JSON rule packs (`rules/packs/<name>.json` or a user file) → validated RuleProfile.

Pack format (one entry per rule; see packs/cn.json):
  {"profile": "cn", "title": {"zh": …, "en": …}, "jurisdiction": …, "default_tz": "Asia/Shanghai",
   "rules": [{"id", "title": {"zh", "en"}, "citations": [{"document", "article", "wording"}, …],
              "legal_weight", "confidence", "kind", "params", "roles", "effective_from",
              "effective_until", "note"}]}
legal_weight ∈ statute | regulation | national_standard | self_regulation | heuristic;
confidence ∈ V1 | V2 | R (rules.md legend; ✗ claims are refused).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date, time
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.columns import wall_ns
from ..errors import ConfigError
from ..optfiles import read_option_text

LEGAL_WEIGHTS = ("statute", "regulation", "national_standard", "self_regulation", "heuristic")
CONFIDENCES = ("V1", "V2", "R")
ROLES = ("debtor", "contact")
COUNTS = ("contacts", "calls", "answered", "unanswered", "conversation", "actual", "messages")
OPS = (">", ">=")
KIND_PARAMS: dict[str, set[str]] = {
    "time_window": {"allowed", "count"},
    "daily_count": {"count", "op", "threshold", "period"},
    "rolling_count": {"count", "op", "threshold", "days"},
    "burst": {"count", "threshold", "minutes"},
    "after_conversation": {"days", "min_conversation_s"},
    "tagged_content": {"tags", "op", "threshold"},
    "third_party": {"op", "threshold"},
    "after_stop": {"op", "threshold", "count", "phrases"},
}
_DAY_SETS = {"all": range(7), "mon-fri": range(5), "sat-sun": range(5, 7)}


@dataclass(frozen=True)
class Citation:
    document: str
    article: str
    wording: str

    def text(self) -> str:
        article = f" {self.article}" if self.article else ""
        wording = f": {self.wording}" if self.wording else ""
        return f"{self.document}{article}{wording}"


@dataclass(frozen=True)
class Rule:
    id: str
    title_zh: str
    title_en: str
    citations: tuple[Citation, ...]
    legal_weight: str
    confidence: str
    kind: str
    params: dict[str, Any]
    roles: tuple[str, ...] = ROLES
    effective_from: date | None = None
    effective_until: date | None = None
    note: str = ""

    @property
    def threshold(self) -> int:
        return int(self.params.get("threshold", 0))

    @property
    def op(self) -> str:
        return str(self.params.get("op", ">"))

    def citation_text(self) -> str:
        return " | ".join(c.text() for c in self.citations)


@dataclass(frozen=True)
class RuleProfile:
    name: str
    title_zh: str
    title_en: str
    jurisdiction: str
    default_tz: str
    rules: tuple[Rule, ...]
    source: str
    note: str = ""
    _time_rule: Rule | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        first = next((r for r in self.rules if r.kind == "time_window"), None)
        object.__setattr__(self, "_time_rule", first)

    @property
    def night_hours(self) -> tuple[int, int]:
        """(night_start, night_end) whole hours of the main time rule's weekday window, for hour-based
        summaries such as senders.csv night_in: start = hour the allowed window closes, end = first
        whole hour inside it (07:30 → 8). Exact checks use `is_disallowed`."""
        if self._time_rule is None:
            return (22, 8)
        win = self._time_rule.params["allowed"][0]
        start, end = _parse_time(win["from"]), _parse_time(win["to"])
        return (end.hour, start.hour + (1 if (start.minute or start.second) else 0))

    def is_disallowed(self, local_time: pd.Series) -> pd.Series:
        """True where contact falls outside the main time rule's allowed hours (day-of-week aware)."""
        if self._time_rule is None:
            return pd.Series(False, index=local_time.index)
        return disallowed_mask(self._time_rule, local_time)


def disallowed_mask(rule: Rule, local_time: pd.Series) -> pd.Series:
    """Outside every allowed window of a time_window rule. `to` is exclusive unless to_inclusive
    (22:00 exclusive: 22:00:00 is out; 21:00 inclusive: 21:00:00 is in, 21:00:01 out)."""
    return pd.Series(disallowed_wall(rule, wall_ns(local_time)), index=local_time.index)


def disallowed_wall(rule: Rule, wall: np.ndarray) -> np.ndarray:
    """`disallowed_mask` on naive local wall-clock ns (analysis.columns.wall_ns): seconds of day,
    sub-second part and weekday by integer arithmetic."""
    whole, rest = np.divmod(wall, 1_000_000_000)
    seconds, fraction = whole % 86400, rest > 0
    weekday = (whole // 86400 + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    allowed = np.zeros(len(wall), dtype=bool)
    for win in rule.params["allowed"]:
        start, end = _seconds(win["from"]), _seconds(win["to"])
        on_day = np.zeros(7, dtype=bool)
        on_day[list(_DAY_SETS[win.get("days", "all")])] = True
        if win.get("to_inclusive", False):
            inside = (seconds >= start) & ((seconds < end) | ((seconds == end) & ~fraction))
        else:
            inside = (seconds >= start) & (seconds < end)
        allowed |= on_day[weekday] & inside
    return ~allowed


def _parse_time(text: str) -> time:
    return time.fromisoformat(text)


def _seconds(text: str) -> int:
    t = _parse_time(text)
    return t.hour * 3600 + t.minute * 60 + t.second


def builtin_profiles() -> list[str]:
    folder = resources.files("harass_analyzer.rules") / "packs"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))


def load_profile(name_or_path: str | Path) -> RuleProfile:
    """A built-in profile by name (cn, us, au, in) or a JSON rule-pack file."""
    key = str(name_or_path)
    if key in builtin_profiles():
        resource = resources.files("harass_analyzer.rules") / "packs" / f"{key}.json"
        return parse_profile(json.loads(resource.read_text(encoding="utf-8")), f"builtin:{key}")
    path = Path(key)
    if not os.path.lexists(path):
        raise ConfigError(f"rules {key!r}: not a built-in profile ({', '.join(builtin_profiles())}) "
                          "and not a readable file")
    text = read_option_text(path, "rules file")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"rules file {path}: cannot read JSON ({exc})") from exc
    except RecursionError:  # json recurses once per nesting level; a rule pack needs about five
        raise ConfigError(f"rules file {path}: JSON nested too deeply to be a rule pack") from None
    return parse_profile(data, str(path))


def parse_profile(data: Any, source: str) -> RuleProfile:
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list) or not data["rules"]:
        raise ConfigError(f"rules {source}: needs an object with a non-empty 'rules' list")
    title = data.get("title") or {}
    rules = tuple(_parse_rule(r, source, i) for i, r in enumerate(data["rules"]))
    ids = [r.id for r in rules]
    if len(set(ids)) != len(ids):
        raise ConfigError(f"rules {source}: duplicate rule ids")
    return RuleProfile(name=str(data.get("profile") or Path(source).stem), title_zh=str(title.get("zh", "")),
                       title_en=str(title.get("en", "")), jurisdiction=str(data.get("jurisdiction", "")),
                       default_tz=str(data.get("default_tz", "")), rules=rules, source=source,
                       note=str(data.get("note", "")))


def _parse_rule(raw: Any, source: str, index: int) -> Rule:
    where = f"rules {source}: rule #{index + 1}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: not an object")
    where = f"rules {source}: rule {raw.get('id', '#' + str(index + 1))}"
    for key in ("id", "title", "citations", "legal_weight", "confidence", "kind", "params"):
        if key not in raw:
            raise ConfigError(f"{where}: missing '{key}'")
    if raw["legal_weight"] not in LEGAL_WEIGHTS:
        raise ConfigError(f"{where}: legal_weight must be one of {', '.join(LEGAL_WEIGHTS)}")
    if raw["confidence"] not in CONFIDENCES:
        raise ConfigError(f"{where}: confidence must be one of {', '.join(CONFIDENCES)} (✗ claims are refused)")
    kind, params = raw["kind"], raw["params"]
    if kind not in KIND_PARAMS:
        raise ConfigError(f"{where}: unknown kind {kind!r} ({', '.join(KIND_PARAMS)})")
    if not isinstance(params, dict) or set(params) - KIND_PARAMS[kind]:
        raise ConfigError(f"{where}: params must be an object with keys from {sorted(KIND_PARAMS[kind])}")
    _check_params(kind, params, where)
    roles = tuple(raw.get("roles", ROLES))
    if not roles or set(roles) - set(ROLES):
        raise ConfigError(f"{where}: roles must be a subset of {ROLES}")
    cites = raw["citations"]
    if not isinstance(cites, list) or not cites or not all(isinstance(c, dict) and c.get("document") for c in cites):
        raise ConfigError(f"{where}: citations must be a non-empty list of {{document, article, wording}}")
    title = raw["title"] if isinstance(raw["title"], dict) else {}
    return Rule(id=str(raw["id"]), title_zh=str(title.get("zh", "")), title_en=str(title.get("en", "")),
                citations=tuple(Citation(str(c["document"]), str(c.get("article", "")), str(c.get("wording", "")))
                                for c in cites),
                legal_weight=raw["legal_weight"], confidence=raw["confidence"], kind=kind, params=params,
                roles=roles, effective_from=_date(raw.get("effective_from"), where),
                effective_until=_date(raw.get("effective_until"), where), note=str(raw.get("note", "")))


def _check_params(kind: str, params: dict, where: str) -> None:
    try:
        if "count" in params and params["count"] not in COUNTS:
            raise ValueError(f"count must be one of {COUNTS}")
        if "op" in params and params["op"] not in OPS:
            raise ValueError(f"op must be one of {OPS}")
        if "threshold" in params:
            int(params["threshold"])
        if kind == "time_window":
            if not params.get("allowed"):
                raise ValueError("time_window needs 'allowed' windows")
            for win in params["allowed"]:
                _parse_time(win["from"]), _parse_time(win["to"])
                if win.get("days", "all") not in _DAY_SETS:
                    raise ValueError(f"days must be one of {sorted(_DAY_SETS)}")
        if kind == "daily_count" and params.get("period", "day") not in ("day", "month"):
            raise ValueError("period must be day or month")
        if kind == "tagged_content" and not params.get("tags"):
            raise ValueError("tagged_content needs 'tags'")
        for key in ("days", "minutes"):
            if key in params and float(params[key]) <= 0:
                raise ValueError(f"{key} must be positive")
    except (ValueError, TypeError, KeyError) as exc:
        raise ConfigError(f"{where}: bad params ({exc})") from exc


def _date(value: Any, where: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ConfigError(f"{where}: bad date {value!r} (use YYYY-MM-DD)") from exc
