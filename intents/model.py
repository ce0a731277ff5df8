"""Build, train, calibrate, version, save and load the spaCy intent pipeline.

The pipeline is ``spacy.blank("en")`` with a whitespace tokenizer (the text is
already tokenised by :func:`intents.normalise.normalise`, which is much cheaper
than spaCy's rule tokenizer) and one exclusive ``textcat``. Everything that
makes a run reproducible (seed, architecture, epochs, corpus bytes) goes into
the version hash, and the temperature fitted on the held-out slice is stored
next to the pipeline in ``parley.json``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch

from bot.domain import INTENTS
from bot.errors import ModelError
from intents import bow  # registers its architecture before any pipeline is built or loaded

logger = logging.getLogger(__name__)

Arch = Literal["bow", "cnn", "ensemble"]
ARCHES: tuple[Arch, ...] = ("bow", "cnn", "ensemble")
LABELS: tuple[str, ...] = tuple(i.value for i in INTENTS)
META_FILE = "parley.json"
SHIPPED_MODEL_DIR = Path(__file__).with_name("model")
DEFAULT_SEED = 1234
DEFAULT_EPOCHS = {"bow": 1, "cnn": 3, "ensemble": 2}

_TOK2VEC = {
    "@architectures": "spacy.HashEmbedCNN.v2",
    "pretrained_vectors": None,
    "width": 64,
    "depth": 2,
    "embed_size": 2000,
    "window_size": 1,
    "maxout_pieces": 3,
    "subword_features": True,
}
_BOW = {
    "@architectures": bow.ARCHITECTURE,  # spaCy's TextCatBOW.v3 with batch feature extraction
    "exclusive_classes": True,
    "ngram_size": 2,
    "length": 262144,  # 2^18 rows: fewer collisions than 2^17 on the ~48,000-post corpus, same predict speed
}
_SPACY_BOW = {
    "@architectures": "spacy.TextCatBOW.v3",
    "exclusive_classes": True,
    "ngram_size": 2,
    "no_output_layer": False,
    "length": 131072,
}


def textcat_model_config(arch: Arch) -> dict[str, Any]:
    if arch == "bow":
        return dict(_BOW)
    if arch == "cnn":
        return {
            "@architectures": "spacy.TextCatReduce.v1",
            "exclusive_classes": True,
            "use_reduce_first": False,
            "use_reduce_last": False,
            "use_reduce_max": True,
            "use_reduce_mean": True,
            "tok2vec": dict(_TOK2VEC),
        }
    return {
        "@architectures": "spacy.TextCatEnsemble.v2",
        "tok2vec": dict(_TOK2VEC),
        "linear_model": dict(_SPACY_BOW),
    }


def build_pipeline(arch: Arch) -> Language:
    nlp = spacy.blank("en")
    nlp.tokenizer = Tokenizer(nlp.vocab)  # whitespace only: normalise() already split the text
    textcat = nlp.add_pipe("textcat", config={"model": textcat_model_config(arch), "threshold": 0.0})
    for label in LABELS:
        textcat.add_label(label)  # type: ignore[attr-defined]
    return nlp


@dataclass(frozen=True, slots=True)
class TrainingExample:
    """One normalised training text and its intent."""

    text: str
    intent: str


@dataclass
class TrainedModel:
    nlp: Language
    version: str
    temperature: float
    arch: Arch
    meta: dict[str, Any] = field(default_factory=dict)


def model_version(corpus_digest: str, config: dict[str, Any], *, today: datetime | None = None) -> str:
    """``intent-YYYYMMDD-<hash>``: the hash covers the corpus and the training config."""
    blob = corpus_digest + json.dumps(config, sort_keys=True)
    digest = hashlib.sha256(blob.encode()).hexdigest()[:10]
    return f"intent-{(today or datetime.now(UTC)):%Y%m%d}-{digest}"


def _examples(nlp: Language, rows: Sequence[TrainingExample]) -> list[Example]:
    out = []
    for row in rows:
        cats = {label: 1.0 if label == row.intent else 0.0 for label in LABELS}
        out.append(Example.from_dict(nlp.make_doc(row.text), {"cats": cats}))
    return out


def train_pipeline(
    rows: Sequence[TrainingExample],
    *,
    arch: Arch = "bow",
    epochs: int | None = None,
    seed: int = DEFAULT_SEED,
    seeds: int = 1,
    progress: Callable[[int, int, float], None] | None = None,
) -> Language:
    """Train a fresh pipeline on ``rows``; same rows + seed -> same weights.

    With ``seeds`` > 1 (bag-of-words only) the pipeline is trained that many
    times, with seeds ``seed``, ``seed + 1`` ..., and the weights are averaged
    into one model. The bag-of-words model is linear up to its softmax, so
    this is exactly the ensemble that averages the runs' logits, at the cost of
    one model: one pass over the corpus is what generalises best (see
    docs/classifier.md), and averaging removes most of what the order of that
    single pass leaves to chance.
    """
    if not rows:
        raise ModelError("no training examples")
    runs = seeds if arch == "bow" else 1
    n_epochs = epochs or DEFAULT_EPOCHS[arch]
    pipelines: list[Language] = []
    for run in range(runs):
        def step(epoch: int, _total: int, loss: float, run: int = run) -> None:
            if progress:
                progress(run * n_epochs + epoch, runs * n_epochs, loss)

        pipelines.append(_train_once(rows, arch=arch, epochs=n_epochs, seed=seed + run, progress=step))
    if runs > 1:
        _average_output_layers(pipelines)
    return pipelines[0]


def _train_once(rows: Sequence[TrainingExample], *, arch: Arch, epochs: int, seed: int,
                progress: Callable[[int, int, float], None]) -> Language:
    fix_random_seed(seed)
    rng = random.Random(seed)
    nlp = build_pipeline(arch)
    examples = _examples(nlp, rows)
    optimizer = nlp.initialize(lambda: examples[:2000])
    for epoch in range(epochs):
        order = list(examples)
        rng.shuffle(order)
        losses: dict[str, float] = {}
        for batch in minibatch(order, size=32 if arch == "bow" else 64):
            nlp.update(batch, sgd=optimizer, losses=losses, drop=0.2)
        progress(epoch + 1, epochs, losses.get("textcat", 0.0))
    return nlp


def _output_layer(nlp: Language) -> Any:
    return nlp.get_pipe("textcat").model.get_ref("output_layer")  # type: ignore[attr-defined]


def _average_output_layers(pipelines: Sequence[Language]) -> None:
    """Average the bag-of-words weights of ``pipelines`` into the first one."""
    layers = [_output_layer(nlp) for nlp in pipelines]
    for name in ("W", "b"):
        layers[0].set_param(name, sum(layer.get_param(name) for layer in layers) / len(layers))


def shift_prior(nlp: Language, trained_on: dict[str, float], expected: dict[str, float]) -> None:
    """Move a bag-of-words model from the class shares it was trained on to those it will meet.

    A softmax classifier's output bias carries the training set's class shares;
    adding log(expected / trained_on) per class gives the posterior under the
    expected shares instead (Bayes' rule, the classic prior-shift correction).
    """
    layer = _output_layer(nlp)
    bias = layer.get_param("b").copy()
    for index, label in enumerate(LABELS):
        bias[index] += math.log(expected[label] / trained_on[label])
    layer.set_param("b", bias)


def predict_probabilities(nlp: Language, texts: Iterable[str], batch_size: int = 2000) -> list[list[float]]:
    return [[doc.cats.get(label, 0.0) for label in LABELS] for doc in nlp.pipe(texts, batch_size=batch_size)]


def apply_temperature(probs: Sequence[float], temperature: float) -> list[float]:
    """Rescale softmax outputs as if their logits were divided by ``temperature``."""
    inv = 1.0 / temperature
    powered = [max(p, 1e-12) ** inv for p in probs]
    total = sum(powered)
    return [p / total for p in powered]


def fit_temperature(probs: Sequence[Sequence[float]], gold: Sequence[int]) -> float:
    """Temperature minimising negative log-likelihood on a held-out slice (coarse-to-fine grid)."""
    if not probs:
        return 1.0

    def nll(t: float) -> float:
        return -sum(math.log(max(apply_temperature(p, t)[g], 1e-12)) for p, g in zip(probs, gold, strict=True))

    grid = [0.25 * 1.15**k for k in range(30)]
    best = min(grid, key=nll)
    fine = [best * (0.9 + 0.01 * k) for k in range(21)]
    best_fine: float = min(fine, key=nll)
    return round(best_fine, 4)


def save_model(model: TrainedModel, output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    model.nlp.to_disk(output)
    meta = dict(model.meta, version=model.version, temperature=model.temperature, arch=model.arch,
                labels=list(LABELS))
    (output / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def load_model(model_dir: str | Path | None = None) -> TrainedModel:
    """Load a saved pipeline; a missing or damaged directory raises ModelError saying which."""
    path = Path(model_dir) if model_dir else SHIPPED_MODEL_DIR
    meta_path = path / META_FILE
    if not path.is_dir():
        raise ModelError(f"intent model directory {path} does not exist (run `parley train`)")
    if not meta_path.is_file():
        raise ModelError(f"{path} is not a Parley intent model: {META_FILE} is missing (run `parley train`)")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        version = str(meta["version"])
        temperature = float(meta["temperature"])
        arch = meta.get("arch", "bow")
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"{meta_path} is unreadable: {exc}") from None
    if list(meta.get("labels", LABELS)) != list(LABELS):
        raise ModelError(f"{path} was trained for labels {meta.get('labels')}, expected {list(LABELS)}")
    try:
        nlp = spacy.load(path)
    except Exception as exc:  # spaCy raises many types for damaged files; all mean the same here
        raise ModelError(f"cannot load the intent model in {path}: {exc}") from None
    if "textcat" not in nlp.pipe_names:
        raise ModelError(f"{path} has no textcat component")
    return TrainedModel(nlp=nlp, version=version, temperature=temperature, arch=arch, meta=meta)
