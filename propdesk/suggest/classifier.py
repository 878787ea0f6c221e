"""The category (and kind) classifier: words → TF-IDF → a multinomial logistic regression.

scikit-learn fits it; answering a keystroke needs only its arrays, so the fitted model is kept
as plain arrays (vocabulary, idf, coefficients, intercepts) in an ``.npz`` — no pickle, read
back with ``allow_pickle=False`` — and applied with numpy: a dot product per class, which takes
well under a millisecond and loads no scikit-learn object at request time.

Pure functions of texts and labels; the database is the business of ``training``.
"""

from __future__ import annotations

import io
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Words seen in fewer documents than this are noise to a model of a company's wording.
MIN_DF = 2
#: The vocabulary's bound: memory and the blob's size stay small at any history length.
MAX_FEATURES = 40_000
#: Inverse regularisation: the texts are short and the categories many; measured on the
#: benchmark's generated history (benchmarks/suggest_bench.py).
C = 8.0
#: Words that say nothing of the problem: left out of the features, so that a text made only of
#: them (…了, 我的…) finds no category rather than the one whose requests say them most.
STOP_WORDS = frozenset(
    (
        "了",
        "的",
        "是",
        "我",
        "我们",
        "你",
        "你们",
        "他",
        "她",
        "在",
        "有",
        "也",
        "都",
        "就",
        "很",
        "请",
        "吗",
        "呢",
        "啊",
        "吧",
        "和",
        "与",
        "又",
        "还",
        "这",
        "那",
        "这个",
        "那个",
        "一个",
        "一下",
        "已经",
        "没有",
        "不",
        "没",
        "给",
        "把",
        "被",
        "让",
        "到",
        "说",
        "要",
        "会",
        "能",
        "可以",
        "什么",
        "怎么",
        "现在",
        "今天",
        "昨天",
        "谢谢",
        "麻烦",
        "您好",
        "你好",
        "好",
        "人",
        "家",
    )
)


@dataclass(frozen=True)
class Linear:
    """One linear model over the shared features: ``labels[i]`` scores ``coef[i] · x + b[i]``."""

    labels: list[str]
    coef: np.ndarray  # (n_labels, n_features) float32
    intercept: np.ndarray  # (n_labels,) float32

    def probabilities(self, x: dict[int, float]) -> list[tuple[str, float]]:
        """Each label with its probability (softmax of the scores), best first."""
        if len(self.labels) == 1:
            return [(self.labels[0], 1.0)]
        scores = self.intercept.astype(np.float64).copy()
        if x:
            idx = np.fromiter(x.keys(), dtype=np.int64)
            val = np.fromiter(x.values(), dtype=np.float64)
            scores += self.coef[:, idx] @ val
        scores -= scores.max()
        p = np.exp(scores)
        p /= p.sum()
        order = np.argsort(-p, kind="stable")
        return [(self.labels[i], float(p[i])) for i in order]


@dataclass(frozen=True)
class Fitted:
    vocabulary: dict[str, int]
    idf: np.ndarray  # (n_features,) float32
    category: Linear
    kind: Linear

    def features(self, words: Sequence[str]) -> dict[int, float]:
        """The TF-IDF vector of a text's words, as scikit-learn's ``TfidfVectorizer`` with
        ``sublinear_tf`` and the l2 norm computes it, sparse (feature index → weight)."""
        counts = Counter(
            self.vocabulary[w] for w in words if w in self.vocabulary and w not in STOP_WORDS
        )
        x = {i: (1.0 + math.log(n)) * float(self.idf[i]) for i, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in x.values()))
        return {i: v / norm for i, v in x.items()} if norm else {}


def _linear(model, features: int) -> Linear:
    """A fitted LogisticRegression as a Linear; a two-class one has one row of scores for the
    second class, which is the softmax of (0, score)."""
    labels = [str(c) for c in model.classes_]
    coef = np.asarray(model.coef_, dtype=np.float32)
    intercept = np.asarray(model.intercept_, dtype=np.float32)
    if len(labels) == 2 and coef.shape[0] == 1:
        coef = np.vstack([np.zeros((1, features), dtype=np.float32), coef])
        intercept = np.concatenate([np.zeros(1, dtype=np.float32), intercept])
    return Linear(labels, coef, intercept)


def _constant(label: str, features: int) -> Linear:
    return Linear([label], np.zeros((1, features), np.float32), np.zeros(1, np.float32))


def fit(documents: Sequence[list[str]], categories: Sequence[str], kinds: Sequence[str]) -> Fitted:
    """Fit on pre-segmented documents. Needs at least two categories."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectoriser = TfidfVectorizer(
        analyzer=_as_is, sublinear_tf=True, min_df=MIN_DF, max_features=MAX_FEATURES
    )
    try:
        x = vectoriser.fit_transform(documents)
    except ValueError:  # every word rarer than MIN_DF: keep them all
        vectoriser.set_params(min_df=1)
        x = vectoriser.fit_transform(documents)
    n = x.shape[1]
    category = LogisticRegression(C=C, max_iter=300).fit(x, categories)
    kind = (
        _linear(LogisticRegression(C=C, max_iter=300).fit(x, kinds), n)
        if len(set(kinds)) > 1
        else _constant(kinds[0], n)
    )
    vocabulary = {str(w): int(i) for w, i in vectoriser.vocabulary_.items()}
    return Fitted(vocabulary, vectoriser.idf_.astype(np.float32), _linear(category, n), kind)


def _as_is(words: list[str]) -> list[str]:
    """The analyser of pre-segmented documents (a module function: TfidfVectorizer calls it),
    stop words left out as ``Fitted.features`` leaves them out."""
    return [w for w in words if w not in STOP_WORDS]


def dump(model: Fitted) -> bytes:
    """The arrays of a fitted model as ``.npz`` bytes (no pickled object anywhere)."""
    words = sorted(model.vocabulary, key=model.vocabulary.__getitem__)
    out = io.BytesIO()
    np.savez_compressed(
        out,
        words=np.array(words, dtype=np.str_),
        idf=model.idf,
        category_labels=np.array(model.category.labels, dtype=np.str_),
        category_coef=model.category.coef,
        category_intercept=model.category.intercept,
        kind_labels=np.array(model.kind.labels, dtype=np.str_),
        kind_coef=model.kind.coef,
        kind_intercept=model.kind.intercept,
    )
    return out.getvalue()


def load(blob: bytes) -> Fitted:
    with np.load(io.BytesIO(bytes(blob)), allow_pickle=False) as data:
        words = [str(w) for w in data["words"]]
        return Fitted(
            vocabulary={w: i for i, w in enumerate(words)},
            idf=data["idf"],
            category=Linear(
                [str(c) for c in data["category_labels"]],
                data["category_coef"],
                data["category_intercept"],
            ),
            kind=Linear(
                [str(k) for k in data["kind_labels"]], data["kind_coef"], data["kind_intercept"]
            ),
        )


@dataclass(frozen=True)
class Scores:
    top1: float
    top3: float
    kind: float
    n: int


def evaluate(
    model: Fitted,
    documents: Sequence[list[str]],
    categories: Sequence[str],
    kinds: Sequence[str],
) -> Scores:
    """Top-1 and top-3 accuracy of the categories, and the kind's, on held-out documents."""
    if not documents:
        return Scores(0.0, 0.0, 0.0, 0)
    top1 = top3 = kind_hits = 0
    for words, category, kind in zip(documents, categories, kinds, strict=True):
        x = model.features(words)
        ranked = [c for c, _p in model.category.probabilities(x)[:3]]
        top1 += ranked[:1] == [category]
        top3 += category in ranked
        kind_hits += model.kind.probabilities(x)[0][0] == kind
    n = len(documents)
    return Scores(top1 / n, top3 / n, kind_hits / n, n)
