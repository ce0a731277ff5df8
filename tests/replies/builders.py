"""Small builders for the values the reply engine reads, so tests say only what matters."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from bot.domain import Author, Classification, Intent, Mention, Platform, Span, Visibility


def mention(
    text: str,
    *,
    platform: str = "x",
    external_id: str = "1001",
    display_name: str = "Jo Bloggs",
    handle: str = "jo",
    visibility: Visibility = Visibility.PUBLIC,
) -> Mention:
    return Mention(
        platform=Platform(platform),
        external_id=external_id,
        account="parleytelecom",
        author=Author(external_id="42", handle=handle, display_name=display_name),
        text=text,
        created_at=datetime(2026, 11, 22, 12, 0, tzinfo=UTC),
        visibility=visibility,
    )


def classification(
    intent: Intent,
    confidence: float = 0.9,
    *,
    flags: Iterable[str] = (),
    entities: Iterable[tuple[str, str]] = (),
    pii: Iterable[tuple[str, str]] = (),
    first_name: str | None = None,
) -> Classification:
    others = [i for i in Intent if i is not intent]
    scores = {intent.value: confidence, **{i.value: (1 - confidence) / len(others) for i in others}}
    return Classification(
        intent=intent,
        scores=scores,
        entities=tuple(Span(label, 0, len(text), text) for label, text in entities),
        pii=tuple(Span(label, 0, len(text), text) for label, text in pii),
        flags=frozenset(flags),
        first_name=first_name,
    )
