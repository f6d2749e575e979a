"""The report's million-row shortcuts give exactly what the plain frame operations give: examples picked
from a few candidate rows, facts from integer tallies (str or category columns), CSV escaping in Arrow,
events.csv written a slice at a time, and hashes remembered for the manifest."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from harass_analyzer import evidence
from harass_analyzer.report import bundle, examples, fonts, html
from harass_analyzer.run import Run
from harass_analyzer.report.csvsafe import escape_arrow, escape_cell
from harass_analyzer.report.document import build_document
from harass_analyzer.report.facts import build_facts
from harass_analyzer.report.html import page_characters
from harass_analyzer.report.outputs import events_table, format_durations
from tests.report.handmade import handmade_analysis

TAGS = ["reminder", "violence;reminder", "exposure", "", "insult;third_party", None, "impersonation"]
LOW_CARD = ["kind", "direction", "call_status", "msg_status", "source_file", "source_format"]


def reference_pick(msgs: pd.DataFrame) -> list[dict]:
    """pick_examples as the frame operations it replaces wrote it."""
    if msgs.empty:
        return []
    ordered = msgs.sort_values(["ts_ms", "event_id"], kind="mergesort").drop_duplicates("body")
    tags = ";" + ordered["tags"].fillna("").astype(str) + ";"
    picked: list = []
    for tag in examples.TAG_SEVERITY:
        hits = ordered.index[tags.str.contains(f";{tag};", regex=False).to_numpy()]
        fresh = [i for i in hits[: len(picked) + 1] if i not in picked]
        if fresh:
            picked.append(fresh[0])
    rest = ordered.drop(index=picked)
    new_combo = ~rest["tags"].isin(set(ordered.loc[picked, "tags"])).to_numpy()
    picked += list(rest.index[new_combo][:5]) + list(rest.index[~new_combo][:5])
    chosen = ordered.loc[picked[:5]].sort_values(["ts_ms", "event_id"], kind="mergesort")
    return [{"event_id": r.event_id, "timestamp": r.timestamp, "counterpart": r.counterpart,
             "body": r.body, "tags": r.tags} for r in chosen.itertuples()]


def messages(rng: np.random.Generator, n: int, bodies: int) -> pd.DataFrame:
    texts = [f"body {i}" for i in range(bodies)] + [None]
    return pd.DataFrame({
        "event_id": [f"E{i:05d}" for i in range(n)], "ts_ms": np.sort(rng.integers(0, n // 3 + 1, n)),
        "timestamp": [f"t{i}" for i in range(n)], "counterpart": rng.choice(["+861", "+862", "+863"], n),
        "body": pd.Series([texts[i] for i in rng.integers(0, len(texts), n)], dtype="str"),
        "tags": pd.Series([TAGS[i] for i in rng.integers(0, len(TAGS), n)], dtype="str")})


@pytest.mark.parametrize("rounds", [0, 1, examples.ROUNDS])
@pytest.mark.parametrize("seed", range(6))
def test_examples_from_candidates_equal_examples_from_all_rows(seed: int, rounds: int, monkeypatch) -> None:
    monkeypatch.setattr(examples, "ROUNDS", rounds)  # 0: every body looked up at once
    rng = np.random.default_rng(seed)
    frame = messages(rng, int(rng.integers(1, 3000)), int(rng.choice([1, 3, 30, 3000])))
    combos = pd.factorize(frame["tags"], use_na_sentinel=False)[0]
    owners = [np.flatnonzero(frame["counterpart"].isin(nums)) for nums in (["+861"], ["+861", "+862"], ["+863"])]
    found = examples.candidates(pa.array(frame["body"]), owners, [combos[rows] for rows in owners])
    for rows, picked in zip(owners, found):
        assert set(picked) <= set(rows)
        expected = reference_pick(frame.iloc[rows])
        assert examples.pick_examples(frame.iloc[picked]) == expected
        assert examples.pick_examples(frame.iloc[rows]) == expected


def facts_dict(analysis) -> list[dict]:
    facts = build_facts(analysis)
    return [{k: (v.to_dict("list") if isinstance(v, pd.DataFrame) else v) for k, v in dataclasses.asdict(e).items()}
            for e in facts.entities]


@pytest.mark.parametrize("with_rules", [True, False])
def test_facts_same_for_str_and_category_columns(with_rules: bool) -> None:
    plain = handmade_analysis(with_rules=with_rules)
    cat = dataclasses.replace(plain, events=plain.events.astype({c: "category" for c in LOW_CARD}))
    assert facts_dict(plain) == facts_dict(cat)
    assert facts_dict(plain)[0]["examples"]


def test_format_durations() -> None:
    values = pd.Series([1.0, np.nan, 2.5, -3.0, 0.0, 1e-7, 12345678.9, -0.0, 1.0000001, 1.0000002])
    assert format_durations(values).astype(str).tolist() == [
        "1", "", "2.5", "-3", "0", "1e-07", "1.23457e+07", "0", "1", "1"]


def test_escape_arrow_matches_escape_cell() -> None:
    cells = ["=1+1", "+8613800138000", "+86 138", "-1", "-", "'x", "@a", "\tx", "", None, "普通", "+１２３",
             "12.5", "+1.", "=" * 3]
    for kind in (pa.string(), pa.large_string()):
        assert escape_arrow(pa.array(cells, type=kind)).to_pylist() == [escape_cell(c) for c in cells]
    sliced = pa.array(cells * 3, type=pa.large_string()).slice(5, 20)
    assert escape_arrow(sliced).to_pylist() == [escape_cell(c) for c in sliced.to_pylist()]
    coded = pa.array(cells).dictionary_encode()
    assert escape_arrow(coded).dictionary_decode().to_pylist() == [escape_cell(c) for c in cells]


def test_csv_in_slices_and_remembered_hash(tmp_path, monkeypatch) -> None:
    events = events_table(handmade_analysis().events)
    with Run() as run:
        bundle.write_csv(events, tmp_path / "one.csv", run)
        monkeypatch.setattr(bundle, "CHUNK_ROWS", 5)
        bundle.write_csv(events.astype({c: "category" for c in LOW_CARD}), tmp_path / "sliced.csv")
        assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "sliced.csv").read_bytes()
        assert run.known_hash(tmp_path / "one.csv") == evidence.sha256_file(tmp_path / "one.csv")
        assert run.known_hash(tmp_path / "sliced.csv") is None  # written without the run: hashed later
        entries = {e["path"]: e["sha256"] for e in evidence.file_entries(tmp_path, known=run.known_hash)}
        assert entries["one.csv"] == entries["sliced.csv"]
        bundle.write_csv(events, tmp_path / "changed.csv", run)
        (tmp_path / "changed.csv").write_bytes(b"other")  # changed after writing: hashed again
        assert run.known_hash(tmp_path / "changed.csv") is None
        entry = [e for e in evidence.file_entries(tmp_path, known=run.known_hash) if e["path"] == "changed.csv"][0]
        assert entry["sha256"] == evidence.sha256_file(tmp_path / "changed.csv")


def test_font_prefetch_gives_the_same_subset(tmp_path, monkeypatch) -> None:
    facts = build_facts(handmade_analysis())
    blocks = build_document(facts)
    chars = page_characters(blocks, "zh")
    page = html.render_html(blocks, tmp_path, "zh")  # no charts drawn here: their captions are not on it
    captions = {c for b in blocks if b[0] == "img" for c in b[2] if ord(c) > 127}
    assert chars == html._non_ascii(page.split("<style>")[0] + page.split("</style>")[1]) | captions
    local = fonts._cut_subset(frozenset(chars))
    with Run() as run:
        job = fonts.prefetch_subset(chars, run)
        assert job.chars == frozenset(chars)
        assert job.future.result() == local  # cut by the worker process
        assert fonts.woff_subset(chars, job) == local
        monkeypatch.setattr(fonts.sys, "executable", str(tmp_path / "no-python"))  # the worker cannot start
        job = fonts.prefetch_subset(chars, run)
        assert fonts.woff_subset(chars, job) == local and job.future.exception() is not None
    assert run.running() == []
