"""Synthetic SMS Backup & Restore exports: a Chinese debt-collection campaign plus ordinary traffic, and a
collector that only ever calls (a suspected collector from call patterns alone).

Everything here is invented (names, numbers, lenders, amounts); it is the tool's sample data and the
benchmark's load generator. Deterministic for a seed; streams to disk, so it scales to millions.

    python -m harass_analyzer.synthetic OUTDIR --sms 600 --calls 400 --seed 7
"""
from __future__ import annotations

import argparse
import base64
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

CST = timezone(timedelta(hours=8))
START = datetime(2026, 3, 2, tzinfo=CST)  # after the 2026 rules took effect
DAYS = 40
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"

# Invented lenders/agencies and the numbers each rotates through (mobile, 95/96 short, 1069 bulk).
COLLECTORS = [
    ("速借金融", ["13912340001", "13912340002", "17012340003", "17112340004", "10691234560001"]),
    ("易贷花", ["18612340011", "16512340012", "95011"]),
    ("鑫融资产管理", ["15812340021", "15812340022", "0755-86001234"]),
]
COLLECTION_TEMPLATES = [
    "【{org}】{name}您好，您在本平台的借款已逾期{days}天，欠款{amount}元，请于今日{hour}点前还款，以免影响个人征信。",
    "【{org}】{name}，您的欠款{amount}元已严重逾期，我司将于{days}日内向法院提起诉讼，届时您将被列入失信被执行人名单。",
    "{name}再不还款，我们就把你欠钱的事发给你通讯录里的所有人，让你的亲戚朋友同事都知道。",
    "您好，您的朋友{name}在我司借款{amount}元逾期未还，其填写您为紧急联系人，请转告他尽快还款，回电{callback}。",
    "【{org}】已安排外访人员近日上门到您单位及户籍地核实情况，请保持电话畅通。",
    "{name}：你涉嫌恶意逃废债务，市公安局经侦大队已立案，请24小时内联系{callback}处理，否则后果自负。",
    "{name}你个老赖，借钱不还的垃圾，全家都不要脸。",
    "欠债还钱天经地义，再不处理，注意你和家人的安全。",
    "【{org}】温馨提示：{name}您的账单已逾期{days}天，今日23点前未还款将转交第三方催收。",
]
ORDINARY = [
    ("95555", "【招商银行】您尾号{tail}的信用卡本期账单{amount}元，到期还款日{due}，请按时还款。"),
    ("1069012345678", "【美团】验证码{code}，5分钟内有效，请勿泄露给他人。"),
    ("1065502000001", "【顺丰速运】您的快件已到达小区驿站，取件码{tail}，请尽快取件。"),
    ("1069098765432", "【闪电贷】您有一笔{amount}元额度待领取，最快3分钟到账，回T退订。"),
    ("13600001111", "晚上一起吃饭吗？"),
    ("13600001111", "到家了告诉我一声 &#55357;&#56842;"),
    ("13700002222", "妈：周末回来吗？给你炖了汤。"),
    ("13700002222", "好的，路上注意安全"),
]
FRIENDS = ["13600001111", "13700002222", "+86 135 0000 3333"]
# A collector that only ever calls (a fresh virtual-operator number, never a text), and two ordinary callers
# that must not look like one: a delivery courier and a bank's 95 service line.
CALLS_ONLY_COLLECTOR = "17055550101"
COURIER = "15200004444"
BANK_LINE = "95555"
CONTACT_NAMES = {"13600001111": "李晓明", "13700002222": "妈妈", "+86 135 0000 3333": "王姐"}


@dataclass
class Sizes:
    sms: int = 600
    calls: int = 400
    mms: int = 3
    media_bytes: int = 2048  # base64 characters per MMS image part
    surrogate_emoji: bool = True  # emoji as `&#55357;&#56842;` (real app setting; bare lxml cannot read it)
    calls_only: bool = True  # add the calls-only collector, the courier and the bank line (fixed, ~60 calls)


def _esc(text: str) -> str:
    # Character references (&#…;) in templates are kept as written: SMS B&R writes emoji that way.
    return (text.replace("&", "&amp;").replace("&amp;#", "&#").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\n", "&#10;"))


def _contact(address: str) -> str:
    name = CONTACT_NAMES.get(address)
    return f' contact_name="{name}"' if name else ' contact_name="(Unknown)"'


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")


def _when(rng: random.Random, night_share: float) -> int:
    day = START + timedelta(days=rng.randrange(DAYS))
    if rng.random() < night_share:
        hour = rng.choice([22, 23, 0, 1, 6, 7])
    else:
        hour = rng.randrange(8, 22)
    moment = day.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))
    return int(moment.timestamp() * 1000)


def _sms_lines(rng: random.Random, n: int, surrogate_emoji: bool = True) -> Iterator[tuple[int, str]]:
    for _ in range(n):
        if rng.random() < 0.7:
            org, numbers = rng.choice(COLLECTORS)
            address = rng.choice(numbers)
            body = rng.choice(COLLECTION_TEMPLATES).format(
                org=org, name=_name(rng), days=rng.randrange(3, 120), amount=rng.randrange(500, 50000),
                hour=rng.randrange(12, 23), callback=rng.choice(numbers))
            ts, kind = _when(rng, 0.25), 1
        else:
            address, template = rng.choice(ORDINARY)
            body = template.format(tail=rng.randrange(1000, 9999), amount=rng.randrange(100, 9000),
                                   due=f"4月{rng.randrange(1, 28)}日", code=rng.randrange(100000, 999999))
            if not surrogate_emoji:
                body = body.replace("&#55357;&#56842;", "\U0001F60A")
            ts, kind = _when(rng, 0.05), 1 if rng.random() < 0.8 or address.startswith(("95", "106")) else 2
        yield ts, (f'  <sms protocol="0" address="{_esc(address)}" date="{ts}" type="{kind}" subject="null" '
                   f'body="{_esc(body)}" toa="null" sc_toa="null" service_center="null" read="1" status="-1" '
                   f'locked="0" date_sent="{ts if kind == 1 else 0}" sub_id="1"{_contact(address)} />\n')


def _mms_lines(rng: random.Random, n: int, media_bytes: int) -> Iterator[tuple[int, str]]:
    payload = base64.b64encode(bytes(rng.randrange(256) for _ in range(max(3, media_bytes * 3 // 4)))).decode()
    for i in range(n):
        org, numbers = COLLECTORS[i % len(COLLECTORS)]
        ts = _when(rng, 0.3)
        text = _esc(f"【{org}】这是你的欠款催告函，再不还款将上门并通知你的单位。")
        yield ts, (f'  <mms date="{ts}" msg_box="1" address="{numbers[0]}" m_type="132" read="1" sub="null" '
                   f'text_only="0" sub_id="1">\n    <parts>\n'
                   f'      <part seq="-1" ct="application/smil" name="null" chset="null" text="&lt;smil/&gt;" />\n'
                   f'      <part seq="0" ct="text/plain" name="null" chset="106" text="{text}" />\n'
                   f'      <part seq="1" ct="image/jpeg" name="img.jpg" chset="null" data="{payload}" />\n'
                   f'    </parts>\n    <addrs>\n      <addr address="{numbers[0]}" type="137" charset="106" />\n'
                   f'      <addr address="13800138000" type="151" charset="106" />\n    </addrs>\n  </mms>\n')


def _call_lines(rng: random.Random, n: int) -> Iterator[tuple[int, str]]:
    for i in range(n):
        if rng.random() < 0.8:
            _, numbers = rng.choice(COLLECTORS)
            number = rng.choice([x for x in numbers if not x.startswith("1069")])
            ctype = rng.choices([1, 3, 5, 6], weights=[2, 5, 3, 1])[0]
            ts = _when(rng, 0.3)
        else:
            number, ctype, ts = rng.choice(FRIENDS), rng.choice([1, 2]), _when(rng, 0.05)
        if i % 97 == 0:
            number, ctype = "-1", 1  # withheld caller
        duration = rng.randrange(5, 300) if ctype in (1, 2) else 0
        yield ts, (f'  <call number="{_esc(number)}" duration="{duration}" date="{ts}" type="{ctype}" '
                   f'presentation="{3 if number == "-1" else 1}" subscription_id="1"{_contact(number)} />\n')


def _call(number: str, moment: datetime, ctype: int, duration: int) -> tuple[int, str]:
    ts = int(moment.timestamp() * 1000)
    return ts, (f'  <call number="{number}" duration="{duration}" date="{ts}" type="{ctype}" presentation="1" '
                f'subscription_id="1"{_contact(number)} />\n')


def _calls_only_lines(seed: int) -> Iterator[tuple[int, str]]:
    """The calls-only collector: 25 calls in two hours one evening (18 unanswered, 13 from 22:00), then
    unanswered calls morning and night for five days; the courier: a few answered daytime calls; the bank:
    three answered calls. Own random stream, so the rest of the export is the same with or without them."""
    rng = random.Random(seed * 1000 + 17)
    evening = START + timedelta(days=20, hours=21)
    for k in range(25):
        moment = evening + timedelta(minutes=5 * k, seconds=rng.randrange(50))
        answered = k in (0, 3, 6, 9, 12, 16, 20)  # 7 answered, each a few seconds: 18 unanswered
        yield _call(CALLS_ONLY_COLLECTOR, moment, 1 if answered else rng.choice([3, 5]),
                    rng.randrange(3, 40) if answered else 0)
    for day in range(21, 26):
        for hour in (7, 9, 13, 22):
            moment = START + timedelta(days=day, hours=hour, minutes=rng.randrange(60), seconds=rng.randrange(60))
            yield _call(CALLS_ONLY_COLLECTOR, moment, rng.choice([3, 5]), 0)
    for day in (4, 5, 6, 18, 33):
        moment = START + timedelta(days=day, hours=rng.randrange(9, 19), minutes=rng.randrange(60))
        yield _call(COURIER, moment, 1, rng.randrange(15, 90))
    yield _call(COURIER, START + timedelta(days=18, hours=19, minutes=40), 3, 0)
    for day in (9, 23, 37):
        yield _call(BANK_LINE, START + timedelta(days=day, hours=10, minutes=rng.randrange(60)), 1, rng.randrange(60, 240))


def write_export(out_dir: Path, sizes: Sizes = Sizes(), seed: int = 7) -> list[Path]:
    """Write sms-*.xml and calls-*.xml (records sorted by date, as the app writes them)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    messages = sorted(list(_sms_lines(rng, sizes.sms, sizes.surrogate_emoji)) + list(_mms_lines(rng, sizes.mms, sizes.media_bytes)))
    calls = sorted(list(_call_lines(rng, sizes.calls)) + (list(_calls_only_lines(seed)) if sizes.calls_only else []))
    sms_path, calls_path = out_dir / "sms-20260412120000.xml", out_dir / "calls-20260412120000.xml"
    header = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<!--Synthetic sample, harass-analyzer-->\n"
    with open(sms_path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(header + f'<smses count="{len(messages)}">\n')
        fh.writelines(line for _, line in messages)
        fh.write("</smses>\n")
    with open(calls_path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(header + f'<calls count="{len(calls)}">\n')
        fh.writelines(line for _, line in calls)
        fh.write("</calls>\n")
    return [sms_path, calls_path]

# Many phones (batch): a pool of invented lenders and agencies. Each phone is reached by a few of them, the
# popular ones by most phones; 恒信资产 works for two lenders and its numbers carry both signatures, so the
# cross-case table has shared numbers to join on.
POOL = [
    ("速借金融", ["13912340001", "17012340003", "10691234560001"], 9),
    ("易贷花", ["18612340011", "95011"], 7),
    ("鑫融资产管理", ["15812340021", "0755-86001234"], 5),
    ("闪借宝", ["13312340031", "13312340032"], 4),
    ("好分期", ["17712340041", "4001234567"], 3),
    ("快银钱包", ["19912340051", "13312340032"], 2),  # shares a number with 闪借宝 (one agency dials for both)
    ("恒信资产", ["15012340061", "02161234567"], 2),
    ("米粒贷", ["18912340071"], 1),
]


def phone_collectors(rng: random.Random, most: int = 3) -> list[tuple[str, list[str]]]:
    """1..most distinct collectors from POOL, the popular ones more often (weights in POOL)."""
    names, chosen = [c[0] for c in POOL], []
    weights = [c[2] for c in POOL]
    for _ in range(rng.randrange(1, most + 1)):
        pick = rng.choices(range(len(POOL)), weights=weights)[0]
        if names[pick] not in [c[0] for c in chosen]:
            chosen.append((POOL[pick][0], POOL[pick][1]))
    return chosen


def _phone_sms(rng: random.Random, n: int, collectors: list, start: datetime, days: int) -> Iterator[tuple[int, str]]:
    for _ in range(n):
        if rng.random() < 0.7:
            org, numbers = rng.choice(collectors)
            address = rng.choice(numbers)
            body = rng.choice(COLLECTION_TEMPLATES).format(
                org=org, name=_name(rng), days=rng.randrange(3, 120), amount=rng.randrange(500, 50000),
                hour=rng.randrange(12, 23), callback=rng.choice(numbers))
            night, kind = 0.25, 1
        else:
            address, template = rng.choice(ORDINARY)
            body = template.format(tail=rng.randrange(1000, 9999), amount=rng.randrange(100, 9000),
                                   due=f"4月{rng.randrange(1, 28)}日", code=rng.randrange(100000, 999999))
            body, night = body.replace("&#55357;&#56842;", "\U0001F60A"), 0.05
            kind = 1 if rng.random() < 0.8 or address.startswith(("95", "106")) else 2
        ts = _moment(rng, start, days, night)
        yield ts, (f'  <sms protocol="0" address="{_esc(address)}" date="{ts}" type="{kind}" subject="null" '
                   f'body="{_esc(body)}" toa="null" sc_toa="null" service_center="null" read="1" status="-1" '
                   f'locked="0" date_sent="{ts if kind == 1 else 0}" sub_id="1"{_contact(address)} />\n')


def _phone_calls(rng: random.Random, n: int, collectors: list, start: datetime, days: int) -> Iterator[tuple[int, str]]:
    for _ in range(n):
        if rng.random() < 0.8:
            number = rng.choice([x for x in rng.choice(collectors)[1] if not x.startswith("1069")])
            ctype, night = rng.choices([1, 3, 5, 6], weights=[2, 5, 3, 1])[0], 0.3
        else:
            number, ctype, night = rng.choice(FRIENDS), rng.choice([1, 2]), 0.05
        ts = _moment(rng, start, days, night)
        duration = rng.randrange(5, 300) if ctype in (1, 2) else 0
        yield ts, (f'  <call number="{_esc(number)}" duration="{duration}" date="{ts}" type="{ctype}" '
                   f'presentation="1" subscription_id="1"{_contact(number)} />\n')


def _moment(rng: random.Random, start: datetime, days: int, night_share: float) -> int:
    day = start + timedelta(days=rng.randrange(days))
    hour = rng.choice([22, 23, 0, 1, 6, 7]) if rng.random() < night_share else rng.randrange(8, 22)
    return int(day.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60)).timestamp() * 1000)


def write_phone(out_dir: Path, collectors: list, events: int = 1000, seed: int = 7,
                start: datetime = START, days: int = DAYS) -> list[Path]:
    """One phone's SMS B&R export (sms-*.xml, calls-*.xml), ~`events` records, contacted by `collectors`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    messages = sorted(_phone_sms(rng, events * 3 // 5, collectors, start, days))
    calls = sorted(_phone_calls(rng, events - len(messages), collectors, start, days))
    header = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<!--Synthetic sample, harass-analyzer-->\n"
    paths = [out_dir / "sms-20260412120000.xml", out_dir / "calls-20260412120000.xml"]
    for path, root, lines in ((paths[0], "smses", messages), (paths[1], "calls", calls)):
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(header + f'<{root} count="{len(lines)}">\n')
            fh.writelines(line for _, line in lines)
            fh.write(f"</{root}>\n")
    return paths


def write_many_phones(out_dir: Path, phones: int = 20, events: int = 1000, seed: int = 11) -> list[Path]:
    """`phones` synthetic phones (out_dir/phone_001 …), each reached by 1–3 collectors of POOL over its own
    40 days in 2026; returns the phone folders. Deterministic for a seed."""
    rng = random.Random(seed)
    folders = []
    for i in range(1, phones + 1):
        folder = out_dir / f"phone_{i:03d}"
        start = START + timedelta(days=rng.randrange(0, 120))
        write_phone(folder, phone_collectors(rng), events, seed=rng.randrange(1 << 30), start=start)
        folders.append(folder)
    return folders


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--sms", type=int, default=600)
    ap.add_argument("--calls", type=int, default=400)
    ap.add_argument("--mms", type=int, default=3)
    ap.add_argument("--media-bytes", type=int, default=2048)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--plain-emoji", action="store_true", help="write emoji as UTF-8, not surrogate refs")
    args = ap.parse_args()
    sizes = Sizes(args.sms, args.calls, args.mms, args.media_bytes, not args.plain_emoji)
    paths = write_export(args.out_dir, sizes, args.seed)
    for p in paths:
        print(p)


if __name__ == "__main__":
    main()
