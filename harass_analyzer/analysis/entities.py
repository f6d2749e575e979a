"""Collector entities: group rotating numbers into one creditor/collector (rules.md, "sender_entity").

Evidence comes only from incoming *collection* messages (category "collection"); each piece becomes a
key, and numbers sharing a key join one entity (union-find):
  sig       the SMS signature 【XX金融】 (generic ones such as 【温馨提示】 are ignored)
  name      a lender/platform named in the text ("您在XX金融的借款…"); links numbers only when the same
            name is also a signature somewhere, or is named by ≥ 2 numbers (else it only names the group)
  callback  a number quoted after 致电/回电/联系/热线/客服… ("请回电4001234567") joins that number
  contract  a contract/loan/order number quoted (合同编号：HT20260301001)
  amount    an exact amount with cents, ≥ 100 (3,256.78元)
  user      the user's mapping file (CSV with columns number,entity): always wins for naming
Extraction runs once per distinct text of each number's earliest SAMPLE_MESSAGES (200) collection
messages: enough to find a signature, and a bounded cost on a million messages.

Entity names: the user's name, else the most used signature or linking platform name, else a platform
named by one number only, else the smallest number of the group. Counterparts with no collection
evidence keep **their own number** as entity (so per-entity metrics still cover every sender and
nothing is silently merged); "withheld" stays "withheld" and never joins a group. entities.csv lists collection entities only.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ..errors import ConfigError
from ..optfiles import read_option_text
from ..numbers import normalize_number
from ..schema import WITHHELD
from .columns import code_lookup, codes, mask_eq, stable_order, time_sorted

ENTITY_COLUMNS = ["entity", "numbers", "evidence"]

_SIG = r"[【〖]\s*([^【】〖〗\r\n]{2,20}?)\s*[】〗]"
_NAME = (r"(?:您在|您于|你在|在)([\u4e00-\u9fffA-Za-z]{2,12}?)(?:平台|APP|App|app)?(?:上|中|处|的)?"
         r"(?:借款|贷款|借的|申请的|账单|欠款|分期|借贷)")
_CALLBACK_WORDS = ("致电", "回电", "来电", "联系", "拨打", "热线", "客服", "专线", "咨询", "电话")
_CALLBACK = (r"(?:致电|回电|来电|联系(?!人)|拨打|热线|客服|专线|咨询|电话)[^\d]{0,6}"
             r"(?<!\d)(1[3-9]\d{9}|400-?\d{3}-?\d{4}|800-?\d{3}-?\d{4}|95\d{3,6}|0\d{2,3}-?\d{7,8})(?!\d)")
_CONTRACT = r"(?:合同|借款|订单|账单|贷款|案件)(?:编号|号码|号)[:：\s]*([A-Za-z0-9][A-Za-z0-9-]{5,29})"
_AMOUNT = r"(\d[\d,]*\.\d\d)\s*元"  # shape checked after matching (faster than look-behinds)
_AMOUNT_SHAPE = re.compile(r"\d{1,3}(?:,\d{3})+\.\d\d|\d+\.\d\d")
# kind, pattern, literals one of which a body must contain (a vectorized pre-filter)
_PATTERNS = (("sig", _SIG, ("【", "〖")), ("name", _NAME, ("在", "于")), ("callback", _CALLBACK, _CALLBACK_WORDS),
             ("contract", _CONTRACT, ("号",)), ("amount", _AMOUNT, ("元",)))
# Keys that can attach an unsigned number to a group but never merge two differently named groups.
WEAK_KEYS = ("callback", "contract", "amount")
SAMPLE_MESSAGES = 200  # collection messages scanned per number (earliest first)

GENERIC_SIGNATURES = {
    "温馨提示", "提示", "提醒", "通知", "重要通知", "紧急通知", "催收通知", "最后通知", "还款提醒",
    "逾期提醒", "法务部", "法务中心", "风控中心", "贷后管理", "贷后中心", "客服中心", "催收部",
    "账务中心", "律师函", "警告", "公告", "短信通知",
}
GENERIC_NAMES = {"本月", "本期", "本平台", "我司", "我公司", "平台", "我们", "我方", "本公司", "贵司", "当前", "近期"}
_KIND_LABEL = {"sig": "signature", "label": "named platform", "callback": "callback number",
               "contract": "contract number", "amount": "amount", "user": "user mapping",
               "confirmed": "labelled collector by the user (--numbers)"}


class _UnionFind:
    """Union-find over string nodes; each root remembers the names (signatures, user labels) it holds
    so that weak keys can refuse to merge two differently named groups."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.names: dict[str, frozenset[str]] = {}

    def find(self, x: str) -> str:
        root = x
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while self.parent.get(x, x) != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str, weak: bool = False) -> bool:
        """Merge; a weak merge of two roots that both carry names is refused (returns False)."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        na, nb = self.names.get(ra, frozenset()), self.names.get(rb, frozenset())
        if weak and na and nb:
            return False
        keep, drop = min(ra, rb), max(ra, rb)
        self.parent[drop] = keep
        self.names[keep] = na | nb
        self.names.pop(drop, None)
        return True


def extract_keys(bodies: pd.Series) -> pd.DataFrame:
    """Distinct bodies → long frame (body, key_kind, value): the grouping evidence in each text."""
    uniq = pd.Series(pd.unique(bodies.astype(str)), dtype="str")
    keys = _extract(uniq)
    keys.insert(0, "body", uniq.to_numpy(dtype=object)[keys.pop("i").to_numpy(dtype=np.int64)])
    return keys


def _extract(uniq: pd.Series) -> pd.DataFrame:
    """(i, key_kind, value) for distinct texts `uniq`. Each text is scanned once per pattern, and only
    if it holds one of the pattern's literals (a vectorized pre-filter)."""
    texts = uniq.tolist()  # plain Python strings: element access on Arrow arrays is slow
    rows: list[tuple[int, str, str]] = []
    for kind, pattern, literals in _PATTERNS:
        has = uniq.str.contains("|".join(map(re.escape, literals)), regex=True)
        rx = re.compile(pattern)
        rows += [(i, kind, v.strip()) for i in np.flatnonzero(has.to_numpy(dtype=bool, na_value=False))
                 for v in rx.findall(texts[i])]
    keys = pd.DataFrame(rows, columns=["i", "key_kind", "value"])
    generic = ((keys["key_kind"].eq("sig") & keys["value"].isin(GENERIC_SIGNATURES))
               | (keys["key_kind"].eq("name") & keys["value"].isin(GENERIC_NAMES)))
    keys = keys.loc[~generic].copy()
    is_num = keys["key_kind"].eq("callback")
    numbers = {v: normalize_number(v.replace("-", "")) for v in keys.loc[is_num, "value"].unique()}
    keys.loc[is_num, "value"] = keys.loc[is_num, "value"].map(numbers)
    amount = keys["key_kind"].eq("amount")
    shaped = pd.Series(True, index=keys.index)
    shaped.loc[amount] = keys.loc[amount, "value"].astype("str").str.fullmatch(_AMOUNT_SHAPE.pattern).astype(bool)
    keys.loc[amount, "value"] = keys.loc[amount, "value"].str.replace(",", "", regex=False)
    small = amount & (pd.to_numeric(keys["value"].where(amount), errors="coerce") < 100)
    return keys.loc[~small & ~(amount & ~shaped)].drop_duplicates().reset_index(drop=True)


def read_mapping(path: str | Path, region: str = "CN") -> pd.DataFrame:
    """User mapping CSV (header number,entity; utf-8) → frame (counterpart, entity); numbers without a
    country code are in `region`."""
    p = Path(path)
    text = read_option_text(p, "entities file")
    try:
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise ConfigError(f"entities file {p}: cannot read ({exc})") from exc
    if not rows or "entity" not in rows[0] or not ({"number", "counterpart"} & set(rows[0])):
        raise ConfigError(f"entities file {p}: needs a header with columns number,entity")
    out = []
    for line, row in enumerate(rows, start=2):
        number = (row.get("number") or row.get("counterpart") or "").strip()
        entity = (row.get("entity") or "").strip()
        if not number or not entity:
            raise ConfigError(f"entities file {p}: line {line} lacks a number or an entity")
        out.append((normalize_number(number, region), entity))
    return pd.DataFrame(out, columns=["counterpart", "entity"]).drop_duplicates("counterpart", keep="last")


def _evidence_edges(events: pd.DataFrame, number_codes: np.ndarray, number_values: np.ndarray) -> pd.DataFrame:
    """(counterpart, key_kind, value, messages, first_event) from incoming collection messages.
    `number_codes`/`number_values`: the counterpart column factorized once (analysis.columns.codes)."""
    mask = (mask_eq(events["direction"], "in") & ~mask_eq(events["kind"], "call")
            & mask_eq(events["msg_status"], "received") & mask_eq(events["category"], "collection")
            & (number_codes >= 0) & (number_codes != code_lookup(number_values, [WITHHELD])[0]))
    rows = np.flatnonzero(mask)
    if len(rows) == 0:
        return pd.DataFrame(columns=["counterpart", "key_kind", "value", "messages", "first_event"])
    rows = time_sorted(rows, events["ts_ms"].to_numpy())
    number_code, first_seen = pd.factorize(number_codes[rows])  # numbered in order of first message
    numbers = number_values[first_seen]
    totals = np.bincount(number_code, minlength=len(numbers))
    first_of_number = rows[np.unique(number_code, return_index=True)[1]]  # earliest row per number
    # Bounded cost: each number's earliest SAMPLE_MESSAGES messages carry its signature and keys.
    by_number = stable_order(number_code)
    starts = np.r_[0, np.cumsum(totals)[:-1]]
    rank = np.empty(len(rows), dtype=np.int64)
    rank[by_number] = np.arange(len(rows)) - np.repeat(starts, totals)
    keep = rank < SAMPLE_MESSAGES
    rows, number_code = rows[keep], number_code[keep]
    sample = pd.DataFrame({"number": number_code, "event_id": events["event_id"].take(rows).to_numpy(),
                           "body": events["body"].take(rows).to_numpy()})
    body_code, bodies = pd.factorize(sample["body"])
    sample["i"] = body_code
    pairs = (sample.groupby(["number", "i"], sort=True)
             .agg(messages=("event_id", "size"), first_event=("event_id", "first")).reset_index())
    keys = _extract(pd.Series(np.asarray(bodies, dtype=object), dtype="str"))
    pairs["counterpart"] = np.asarray(numbers, dtype=object)[pairs["number"].to_numpy()]
    edges = pairs[["counterpart", "i", "messages", "first_event"]].merge(keys, on="i").drop(columns="i")
    edges = (edges.groupby(["counterpart", "key_kind", "value"], sort=True)
             .agg(messages=("messages", "sum"), first_event=("first_event", "min")).reset_index())
    # A named platform links numbers only if it is also a signature or is named by ≥ 2 numbers.
    sig_values = set(edges.loc[edges["key_kind"].eq("sig"), "value"])
    name_rows = edges["key_kind"].eq("name")
    named_by = edges.loc[name_rows].groupby("value")["counterpart"].transform("nunique")
    lonely = pd.Series(False, index=edges.index)
    lonely.loc[named_by.index] = named_by.lt(2)
    weak = name_rows & ~edges["value"].isin(sig_values) & lonely
    edges.loc[name_rows & ~weak, "key_kind"] = "sig"  # same namespace as signatures
    edges.loc[weak, "key_kind"] = "label"  # names the group, links nothing
    edges = (edges.groupby(["counterpart", "key_kind", "value"], sort=True)
             .agg(messages=("messages", "sum"), first_event=("first_event", "min")).reset_index())
    own = pd.DataFrame({"counterpart": np.asarray(numbers, dtype=object), "messages": totals,
                        "first_event": events["event_id"].take(first_of_number).to_numpy()})
    own = own.assign(key_kind="own", value=own["counterpart"])  # every collector, keyed or not
    return pd.concat([edges, own[edges.columns]], ignore_index=True)


def assign_entities(events: pd.DataFrame, mapping_file: str | Path | None = None,
                    extra_mapping: pd.DataFrame | None = None, region: str = "CN"
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add `entity` to a copy of `events`; return it with entities.csv (entity, numbers, evidence).
    `extra_mapping` (counterpart, entity): collectors the user confirmed (analysis.labels); a row whose
    entity is the number itself confirms it without naming a group. `region`: the country of the mapping
    file's numbers written without a country code."""
    number_codes, number_values = codes(events["counterpart"])
    edges = _evidence_edges(events, number_codes, number_values)
    mapping = read_mapping(mapping_file, region) if mapping_file is not None else pd.DataFrame(
        columns=["counterpart", "entity"])
    present = set(number_values)
    confirmed = pd.DataFrame(columns=["counterpart", "entity"])
    if extra_mapping is not None and len(extra_mapping):
        unnamed = extra_mapping["entity"].eq(extra_mapping["counterpart"])
        mapping = pd.concat([mapping.loc[~mapping["counterpart"].isin(extra_mapping.loc[~unnamed, "counterpart"])],
                             extra_mapping.loc[~unnamed]], ignore_index=True)
        confirmed = extra_mapping.loc[unnamed & extra_mapping["counterpart"].isin(present)]
    mapping = mapping.loc[mapping["counterpart"].isin(present) & mapping["counterpart"].ne(WITHHELD)]
    user_edges = pd.DataFrame({"counterpart": mapping["counterpart"], "key_kind": "user",
                               "value": mapping["entity"], "messages": 0, "first_event": ""})
    confirmed_edges = pd.DataFrame({"counterpart": confirmed["counterpart"], "key_kind": "confirmed",
                                    "value": confirmed["counterpart"], "messages": 0, "first_event": ""})
    edges = pd.concat([edges, user_edges, confirmed_edges], ignore_index=True)
    edges["counterpart"] = edges["counterpart"].astype(str)
    # A weak key held by one number links nothing (unless it quotes a line that rings the user).
    weak = edges["key_kind"].isin(WEAK_KEYS)
    sharers = edges.groupby(["key_kind", "value"])["counterpart"].transform("nunique")
    edges = edges.loc[~weak | sharers.ge(2) | (edges["key_kind"].eq("callback") & edges["value"].isin(present))]
    uf, refused = _union(edges, present)

    numbers = sorted(set(edges["counterpart"]) | {
        v for v in edges.loc[edges["key_kind"].eq("callback"), "value"] if v in present and v != WITHHELD})
    out = events.copy(deep=False)  # copy-on-write (pandas 3): columns are replaced, never mutated
    if not numbers:
        out["entity"] = out["counterpart"]
        return out, pd.DataFrame(columns=ENTITY_COLUMNS)
    groups = pd.DataFrame({"counterpart": numbers})
    groups["root"] = groups["counterpart"].map(uf.find)
    edges["root"] = edges["counterpart"].map(uf.find)
    groups["entity"] = groups["root"].map(_name_groups(groups, edges))
    number_to_entity = dict(zip(groups["counterpart"], groups["entity"]))
    # once per distinct number, then one Arrow take for the million rows (not a per-row dict lookup)
    names = pa.array([number_to_entity.get(v, v) for v in number_values] + [None], type=pa.large_string())
    out["entity"] = pd.Series(pd.array(names.take(number_codes), dtype=pd.StringDtype("pyarrow", na_value=np.nan)),
                              index=out.index)
    return out, _entity_table(groups, edges, refused)


def _union(edges: pd.DataFrame, present: set) -> tuple[_UnionFind, list[tuple[str, str, str]]]:
    """Strong keys (user, signature) first; then weak keys, except those quoted by numbers of two or
    more differently named groups (ambiguous: they link nothing). Returns the refused (number, kind,
    value) edges for the evidence column."""
    uf = _UnionFind()
    is_weak = edges["key_kind"].isin(WEAK_KEYS).to_numpy()
    strong = edges.loc[~is_weak & ~edges["key_kind"].isin(["label", "own", "confirmed"])]
    strong = strong.sort_values(["key_kind", "value", "counterpart"], kind="mergesort")
    for member in edges["counterpart"].tolist():
        uf.find(member)
    for member, kind, value in zip(*(strong[c].astype(str).tolist() for c in ("counterpart", "key_kind", "value"))):
        node = f"{kind}\x00{value}"
        if node not in uf.parent and node not in uf.names:
            uf.names[node] = frozenset([node])
        uf.union(member, node)
    weak = edges.loc[is_weak, ["counterpart", "key_kind", "value"]].astype(str)
    roots = weak["counterpart"].map(uf.find)
    named = roots.where(roots.map(lambda r: bool(uf.names.get(r))))
    ambiguous = named.groupby([weak["key_kind"], weak["value"]]).transform("nunique").ge(2)
    refused = list(weak.loc[ambiguous].itertuples(index=False, name=None))
    usable = weak.loc[~ambiguous].sort_values(["key_kind", "value", "counterpart"], kind="mergesort")
    for member, kind, value in zip(*(usable[c].tolist() for c in ("counterpart", "key_kind", "value"))):
        if not uf.union(member, f"{kind}\x00{value}", weak=True):  # a chain would bridge two names
            refused.append((member, kind, value))
            continue
        if kind == "callback" and value in present and value != WITHHELD:
            if not uf.union(value, member, weak=True):  # the quoted line itself rings the user
                refused.append((value, kind, value))
    return uf, refused


def _name_groups(groups: pd.DataFrame, edges: pd.DataFrame) -> dict[str, str]:
    """root → entity name: user name, else most used signature, else a label, else smallest number."""
    names = groups.groupby("root")["counterpart"].min().to_dict()
    ranked = edges.loc[edges["key_kind"].isin(["user", "sig", "label"])]
    ranked = (ranked.groupby(["root", "key_kind", "value"], sort=True)["messages"].sum().reset_index()
              .assign(rank=lambda f: f["key_kind"].map({"user": 0, "sig": 1, "label": 2}),
                      neg=lambda f: -f["messages"]))
    best = ranked.sort_values(["root", "rank", "neg", "value"], kind="mergesort").drop_duplicates("root")
    names.update(dict(zip(best["root"], best["value"])))
    return names


_MAX_LISTED = 5


def _entity_table(groups: pd.DataFrame, edges: pd.DataFrame,
                  refused: list[tuple[str, str, str]]) -> pd.DataFrame:
    """entities.csv: numbers and the evidence that grouped them (plus bridges refused)."""
    entity_of = dict(zip(groups["counterpart"], groups["entity"]))
    skip = pd.MultiIndex.from_tuples(refused) if refused else None
    if skip is not None:
        edges = edges.loc[~pd.MultiIndex.from_frame(edges[["counterpart", "key_kind", "value"]].astype(str)).isin(skip)]
    rows = edges.assign(entity=edges["counterpart"].map(entity_of)).dropna(subset=["entity"])
    rank = {"user": 0, "sig": 1, "label": 2, "callback": 3, "contract": 4, "amount": 5, "own": 6, "confirmed": 7}
    rows = rows.assign(rank=rows["key_kind"].map(rank)).sort_values(
        ["entity", "rank", "value", "counterpart"], kind="mergesort")
    evidence: dict[str, list[str]] = {}
    current: tuple | None = None
    who: list[str] = []

    def flush() -> None:
        if current is None:
            return
        entity, kind, value = current
        if kind == "own":
            line = f"collection messages from {value}: {who[0]}"
        elif kind == "confirmed":
            line = f"{_KIND_LABEL[kind]}: {value}"
        else:
            shown = f"【{value}】" if kind == "sig" else f"「{value}」" if kind == "label" else str(value)
            verb = "quoted by" if kind == "callback" else "from"
            line = f"{_KIND_LABEL[kind]} {shown} {verb} {', '.join(who)}"
        evidence.setdefault(entity, []).append(line)

    columns = ("entity", "key_kind", "value", "counterpart", "messages", "first_event")
    for entity, kind, value, number, n, first in zip(*(rows[c].tolist() for c in columns)):
        if (entity, kind, value) != current:
            flush()
            current, who = (entity, kind, value), []
        who.append(f"{n} (first {first})" if kind == "own" else f"{number} ({first})" if first else str(number))
    flush()
    notes: dict[str, list[str]] = {}
    for number, kind, value in sorted(set(refused)):
        ent = entity_of.get(number)
        if ent is not None:
            notes.setdefault(ent, []).append(f"{_KIND_LABEL[kind]} {value} ({number})")
    for ent, items in notes.items():
        extra = f" (+{len(items) - _MAX_LISTED} more)" if len(items) > _MAX_LISTED else ""
        evidence.setdefault(ent, []).append("not used, also quoted for another signature: "
                                            + "; ".join(items[:_MAX_LISTED]) + extra)
    members = groups.groupby("entity", sort=True)["counterpart"].agg(lambda s: ";".join(sorted(s)))
    return pd.DataFrame({"entity": members.index, "numbers": members.to_numpy(),
                         "evidence": ["; ".join(evidence.get(e, [])) or "grouped by the user"
                                      for e in members.index]}, columns=ENTITY_COLUMNS)
