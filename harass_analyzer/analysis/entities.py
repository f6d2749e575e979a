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
Extraction runs once per distinct body (vectorized str.extractall).

Entity names: the user's name, else the most used signature or linking platform name, else a platform
named by one number only, else the smallest number of the group. Counterparts with no collection
evidence keep **their own number** as entity (so per-entity metrics still cover every sender and
nothing is silently merged); "withheld" stays "withheld" and never joins a group. entities.csv lists collection entities only.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from ..errors import ConfigError
from ..numbers import normalize_number
from ..schema import WITHHELD

ENTITY_COLUMNS = ["entity", "numbers", "evidence"]

_SIG = r"[【〖]\s*([^【】〖〗\r\n]{2,20}?)\s*[】〗]"
_NAME = (r"(?:您在|您于|你在|在)([\u4e00-\u9fffA-Za-z]{2,12}?)(?:平台|APP|App|app)?(?:上|中|处|的)?"
         r"(?:借款|贷款|借的|申请的|账单|欠款|分期|借贷)")
_CALLBACK = (r"(?:致电|回电|来电|联系(?!人)|拨打|热线|客服|专线|咨询|电话)[^\d]{0,6}"
             r"(?<!\d)(1[3-9]\d{9}|400-?\d{3}-?\d{4}|800-?\d{3}-?\d{4}|95\d{3,6}|0\d{2,3}-?\d{7,8})(?!\d)")
_CONTRACT = r"(?:合同|借款|订单|账单|贷款|案件)(?:编号|号码|号)[:：\s]*([A-Za-z0-9][A-Za-z0-9-]{5,29})"
_AMOUNT = r"(?<![\d.,])(\d{1,3}(?:,\d{3})+\.\d{2}|\d+\.\d{2})\s*元"

GENERIC_SIGNATURES = {
    "温馨提示", "提示", "提醒", "通知", "重要通知", "紧急通知", "催收通知", "最后通知", "还款提醒",
    "逾期提醒", "法务部", "法务中心", "风控中心", "贷后管理", "贷后中心", "客服中心", "催收部",
    "账务中心", "律师函", "警告", "公告", "短信通知",
}
GENERIC_NAMES = {"本月", "本期", "本平台", "我司", "我公司", "平台", "我们", "我方", "本公司", "贵司", "当前", "近期"}
_KIND_LABEL = {"sig": "signature", "label": "named platform", "callback": "callback number",
               "contract": "contract number", "amount": "amount", "user": "user mapping"}


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        root = x
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while self.parent.get(x, x) != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def extract_keys(bodies: pd.Series) -> pd.DataFrame:
    """Distinct bodies → long frame (body, key_kind, value): the grouping evidence in each text."""
    uniq = pd.Series(pd.unique(bodies.astype(str)), dtype=object)
    parts = []
    for kind, pattern in (("sig", _SIG), ("name", _NAME), ("callback", _CALLBACK),
                          ("contract", _CONTRACT), ("amount", _AMOUNT)):
        found = uniq.str.extractall(pattern)
        if found.empty:
            continue
        values = found[0].astype(str)
        parts.append(pd.DataFrame({"body": uniq.to_numpy()[found.index.get_level_values(0)],
                                   "key_kind": kind, "value": values.to_numpy()}))
    if not parts:
        return pd.DataFrame(columns=["body", "key_kind", "value"])
    keys = pd.concat(parts, ignore_index=True)
    keys["value"] = keys["value"].str.strip()
    generic = ((keys["key_kind"].eq("sig") & keys["value"].isin(GENERIC_SIGNATURES))
               | (keys["key_kind"].eq("name") & keys["value"].isin(GENERIC_NAMES)))
    keys = keys.loc[~generic]
    is_num = keys["key_kind"].eq("callback")
    numbers = {v: normalize_number(v.replace("-", "")) for v in keys.loc[is_num, "value"].unique()}
    keys.loc[is_num, "value"] = keys.loc[is_num, "value"].map(numbers)
    amount = keys["key_kind"].eq("amount")
    keys.loc[amount, "value"] = keys.loc[amount, "value"].str.replace(",", "", regex=False)
    small = amount & (pd.to_numeric(keys["value"].where(amount), errors="coerce") < 100)
    return keys.loc[~small].drop_duplicates().reset_index(drop=True)


def read_mapping(path: str | Path) -> pd.DataFrame:
    """User mapping CSV (header number,entity; utf-8) → frame (counterpart, entity)."""
    p = Path(path)
    try:
        with p.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"entities file {p}: cannot read ({exc})") from exc
    if not rows or "entity" not in rows[0] or not ({"number", "counterpart"} & set(rows[0])):
        raise ConfigError(f"entities file {p}: needs a header with columns number,entity")
    out = []
    for line, row in enumerate(rows, start=2):
        number = (row.get("number") or row.get("counterpart") or "").strip()
        entity = (row.get("entity") or "").strip()
        if not number or not entity:
            raise ConfigError(f"entities file {p}: line {line} lacks a number or an entity")
        out.append((normalize_number(number), entity))
    return pd.DataFrame(out, columns=["counterpart", "entity"]).drop_duplicates("counterpart", keep="last")


def _evidence_edges(events: pd.DataFrame) -> pd.DataFrame:
    """(counterpart, key_kind, value, messages, first_event) from incoming collection messages."""
    coll = events.loc[events["direction"].eq("in") & events["kind"].ne("call")
                      & events["msg_status"].eq("received") & events["category"].eq("collection")
                      & events["counterpart"].ne(WITHHELD)]
    if coll.empty:
        return pd.DataFrame(columns=["counterpart", "key_kind", "value", "messages", "first_event"])
    coll = coll.sort_values(["ts_ms", "event_id"], kind="mergesort")
    keys = extract_keys(coll["body"])
    pairs = (coll.groupby(["counterpart", "body"], sort=False)
             .agg(messages=("event_id", "size"), first_event=("event_id", "first")).reset_index())
    edges = pairs.merge(keys, on="body")
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
    own = (coll.groupby("counterpart", sort=True)
           .agg(messages=("event_id", "size"), first_event=("event_id", "first")).reset_index())
    own = own.assign(key_kind="own", value=own["counterpart"])  # every collector, keyed or not
    return pd.concat([edges, own[edges.columns]], ignore_index=True)


def assign_entities(events: pd.DataFrame, mapping_file: str | Path | None = None
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add `entity` to a copy of `events`; return it with entities.csv (entity, numbers, evidence)."""
    edges = _evidence_edges(events)
    mapping = read_mapping(mapping_file) if mapping_file is not None else pd.DataFrame(
        columns=["counterpart", "entity"])
    present = set(events["counterpart"].unique())
    mapping = mapping.loc[mapping["counterpart"].isin(present) & mapping["counterpart"].ne(WITHHELD)]
    user_edges = pd.DataFrame({"counterpart": mapping["counterpart"], "key_kind": "user",
                               "value": mapping["entity"], "messages": 0, "first_event": ""})
    edges = pd.concat([edges, user_edges], ignore_index=True)

    uf = _UnionFind()
    for number, kind, value in edges[["counterpart", "key_kind", "value"]].itertuples(index=False):
        member = str(number)
        uf.find(member)
        if kind in ("label", "own"):
            continue
        uf.union(member, f"{kind}\x00{value}")
        if kind == "callback" and value in present and value != WITHHELD:
            uf.union(str(value), member)  # the quoted line itself rings the user: same group

    numbers = sorted(n for n in set(edges["counterpart"].astype(str)) | {
        v for v in edges.loc[edges["key_kind"].eq("callback"), "value"] if v in present and v != WITHHELD})
    if not numbers:
        out = events.copy()
        out["entity"] = out["counterpart"]
        return out, pd.DataFrame(columns=ENTITY_COLUMNS)
    groups = pd.DataFrame({"counterpart": numbers})
    groups["root"] = groups["counterpart"].map(uf.find)
    edges["root"] = edges["counterpart"].astype(str).map(uf.find)
    names = _name_groups(groups, edges)
    groups["entity"] = groups["root"].map(names)

    number_to_entity = dict(zip(groups["counterpart"], groups["entity"]))
    out = events.copy()
    out["entity"] = out["counterpart"].map(number_to_entity).fillna(out["counterpart"])
    return out, _entity_table(groups, edges)


def _name_groups(groups: pd.DataFrame, edges: pd.DataFrame) -> dict[str, str]:
    """root → entity name: user name, else most used signature, else a label, else smallest number."""
    smallest = groups.groupby("root")["counterpart"].min()
    names = smallest.to_dict()
    ranked = edges.loc[edges["key_kind"].isin(["user", "sig", "label"])]
    ranked = (ranked.groupby(["root", "key_kind", "value"], sort=True)["messages"].sum().reset_index()
              .assign(rank=lambda f: f["key_kind"].map({"user": 0, "sig": 1, "label": 2}),
                      neg=lambda f: -f["messages"]))
    best = ranked.sort_values(["root", "rank", "neg", "value"], kind="mergesort").drop_duplicates("root")
    names.update(dict(zip(best["root"], best["value"])))
    return names


def _entity_table(groups: pd.DataFrame, edges: pd.DataFrame) -> pd.DataFrame:
    entity_of = dict(zip(groups["counterpart"], groups["entity"]))
    edges = edges.assign(entity=edges["counterpart"].map(entity_of))
    edges = edges.loc[edges["entity"].notna()].sort_values(["entity", "key_kind", "value", "counterpart"])
    evidence: dict[str, list[str]] = {}
    for (entity, kind, value), sub in edges.groupby(["entity", "key_kind", "value"], sort=False):
        if kind == "own":
            n, first = sub["messages"].iloc[0], sub["first_event"].iloc[0]
            evidence.setdefault(entity, []).append(f"{n} collection message(s) from {value} (first {first})")
            continue
        shown = f"【{value}】" if kind == "sig" else f"「{value}」" if kind == "label" else str(value)
        who = ", ".join(f"{n} ({e})" if e else str(n)
                        for n, e in sub[["counterpart", "first_event"]].itertuples(index=False))
        verb = "quoted by" if kind == "callback" else "from"
        evidence.setdefault(entity, []).append(f"{_KIND_LABEL[kind]} {shown} {verb} {who}")
    members = groups.groupby("entity", sort=True)["counterpart"].agg(lambda s: ";".join(sorted(s)))
    return pd.DataFrame({"entity": members.index, "numbers": members.to_numpy(),
                         "evidence": ["; ".join(evidence.get(e, [])) or "grouped by the user"
                                      for e in members.index]}, columns=ENTITY_COLUMNS)
