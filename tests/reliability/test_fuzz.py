"""Property-based fuzzing of every importer (hypothesis, derandomized so CI is repeatable).

* mutation: a valid seed mutated by fuzz_core (byte flips, truncation, hostile snippets/values, SQLite
  cell rewrites, re-wrapped container payloads) must be read or refused with a HarassAnalyzerError;
* structure: generated SMS Backup & Restore records with arbitrary text and dates are each either
  imported or listed as an issue (nothing silently dropped); generated CSV/vMessage never crash.

The long run (10,000+ inputs per importer) is `python -m tests.reliability.fuzz_long --examples 10000`.
"""
from __future__ import annotations

import random
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harass_analyzer.importers import IssueLog, ReadContext, get_importer
from tests.reliability.fuzz_core import SEEDS, Workspace, importer_names, mutate, run_importer, time_limit

EXAMPLES = 200
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
_SPACES: dict[str, list[Workspace]] = {}


def workspaces(importer: str, tmp_factory: pytest.TempPathFactory) -> list[Workspace]:
    if importer not in _SPACES:
        root = tmp_factory.mktemp(f"fuzz_{importer}")
        _SPACES[importer] = [Workspace.create(s, root / s.name) for s in SEEDS if s.importer == importer]
    return _SPACES[importer]


def test_every_registered_importer_has_a_seed() -> None:
    from harass_analyzer.importers import IMPORTERS

    assert importer_names() == sorted(i.NAME for i in IMPORTERS)


def test_seeds_are_valid_inputs(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Unmutated, every seed is read with records: mutations start from real data."""
    for name in importer_names():
        for space in workspaces(name, tmp_path_factory):
            outcome, records = run_importer(name, space.write(space.original))
            assert (outcome, records > 0) == ("read", True), space.seed.name


@pytest.mark.parametrize("importer", importer_names())
def test_mutated_inputs_never_crash(importer: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    spaces = workspaces(importer, tmp_path_factory)

    @FUZZ
    @given(st.integers(0, 2**32 - 1))
    def check(seed: int) -> None:
        rng = random.Random(seed)
        space = rng.choice(spaces)
        try:
            with time_limit(20):
                run_importer(importer, space.write(mutate(space.seed, space.original, rng, space.scratch)))
        finally:
            space.write(space.original)

    check()


DATES = st.one_of(st.integers(-2**70, 2**70).map(str), st.text(max_size=20),
                  st.integers(1_000_000_000_000, 2_000_000_000_000).map(str))


@FUZZ
@given(st.lists(st.tuples(st.text(max_size=40), DATES, st.text(max_size=200), st.sampled_from("1234569x")),
                max_size=12))
def test_generated_sbr_records_are_imported_or_listed(tmp_path_factory: pytest.TempPathFactory,
                                                      records: list[tuple[str, str, str, str]]) -> None:
    path = tmp_path_factory.mktemp("sbr") / "sms.xml"
    rows = "".join(f"<sms address={quoteattr(a)} date={quoteattr(d)} type={quoteattr(t)} body={quoteattr(b)} />\n"
                   for a, d, b, t in records)
    path.write_text(f"<?xml version='1.0' encoding='UTF-8'?>\n<smses count='{len(records)}'>\n{rows}</smses>\n",
                    encoding="utf-8")
    issues = IssueLog()
    frame = get_importer("sbr_xml").read(path, ReadContext(issues))
    skipped = [i for i in issues.issues if i.source_ref.startswith("sms[")]
    assert len(frame) + len(skipped) == len(records), issues.issues
    assert len(issues) == len(skipped)  # a well-formed file has no file-level issue
    assert all("date" in i.reason for i in skipped)


CELL = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@FUZZ
@given(st.lists(st.lists(CELL, min_size=0, max_size=7), max_size=15), st.sampled_from([",", "\t", ";"]),
       st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
def test_generated_csv_never_crashes(tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]],
                                     delimiter: str, encoding: str) -> None:
    header = delimiter.join(["对方号码", "起始时间", "通话类型", "通话时长", "内容"])
    text = header + "\n" + "\n".join(delimiter.join(r) for r in rows) + "\n"
    path = tmp_path_factory.mktemp("csv") / "calls.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    outcome, records = run_importer("tabular", path)
    assert records <= len(rows) or outcome == "refused"


@FUZZ
@given(st.lists(st.tuples(CELL, CELL, st.lists(CELL, max_size=4), st.sampled_from(["INBOX", "SENDBOX", "", "X"])),
                max_size=8))
def test_generated_vmessage_never_crashes(tmp_path_factory: pytest.TempPathFactory,
                                          messages: list[tuple[str, str, list[str], str]]) -> None:
    lines = []
    for tel, date, body, box in messages:
        lines += ["BEGIN:VMSG", "VERSION:1.1", f"X-IRMC-BOX:{box}", "BEGIN:VCARD", f"TEL:{tel}", "END:VCARD",
                  "BEGIN:VENV", "BEGIN:VBODY", f"Date:{date}", *body, "END:VBODY", "END:VENV", "END:VMSG"]
    path = tmp_path_factory.mktemp("vmsg") / "sms.vmsg"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    outcome, records = run_importer("vmessage", path)
    assert records <= len(messages) or outcome == "refused"
