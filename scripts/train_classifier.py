"""Fit the classifier's model (harass_analyzer/classify/model.npz) on data/classifier/corpus.tsv.

Development time only (scikit-learn, scipy and pypinyin from the `test` extra); deterministic.

  1. pinyin tables of the packaged lexicon's terms (pypinyin) → homophone and spelling matching;
  2. every corpus message → its normalized template → readable features (the run-time code path);
  3. the corpus's own train/test split (made per template by scripts/build_corpus.py) is kept; the test
     part and the sealed splits (data/classifier/sealed.tsv … sealed4.tsv) are only scored, figures only,
     never fitted or tuned on (a sealed split only with --sealed … --sealed4, once, on the model meant to
     land);
  4. vocabulary = features seen in at least MIN_TEMPLATES distinct templates of the train part (a feature of
     one template only is memorisation);
  5. collection: C and threshold by 5-fold cross-validation grouped by template file (a file and its `_neg`
     twin together) on the train part (best F1 whose false-positive rate is within MAX_FP_RATE); each tag:
     its own C and threshold, by the same cross-validation on the train part's collection messages;
  6. one logistic regression for `collection` (all train messages) and one per tag (train collection
     messages only), every template weighing the same, each message also fitted in COPIES copies with a
     DROPOUT share of its features left out (`with_dropout`), refit on the whole train part and saved; then
     scored with the run-time classifier on the test part and on the external checks given with --check.

    python scripts/train_classifier.py [--check ../shared/eval/real.tsv --check ../shared/eval/dev.tsv]
                                       [--sealed] [--sealed2] [--sealed3] [--sealed4] [--copies N] [--jobs N]
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from scipy import sparse
from joblib import Parallel, delayed
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harass_analyzer.classify.classifier import KeywordClassifier  # noqa: E402
from harass_analyzer.classify.evaluate import evaluate_file  # noqa: E402
from harass_analyzer.classify.homophones import build_tables  # noqa: E402
from harass_analyzer.classify.lexicon import TAGS  # noqa: E402
from harass_analyzer.classify.model import DECISIONS, Model, default_model_path  # noqa: E402

CORPUS = ROOT / "data" / "classifier" / "corpus.tsv"
MIN_TEMPLATES = 2
C_GRID = (0.3, 1.0, 3.0)
TAG_C_GRID = (0.3, 1.0, 3.0)
# The sealed splits (written before the second, third, fifth and eighth passes were fitted; see LABELLING.md)
SEALED_SPLITS = {name: ROOT / "data" / "classifier" / f"{name}.tsv"
                 for name in ("sealed", "sealed2", "sealed3", "sealed4")}
THRESHOLDS = tuple(x / 4 for x in range(0, 25))  # 0 … 6
# The held-out sets allow 2 % false positives; a margin under it, as test splits come out higher than
# cross-validation (the sixth-pass model: 2.3 % on its test split against 1.98 % cross-validated)
MAX_FP_RATE = 0.015
TAG_THRESHOLDS = (-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5)
COPIES, DROPOUT = 4, 0.3  # each train message is fitted again in COPIES copies, each missing DROPOUT of its features


def read_corpus(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\"))


def classifier_with(meta: dict, features: list[str] | None = None, weights=None, bias=None,
                    folder: Path | None = None) -> tuple[KeywordClassifier, Path]:
    features = features or []
    weights = np.zeros((len(features), len(DECISIONS)), np.float32) if weights is None else weights
    bias = np.zeros(len(DECISIONS), np.float32) if bias is None else bias
    path = (folder or Path(tempfile.mkdtemp())) / "model.npz"
    Model(features, weights, bias, meta).save(path)
    return KeywordClassifier(model_path=path).fit(), path


def group_of(row: dict[str, str]) -> str:
    return row["template"].split("+")[0]  # a composed message: its first clause


def fold_of(row: dict[str, str]) -> str:
    """Cross-validation holds out whole template FILES, a file and its `_neg` twin together (a composed
    message goes by its first clause). The sets that judge the model are worded by other people, so C and
    the thresholds are chosen for wording no fold saw: grouping by template let a sibling template make
    recall look better than it is. Grouping by family did the opposite: the corpus writes hard negatives as
    twins of positive families (the same words, nothing owed) in a `_neg` file beside them, and with the
    twins in different folds every held-out negative twin looked like the positive one its fold had seen,
    so the false-positive rate, and with it the chosen threshold, came out far too high (collection F1 at
    <= 2 % false positives 0.787 at threshold 4.5 by family, 0.860 at 3.25 by file pair)."""
    if row["template"].startswith("clauses:"):
        return group_of(row)
    stem = row["template"].split(":")[0]
    return "file:" + re.sub(r"_neg\d*$", "", stem).replace("not_collection", "collection")


def matrix(found: list[dict[str, float]], index: dict[str, int]) -> sparse.csr_matrix:
    rows, cols, vals = [], [], []
    for r, feats in enumerate(found):
        for name, value in feats.items():
            col = index.get(name)
            if col is not None:
                rows.append(r)
                cols.append(col)
                vals.append(value)
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(found), len(index)), dtype=np.float64)


def fit_collection(X, y: np.ndarray, c: float, sample_weight=None) -> tuple[np.ndarray, float]:
    model = LogisticRegression(C=c, max_iter=5000, solver="liblinear", class_weight="balanced")
    model.fit(X, y, sample_weight=sample_weight)
    return model.coef_[0], float(model.intercept_[0])


def fit_tag(X, y: np.ndarray, target: np.ndarray, c: float, sample_weight=None) -> tuple[np.ndarray, float]:
    """One tag's decision, fitted on the collection messages only (tags are said of collection)."""
    positives = y == 1
    target = target[positives]
    if target.min() == target.max():
        return np.zeros(X.shape[1]), 5.0 if target[0] else -5.0
    model = LogisticRegression(C=c, max_iter=5000, solver="liblinear", class_weight="balanced")
    model.fit(X[positives], target, sample_weight=None if sample_weight is None else sample_weight[positives])
    return model.coef_[0], float(model.intercept_[0])


def with_dropout(X, rows: np.ndarray, copies: int, seed: int = 0):
    """The rows `rows` of X, then `copies` copies of them, each copy missing a random DROPOUT share of its
    features; returns the stacked matrix and the row of X each stacked row stands for. A model fitted on
    messages with words missing cannot let one word or n-gram carry a decision alone: it spreads its weight
    over every sign a message gives, and that holds better on wording no family in the corpus has
    (cross-validation by family, collection F1 at <= 2 % false positives: 0.860 without, 0.870-0.878 with on the
    third-pass corpus; 0.851 and 0.859 on the fourth-pass corpus)."""
    rng = np.random.default_rng(seed)
    part = X[rows].tocoo()
    stacked = [X[rows]]
    for _ in range(copies):
        keep = rng.random(part.nnz) >= DROPOUT
        stacked.append(sparse.csr_matrix((part.data[keep], (part.row[keep], part.col[keep])), shape=part.shape))
    return sparse.vstack(stacked).tocsr(), np.tile(rows, copies + 1)


def cross_validated(X, y, groups, weight, fit, copies: int, jobs: int = 1) -> np.ndarray:
    """Logits of every train message from a model fitted on the other folds (5 folds by template file). The
    folds are fitted in `jobs` processes; each fold's dropout has its own seed, so the result is the same."""
    folds = list(GroupKFold(n_splits=5).split(X, y, groups))
    fitted = Parallel(n_jobs=jobs)(delayed(fit)(*with_dropout(X, fold_train, copies, seed=fold))
                                   for fold, (fold_train, _) in enumerate(folds))
    out = np.zeros(len(y))
    for (_, fold_test), (w, b) in zip(folds, fitted):
        out[fold_test] = X[fold_test] @ w + b
    return out


def decide(logits: np.ndarray, threshold: float = 0.0, tag_thresholds=None) -> tuple[bool, set[str]]:
    """The run-time rule of KeywordClassifier.classify_normalized (at least one tag)."""
    if logits[0] < threshold:
        return False, set()
    cut = np.zeros(len(TAGS)) if tag_thresholds is None else np.asarray(tag_thresholds)
    margin = logits[1:] - cut
    tags = {t for k, t in enumerate(TAGS) if margin[k] >= 0} or {TAGS[int(np.argmax(margin))]}
    if "third_party" in tags:
        tags.discard("reminder")
    return True, tags


def scores(gold_c, gold_t, pred) -> dict[str, float]:
    tp = sum(g and p[0] for g, p in zip(gold_c, pred))
    fp = sum(p[0] and not g for g, p in zip(gold_c, pred))
    fn = sum(g and not p[0] for g, p in zip(gold_c, pred))
    negatives = sum(not g for g in gold_c)
    f1s = []
    for tag in TAGS:
        ttp = sum(tag in g and tag in p[1] for g, p in zip(gold_t, pred))
        tfp = sum(tag not in g and tag in p[1] for g, p in zip(gold_t, pred))
        tfn = sum(tag in g and tag not in p[1] for g, p in zip(gold_t, pred))
        if ttp + tfp + tfn:
            f1s.append(2 * ttp / (2 * ttp + tfp + tfn))
    return {"f1": 2 * tp / (2 * tp + fp + fn) if tp else 0.0, "fp_rate": fp / max(negatives, 1),
            "tag_macro_f1": float(np.mean(f1s)) if f1s else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="append", default=[], type=Path,
                        help="labelled TSV scored after training (external check; never fitted or tuned on)")
    parser.add_argument("--output", type=Path, default=default_model_path())
    for flag, path in SEALED_SPLITS.items():
        parser.add_argument(f"--{flag}", action="store_true",
                            help=f"also score the sealed split {path.relative_to(ROOT)}: once, on the final model")
    parser.add_argument("--copies", type=int, default=COPIES,
                        help=f"dropout copies of each train message (default {COPIES}; 0 fits the messages alone)")
    parser.add_argument("--jobs", type=int, default=2,
                        help="processes fitting the cross-validation folds (default 2; the figures do not change)")
    args = parser.parse_args()
    rows = read_corpus(CORPUS)
    work = Path(tempfile.mkdtemp(prefix="train-classifier-"))

    plain, _ = classifier_with({}, folder=work)
    terms = [t for t, entries in plain.matcher_.literal.items() if any(e.weight > 0 for e in entries)]
    syllables, spellings = build_tables(terms)
    meta = {"syllables": syllables, "spellings": spellings, "threshold": 0.0}
    clf, _ = classifier_with(meta, folder=work)

    found = [clf.features(clf.template(r["text"])) for r in rows]
    train = [i for i, r in enumerate(rows) if r["split"] == "train"]
    test = [i for i, r in enumerate(rows) if r["split"] == "test"]
    templates_of: dict[str, set[str]] = defaultdict(set)
    for i in train:
        for name in found[i]:
            templates_of[name].add(group_of(rows[i]))
    vocabulary = sorted(n for n, groups in templates_of.items() if len(groups) >= MIN_TEMPLATES)
    index = {n: i for i, n in enumerate(vocabulary)}
    X = matrix([found[i] for i in train], index)
    y = np.array([int(rows[i]["is_collection"]) for i in train])
    tag_sets = [set(filter(None, rows[i]["tags"].split(","))) for i in train]
    Y = np.array([[t in s for t in TAGS] for s in tag_sets], dtype=int)
    groups = np.array([fold_of(rows[i]) for i in train])
    # Every template weighs the same, however many distinct messages it gave (a slot-less chat line repeats)
    per_template = Counter(rows[i]["template"] for i in train)
    weight = np.array([1.0 / per_template[rows[i]["template"]] for i in train])
    weight *= len(weight) / weight.sum()
    print(f"corpus {len(rows)} messages: train {len(train)}, test {len(test)}; "
          f"vocabulary {len(vocabulary)} features (of {len(templates_of)})", file=sys.stderr)

    # Collection: C and threshold by cross-validation (best F1 whose false-positive rate is within MAX_FP_RATE)
    best = None
    for c in C_GRID:
        logit = cross_validated(X, y, groups, weight,
                                lambda Xf, rows, c=c: fit_collection(Xf, y[rows], c, weight[rows]), args.copies,
                                args.jobs)
        for threshold in THRESHOLDS:
            said = logit >= threshold
            tp, fp = int((said & (y == 1)).sum()), int((said & (y == 0)).sum())
            f1 = 2 * tp / max(said.sum() + (y == 1).sum(), 1)
            fp_rate = fp / max((y == 0).sum(), 1)
            print(f"collection C={c} threshold {threshold}: cross-validated F1 {f1:.3f}, "
                  f"false positives {fp_rate:.2%}", file=sys.stderr)
            key = (fp_rate <= MAX_FP_RATE, round(f1, 4), -fp_rate)
            if best is None or key > best[0]:
                best = (key, c, threshold, logit)
    _, c, threshold, collection_logit = best
    # Tags: per tag, C and threshold by cross-validated F1 on the collection messages
    tag_c, tag_thresholds = [], []
    logits = np.zeros((len(train), len(DECISIONS)))
    logits[:, 0] = collection_logit
    for k, tag in enumerate(TAGS):
        gold = Y[:, k] == 1
        choice = None
        for tc in TAG_C_GRID:
            logit = cross_validated(X, y, groups, weight,
                                    lambda Xf, rows, tc=tc: fit_tag(Xf, y[rows], Y[rows, k], tc, weight[rows]),
                                    args.copies, args.jobs)
            for cut in TAG_THRESHOLDS:
                said = (logit >= cut) & (y == 1)
                f1 = 2 * (said & gold).sum() / max(said.sum() + gold.sum(), 1)
                key = (round(float(f1), 4), -abs(cut), -abs(np.log(tc)))
                if choice is None or key > choice[0]:
                    choice = (key, tc, cut, logit)
        (f1, _, _), tc, cut, logit = choice
        print(f"tag {tag}: C={tc} threshold {cut}: cross-validated F1 {f1:.3f}", file=sys.stderr)
        tag_c.append(tc)
        tag_thresholds.append(cut)
        logits[:, 1 + k] = logit
    predictions = [decide(row, threshold, tag_thresholds) for row in logits]
    cv = scores(list(y == 1), tag_sets, predictions)
    print(f"chosen: cross-validated (5 folds by template file) collection F1 {cv['f1']:.3f}, false positives "
          f"{cv['fp_rate']:.2%} of non-collection, tag macro-F1 {cv['tag_macro_f1']:.3f}", file=sys.stderr)
    meta["threshold"] = threshold
    meta["tag_thresholds"] = tag_thresholds
    with (work / "cv_errors.txt").open("w", encoding="utf-8") as handle:  # for diagnosis: train part only
        for j, i in enumerate(train):
            gold = (y[j] == 1, tag_sets[j])
            if predictions[j][0] != gold[0] or (gold[0] and predictions[j][1] != gold[1]):
                handle.write(f"{rows[i]['family']}\t{rows[i]['template']}\tgold {int(gold[0])} {sorted(gold[1])}"
                             f"\tpredicted {int(predictions[j][0])} {sorted(predictions[j][1])}\t{rows[i]['text']}\n")
    print(f"cross-validation errors: {work / 'cv_errors.txt'}", file=sys.stderr)
    weights = np.zeros((X.shape[1], len(DECISIONS)))
    bias = np.zeros(len(DECISIONS))
    Xd, rows_d = with_dropout(X, np.arange(len(y)), args.copies)
    weights[:, 0], bias[0] = fit_collection(Xd, y[rows_d], c, weight[rows_d])
    for k in range(len(TAGS)):
        weights[:, 1 + k], bias[1 + k] = fit_tag(Xd, y[rows_d], Y[rows_d, k], tag_c[k], weight[rows_d])
    keep = np.abs(weights).max(axis=1) > 1e-4
    meta.update({"C": c, "tag_C": tag_c, "cv": {k: round(v, 4) for k, v in cv.items()}, "corpus_messages": len(rows),
                 "train_messages": len(train)})
    features = [n for n, k in zip(vocabulary, keep) if k]
    model = Model(features, weights[keep].astype(np.float32), bias.astype(np.float32), meta)
    model.save(args.output)
    print(f"chose C={c}, threshold {threshold}; saved {args.output} ({len(features)} features, "
          f"{args.output.stat().st_size:,} bytes)",
          file=sys.stderr)

    final = KeywordClassifier(model_path=args.output).fit()
    test_file = work / "test.tsv"
    with test_file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\", lineterminator="\n")
        writer.writerow(["text", "is_collection", "tags"])
        for i in test:
            writer.writerow([rows[i]["text"], rows[i]["is_collection"], rows[i]["tags"]])
    for path in [test_file, *args.check]:
        report = evaluate_file(path, final)
        name = "old test split (NOT pristine: its errors were read in the first pass)" if path == test_file \
            else str(path)
        print(f"== {name}", file=sys.stderr)
        print(report.format(errors=False), file=sys.stderr)  # figures only: nothing is tuned on these
    for flag, path in SEALED_SPLITS.items():  # figures only: errors are not printed, so nothing is learned from them
        if getattr(args, flag):
            print(f"== {flag.upper()} test split (figures only)", file=sys.stderr)
            print(evaluate_file(path, final).format(errors=False), file=sys.stderr)

if __name__ == "__main__":
    main()
