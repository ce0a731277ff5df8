"""Small builders of domain values for tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain import Author, Mention, Platform, Visibility


def make_mention(
    external_id: str,
    *,
    text: str = "@parleytelecom my broadband keeps dropping",
    platform: Platform = Platform.X,
    account: str = "x-sandbox",
    handle: str = "maya_k",
    author_id: str = "u1",
    display_name: str = "Maya K",
    bio: str = "",
    is_bot: bool = False,
    age: timedelta = timedelta(minutes=1),
    in_reply_to_id: str | None = None,
    conversation_key: str | None = None,
    is_repost: bool = False,
    visibility: Visibility = Visibility.PUBLIC,
) -> Mention:
    return Mention(
        platform=platform,
        external_id=external_id,
        account=account,
        author=Author(external_id=author_id, handle=handle, display_name=display_name, bio=bio, is_bot=is_bot),
        text=text,
        created_at=datetime.now(UTC) - age,
        in_reply_to_id=in_reply_to_id,
        conversation_key=conversation_key,
        is_repost=is_repost,
        visibility=visibility,
    )
