"""The learned weights of the classifier: one logistic decision for `collection` and one per tag.

Fitted at development time by scripts/train_classifier.py on data/classifier/corpus.tsv and stored as
classify/model.npz: the feature names (readable, see features.py), a weight matrix (feature × decision),
the biases, and a JSON block (thresholds, pinyin tables, how it was trained). Scoring is a sum of the
weights of the features present: numpy alone.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from ..errors import ConfigError
from .features import readable
from .lexicon import TAGS

DECISIONS = ("collection", *TAGS)
# Function words and single characters explain nothing to a reader, whatever their weight.
_FUNCTION = set("的了你您他她它我们是在吗吧呢啊和与及其这那个就也都又把被给对已请")
# Courtesy and filler words carry weight in a template's style but explain nothing to a reader.
_FILLER = frozenset({"您好", "你好", "一下", "请问", "麻烦", "现在", "已经", "这个", "那个", "一个", "我们", "你们", "他们",
                     "什么", "可以", "怎么", "还是", "如果", "这边", "那边", "打扰", "谢谢", "收到", "回复", "一直"})
MODEL_FILE = "model.npz"


def _shown(name: str) -> str:
    """The text a feature stands for in matched_terms, or "" for one that explains nothing to a reader."""
    if name.startswith(("p:", "t:", "tq:", "x:", "k:")):
        return ""
    text = readable(name)
    return "" if len(text) < 2 or set(text) <= _FUNCTION or text in _FILLER else text


def default_model_path() -> Path:
    return Path(str(resources.files("harass_analyzer.classify") / MODEL_FILE))


@dataclass
class Model:
    features: list[str]
    weights: np.ndarray  # float32 (stored as float16), (len(features), len(DECISIONS))
    bias: np.ndarray  # float32, (len(DECISIONS),)
    meta: dict

    def __post_init__(self) -> None:
        self.index = {name: i for i, name in enumerate(self.features)}
        # What each feature shows in matched_terms ("" = nothing) and whether it is a character n-gram
        # (shown only where no word explains as much): worked out once, not per message.
        self.shown = [_shown(name) for name in self.features]
        self.showable = np.array([bool(text) for text in self.shown], dtype=bool)
        self.ngram = np.array([name.startswith("c:") for name in self.features], dtype=bool)

    @property
    def threshold(self) -> float:
        return float(self.meta.get("threshold", 0.0))

    @property
    def tag_thresholds(self) -> np.ndarray:
        """Per tag, the logit it needs (chosen by cross-validation at training)."""
        return np.asarray(self.meta.get("tag_thresholds", [0.0] * len(TAGS)), dtype=np.float32)

    def logits(self, found: dict[str, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(logit per decision, the model's feature rows present, each one's contribution per decision)."""
        index = self.index
        pairs = [(i, value) for i, value in zip(map(index.get, found), found.values()) if i is not None]
        if not pairs:
            return self.bias.copy(), np.zeros(0, np.intp), np.zeros((0, len(self.bias)), np.float32)
        rows = np.fromiter((i for i, _ in pairs), dtype=np.intp, count=len(pairs))
        values = np.fromiter((v for _, v in pairs), dtype=np.float32, count=len(pairs))
        contributions = self.weights[rows] * values[:, None]
        return self.bias + contributions.sum(axis=0), rows, contributions

    def reasons(self, rows: np.ndarray, contributions: np.ndarray, decision: int, limit: int = 3) -> list[str]:
        """The readable features that pushed `decision` up most (t: lexicon sums are shown by their terms)."""
        contribution = contributions[:, decision]
        keep = np.flatnonzero((contribution > 0) & self.showable[rows])
        if not len(keep):
            return []
        # Words and lexicon terms by contribution; character n-grams only where no word explains anything
        words = keep[~self.ngram[rows[keep]]]
        keep = words if len(words) else keep
        order = keep[np.argsort(-contribution[keep], kind="stable")]
        shown: list[str] = []
        for i in order:
            if len(shown) >= limit:
                break
            text = self.shown[rows[i]]
            if any(text in s for s in shown):
                continue
            shown = [s for s in shown if s not in text] + [text]
        return shown

    def save(self, path: Path) -> None:
        names = "\n".join(self.features).encode("utf-8")
        meta = json.dumps(self.meta, ensure_ascii=False, sort_keys=True).encode("utf-8")
        # Half precision halves the file; a weight moves by at most ~0.002 (the sixth-pass model made the same
        # decisions on its test split, real.tsv and dev.tsv either way).
        np.savez_compressed(path, features=np.frombuffer(names, dtype=np.uint8),
                            weights=self.weights.astype(np.float16), bias=self.bias.astype(np.float32),
                            meta=np.frombuffer(meta, dtype=np.uint8))


def load_model(path: Path | None = None) -> Model:
    path = path or default_model_path()
    try:
        with np.load(path, allow_pickle=False) as data:
            names = data["features"].tobytes().decode("utf-8")
            features = names.split("\n") if names else []
            meta = json.loads(data["meta"].tobytes().decode("utf-8"))
            model = Model(features, data["weights"].astype(np.float32), data["bias"], meta)
    except (OSError, KeyError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot read the classifier model ({exc})") from exc
    if model.weights.shape != (len(features), len(DECISIONS)):
        raise ConfigError(f"{path}: classifier model has the wrong shape {model.weights.shape}")
    return model
