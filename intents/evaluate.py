"""Reading labelled JSONL files and scoring predictions against them.

Metrics are computed here rather than with scikit-learn so that the runtime
package does not depend on a dev-only library.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.domain import INTENTS
from bot.errors import ParleyError

logger = logging.getLogger(__name__)

LABELS: tuple[str, ...] = tuple(i.value for i in INTENTS)


class DataFileError(ParleyError):
    """A labelled data file is missing or has a bad line; the message names file and line."""


@dataclass(frozen=True, slots=True)
class LabelledPost:
    text: str
    intent: str
    provider: str | None = None
    group: str | None = None  # corpus lines: the template they came from (held-out slices split by it)


def read_labelled(path: str | Path, *, allow_skip: bool = True) -> list[LabelledPost]:
    """Read ``{"text", "intent", "provider"?}`` lines; ``skip``-labelled lines are dropped."""
    file = Path(path)
    if not file.is_file():
        raise DataFileError(f"{file}: no such file")
    rows: list[LabelledPost] = []
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{file}: not UTF-8 text ({exc.reason})") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{file}:{number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataFileError(f"{where}: not valid JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise DataFileError(f"{where}: expected a JSON object with 'text' and 'intent'")
        text, intent, provider = obj.get("text"), obj.get("intent"), obj.get("provider")
        if not isinstance(text, str) or not text.strip():
            raise DataFileError(f"{where}: 'text' must be a non-empty string")
        if intent == "skip" and allow_skip:
            continue
        if intent not in LABELS:
            raise DataFileError(f"{where}: 'intent' must be one of {', '.join(LABELS)}, not {intent!r}")
        if provider is not None and not isinstance(provider, str):
            raise DataFileError(f"{where}: 'provider' must be a string handle")
        group = obj.get("template")
        rows.append(LabelledPost(text=text, intent=intent, provider=provider or None,
                                 group=group if isinstance(group, str) else None))
    if not rows:
        raise DataFileError(f"{file}: no labelled lines")
    return rows


def score(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """Per-intent precision/recall/F1, macro-F1, accuracy and the confusion matrix (gold -> predicted)."""
    confusion = {g: {p: 0 for p in LABELS} for g in LABELS}
    for g, p in zip(gold, predicted, strict=True):
        confusion[g][p] += 1
    per_intent: dict[str, dict[str, float]] = {}
    for label in LABELS:
        tp = confusion[label][label]
        fp = sum(confusion[g][label] for g in LABELS) - tp
        fn = sum(confusion[label].values()) - tp
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_intent[label] = {"precision": round(precision, 4), "recall": round(recall, 4),
                             "f1": round(f1, 4), "support": tp + fn}
    present = [label for label in LABELS if per_intent[label]["support"]] or list(LABELS)
    macro = sum(per_intent[label]["f1"] for label in present) / len(present)
    accuracy = sum(confusion[label][label] for label in LABELS) / max(len(gold), 1)
    return {"macro_f1": round(macro, 4), "accuracy": round(accuracy, 4), "per_intent": per_intent,
            "confusion": confusion, "n": len(gold)}


def format_report(report: dict[str, Any], title: str = "") -> str:
    """A plain-text table of a :func:`score` report."""
    lines = [title] if title else []
    lines.append(f"{'intent':<14}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}")
    for label in LABELS:
        row = report["per_intent"][label]
        lines.append(f"{label:<14}{row['precision']:>10.3f}{row['recall']:>8.3f}{row['f1']:>8.3f}"
                     f"{row['support']:>9}")
    lines.append(f"macro-F1 {report['macro_f1']:.3f}   accuracy {report['accuracy']:.3f}   n={report['n']}")
    lines.append("confusion (rows gold, columns predicted):")
    lines.append(" " * 14 + "".join(f"{p[:11]:>12}" for p in LABELS))
    for g in LABELS:
        lines.append(f"{g:<14}" + "".join(f"{report['confusion'][g][p]:>12}" for p in LABELS))
    return "\n".join(lines)
