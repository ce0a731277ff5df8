"""Jinja2 filters: dates, durations, and span highlighting that stays escaped.

Highlighting builds markup from escaped pieces only; the customer's text and
the span labels are never trusted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from jinja2 import Environment
from markupsafe import Markup, escape

from bot.storage.tables import utcnow


def format_time(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    now = utcnow()
    if moment.date() == now.date():
        return f"{moment:%H:%M}"
    return f"{moment:%d %b %H:%M}"


def format_duration(delta: timedelta | float | None) -> str:
    """'3 min', '2 h 05 min', '1 d 4 h': short enough for a table cell."""
    if delta is None:
        return "—"
    seconds = delta.total_seconds() if isinstance(delta, timedelta) else float(delta)
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{sign}{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{sign}{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{sign}{days} d {hours} h"


def age(moment: datetime | None) -> str:
    return "—" if moment is None else format_duration(utcnow() - moment)


def ago(moment: datetime | None) -> str:
    """'just now', '3 min ago', '2 h 05 min ago'."""
    if moment is None:
        return "never"
    seconds = (utcnow() - moment).total_seconds()
    return "just now" if seconds < 60 else f"{format_duration(seconds)} ago"


def iso(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _clean_spans(text: str, spans: Iterable[Mapping[str, Any]], kind: str) -> list[tuple[int, int, str, str]]:
    cleaned: list[tuple[int, int, str, str]] = []
    for span in spans:
        try:
            start, end = int(span.get("start", -1)), int(span.get("end", -1))
        except (TypeError, ValueError):
            continue
        if 0 <= start < end <= len(text):
            cleaned.append((start, end, kind, str(span.get("label", ""))))
    return cleaned


def highlight(text: str, pii: Iterable[Mapping[str, Any]] = (), entities: Iterable[Mapping[str, Any]] = ()) -> Markup:
    """The text with PII and entity spans marked; PII wins where spans overlap."""
    spans = _clean_spans(text, pii, "pii") + _clean_spans(text, entities, "entity")
    spans.sort(key=lambda s: (s[0], 0 if s[2] == "pii" else 1, -s[1]))
    parts: list[Markup] = []
    position = 0
    for start, end, kind, label in spans:
        if start < position:
            continue  # overlaps a span already marked
        parts.append(escape(text[position:start]))
        title = ("Personal data: " if kind == "pii" else "") + label.replace("_", " ").lower()
        parts.append(
            Markup('<mark class="{kind}" title="{title}">{body}<span class="tag">{label}</span></mark>').format(
                kind=kind, title=title, body=text[start:end], label=label.replace("_", " ").lower()
            )
        )
        position = end
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def thousands(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def install(env: Environment) -> None:
    env.filters["time"] = format_time
    env.filters["duration"] = format_duration
    env.filters["age"] = age
    env.filters["iso"] = iso
    env.filters["ago"] = ago
    env.filters["highlight"] = highlight
    env.filters["percent"] = percent
    env.filters["thousands"] = thousands
    env.globals["intents"] = ("complaint", "renewal", "new_customer", "other")
    env.globals["platforms"] = ("x", "mastodon")
