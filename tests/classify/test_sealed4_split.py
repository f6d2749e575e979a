"""The fourth sealed test split (data/classifier/sealed4.tsv): written without reading the training templates,
the corpus, the other sealed splits or the lexicons, filled from its own names, platforms, banks, cities,
places and companies; every tag and every hard-negative kind covered. Scored once per model meant to land
(figures only, errors never read)."""
from __future__ import annotations

import pytest

from harass_analyzer.classify.evaluate import evaluate_file
from harass_analyzer.classify.lexicon import TAGS
from tests.classify.corpus_files import (CORPUS, SEALED, SEALED2, SEALED3, SEALED4, check_sealed_split,
                                         check_shares_nothing, check_slot_values_own,
                                         own_templates_repeating, read_tsv)


@pytest.fixture(scope="module")
def sealed4() -> list[dict[str, str]]:
    return read_tsv(SEALED4)


def test_sealed4_shares_no_message_template_or_family_with_the_other_files(sealed4):
    check_shares_nothing(sealed4, "sealed4", "s4_", [CORPUS, SEALED, SEALED2, SEALED3])


def test_sealed4_template_texts_are_its_own(build):
    """No template (slots and punctuation aside) repeats one of the training or earlier sealed templates;
    a failure names only the sealed4 templates, so the other texts are never shown."""
    own, repeating = own_templates_repeating(build, build.SEALED4_TEMPLATES, [
        build.TEMPLATES, build.SEALED_TEMPLATES, build.SEALED2_TEMPLATES, build.SEALED3_TEMPLATES])
    assert len(own) >= 330
    assert len({t.family for t in own}) >= 35
    assert repeating == []


def test_sealed4_slot_values_are_its_own(build):
    check_slot_values_own(build, build.SEALED4_SLOTS, [build.SEALED_SLOTS, build.SEALED2_SLOTS, build.SEALED3_SLOTS])


def test_sealed4_covers_every_tag_and_the_hard_negatives(sealed4):
    assert len(sealed4) >= 2500
    negatives = {"s4_neg_talk_about", "s4_neg_family", "s4_neg_lawyer_ask", "s4_neg_quote", "s4_neg_negation",
                 "s4_neg_service_arrears", "s4_neg_official", "s4_neg_bills", "s4_neg_paid", "s4_neg_single_tag",
                 "s4_neg_adverts", "s4_neg_codes", "s4_neg_delivery", "s4_neg_phishing", "s4_neg_chat",
                 "s4_neg_work", "s4_neg_obf_spam", "s4_neg_traditional", "s4_neg_long", "s4_neg_privacy_jobs"}
    positives = {"s4_pos_app_reminder", "s4_pos_bank_card", "s4_pos_everyday", "s4_pos_conditional",
                 "s4_pos_violence_implied", "s4_pos_violence_explicit", "s4_pos_visit", "s4_pos_legal",
                 "s4_pos_impersonation", "s4_pos_insult", "s4_pos_exposure_short", "s4_pos_exposure_long",
                 "s4_pos_tp_polite", "s4_pos_tp_hostile", "s4_pos_tp_employer", "s4_pos_obfuscated",
                 "s4_pos_traditional", "s4_pos_dialect", "s4_pos_long", "s4_pos_short"}
    check_sealed_split(sealed4, TAGS, negatives, positives)


def test_figures_on_the_fourth_sealed_split(clf):
    """Figures only (the errors are not read). Written before any model trained on the eighth pass existed and
    scored once, on the ninth-pass model (this one), 2026-12-06: P 0.987, R 0.928, F1 0.957, 18 false
    positives of 1,766 (1.0 %), tag macro-F1 0.897. A guard against regressions at the issue's held-out
    targets (F1 0.95, 2 %, 0.85), which this split meets."""
    report = evaluate_file(SEALED4, clf)
    negatives = report.collection.fp + report.true_negatives
    assert report.collection.f1 >= 0.95
    assert report.collection.fp / negatives <= 0.02
    assert report.macro_f1 >= 0.85
