"""Is this phone a third party's? Collectors write differently to a debtor's 紧急联系人 or a friend in the
address book: "您的朋友张三在我司借款…其填写您为紧急联系人，请转告他". When most collection texts read
like that and the user did not say whose phone it is (`--role`), the run suggests `--role contact`
(every collection contact with a third party is then a violation in itself).

A text threatening the debtor with their contacts ("发给你通讯录里的所有人", "联系你的紧急联系人") is
addressed to the debtor and does not count.
"""
from __future__ import annotations

import re

import pandas as pd

from .columns import mask_eq

_THIRD_PARTY = re.compile(
    r"填写?您为[^，。,.]{0,6}紧急联系人|您是[^，。,.]{0,12}(?:紧急联系人|通讯录联系人|联系人)"
    r"|作为[^，。,.]{0,8}紧急联系人|转告"
    r"|(?:您|你)的(?:好友|朋友|亲属|家人|同事|亲戚|同学)[^，。,.]{0,12}(?:借款|欠款|逾期|贷款|借了)"
    r"|(?:您|你)在[^，。,.]{1,12}的通讯录")
MIN_MESSAGES = 2
MIN_SHARE = 1 / 3


def third_party_messages(events: pd.DataFrame) -> pd.Series:
    """Received collection messages addressed to a third party (the rows' event ids)."""
    rows = (mask_eq(events["direction"], "in") & ~mask_eq(events["kind"], "call")
            & mask_eq(events["msg_status"], "received") & mask_eq(events["category"], "collection"))
    bodies = events.loc[rows, "body"].astype(str)
    hit = bodies.str.contains(_THIRD_PARTY, regex=True)
    return events.loc[hit.index[hit.to_numpy(dtype=bool)], "event_id"]


def role_hint(events: pd.DataFrame, role: str, role_given: bool) -> dict | None:
    """{"messages": n, "collection": total, "examples": [event ids]} when at least MIN_MESSAGES and
    MIN_SHARE of the received collection texts are addressed to a third party and the user gave no
    --role (a role the user chose is never second-guessed); else None."""
    if role_given or role == "contact":
        return None
    collection = int((mask_eq(events["direction"], "in") & ~mask_eq(events["kind"], "call")
                      & mask_eq(events["msg_status"], "received") & mask_eq(events["category"], "collection")).sum())
    found = third_party_messages(events)
    if len(found) < MIN_MESSAGES or len(found) < MIN_SHARE * collection:
        return None
    return {"messages": len(found), "collection": collection, "examples": found.head(3).astype(str).tolist()}
