"""The third sealed test split (data/classifier/sealed3.tsv): written without reading the training templates,
the corpus, the other sealed splits or the lexicons, filled from its own names, platforms, banks, cities,
places and companies; every tag and every hard-negative kind covered. Scored once per model meant to land
(figures only, errors never read)."""
from __future__ import annotations

import pytest

from harass_analyzer.classify.evaluate import evaluate_file
from harass_analyzer.classify.lexicon import TAGS
from tests.classify.corpus_files import (CORPUS, SEALED, SEALED2, SEALED3, check_sealed_split,
                                         check_shares_nothing, check_slot_values_own,
                                         own_templates_repeating, read_tsv)


@pytest.fixture(scope="module")
def sealed3() -> list[dict[str, str]]:
    return read_tsv(SEALED3)


def test_sealed3_shares_no_message_template_or_family_with_the_other_files(sealed3):
    check_shares_nothing(sealed3, "sealed3", "s3_", [CORPUS, SEALED, SEALED2])


def test_sealed3_template_texts_are_its_own(build):
    """No template (slots and punctuation aside) repeats one of the training or earlier sealed templates;
    a failure names only the sealed3 templates, so the other texts are never shown."""
    own, repeating = own_templates_repeating(build, build.SEALED3_TEMPLATES,
                                             [build.TEMPLATES, build.SEALED_TEMPLATES, build.SEALED2_TEMPLATES])
    assert len(own) >= 300
    assert repeating == []


def test_sealed3_slot_values_are_its_own(build):
    check_slot_values_own(build, build.SEALED3_SLOTS, [build.SEALED_SLOTS, build.SEALED2_SLOTS])


def test_sealed3_covers_every_tag_and_the_hard_negatives(sealed3):
    assert len(sealed3) >= 2500
    negatives = {"s3_neg_talk_about", "s3_neg_family", "s3_neg_quote", "s3_neg_single_tag", "s3_neg_negation",
                 "s3_neg_bills", "s3_neg_paid", "s3_neg_service_arrears", "s3_neg_official", "s3_neg_adverts",
                 "s3_neg_codes", "s3_neg_delivery", "s3_neg_phishing", "s3_neg_chat", "s3_neg_work",
                 "s3_neg_obf_spam", "s3_neg_traditional", "s3_neg_long"}
    positives = {"s3_pos_app_reminder", "s3_pos_bank_card", "s3_pos_everyday", "s3_pos_violence_implied",
                 "s3_pos_tp_polite", "s3_pos_tp_hostile", "s3_pos_tp_employer", "s3_pos_obfuscated",
                 "s3_pos_traditional", "s3_pos_dialect", "s3_pos_long", "s3_pos_short"}
    check_sealed_split(sealed3, TAGS, negatives, positives)


def test_figures_on_the_third_sealed_split(clf):
    """Figures only (the errors are not read); a guard against regressions, not the issue's target (F1 0.95,
    2 %, 0.85). Scored 2026-12-06: the fifth-pass model P 0.981, R 0.859, F1 0.916, 25 false positives of
    1,548 (1.6 %), tag macro-F1 0.858; the sixth-pass model P 0.983, R 0.880, F1 0.929, 24 (1.6 %), 0.862;
    the ninth-pass model (this one) P 0.977, R 0.904, F1 0.939, 33 (2.1 %: over the issue's 2 %), 0.868."""
    report = evaluate_file(SEALED3, clf)
    negatives = report.collection.fp + report.true_negatives
    assert report.collection.f1 >= 0.93
    assert report.collection.fp / negatives <= 0.025
    assert report.macro_f1 >= 0.85
