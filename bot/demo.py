"""`parley demo`: the local sandbox networks, simulated traffic, and Parley answering it."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.locks import worker_lock
from bot.platforms.traffic import Person, generate_round
from bot.polling import poll_account
from bot.publishing import publish_due
from bot.runtime import Runtime
from bot.service import prepare

logger = logging.getLogger(__name__)


@dataclass
class Sandboxes:
    x: Any | None
    mastodon: Any | None
    our_handle: str

    def post(self, platform: str, person: Person, text: str) -> str:
        if platform == "x" and self.x is not None:
            return str(self.x.post_as(username=person.username, name=person.display_name, bio=person.bio,
                                      text=text, is_bot=person.is_bot))
        if platform == "mastodon" and self.mastodon is not None:
            return str(self.mastodon.post_as(username=person.username,
                                             display_name=person.display_name, note=person.bio, text=text,
                                             bot=person.is_bot))
        raise ValueError(f"no sandbox for {platform}")

    def post_round(self, *, count: int, seed: int) -> int:
        posted = 0
        for index, (person, text) in enumerate(generate_round(count=count, seed=seed, our_handle=self.our_handle)):
            platform = "x" if index % 2 == 0 else "mastodon"
            if (platform == "x" and self.x is None) or (platform == "mastodon" and self.mastodon is None):
                platform = "mastodon" if platform == "x" else "x"
            self.post(platform, person, text)
            posted += 1
        return posted


@contextmanager
def sandboxes(
    settings: Settings,
    *,
    state_dir: Path,
    x_port: int | None = None,
    mastodon_port: int | None = None,
    every_network: bool = False,
) -> Iterator[Sandboxes]:
    """Start the sandbox servers the sandbox accounts point at (or both), and point those accounts at them."""
    from bot.platforms.mastodon_sandbox import MastodonSandbox
    from bot.platforms.x_sandbox import XSandbox

    state_dir.mkdir(parents=True, exist_ok=True)
    box = settings.sandbox
    sandbox_accounts = [a for a in settings.accounts if a.sandbox and a.enabled]
    handle = sandbox_accounts[0].handle if sandbox_accounts else settings.provider.handles[0]
    platforms = {"x", "mastodon"} if every_network else {a.platform for a in sandbox_accounts}
    with ExitStack() as stack:
        x = masto = None
        if "x" in platforms:
            x = stack.enter_context(XSandbox(host=box.host, port=box.x_port if x_port is None else x_port,
                                             state_path=state_dir / "x.sqlite3", our_username=handle))
        if "mastodon" in platforms:
            masto = stack.enter_context(MastodonSandbox(
                host=box.host, port=box.mastodon_port if mastodon_port is None else mastodon_port,
                state_path=state_dir / "mastodon.sqlite3", our_username=handle))
        for account in sandbox_accounts:
            account.base_url = (x if account.platform == "x" else masto).base_url  # type: ignore[union-attr]
        yield Sandboxes(x=x, mastodon=masto, our_handle=handle)


def demo_once(settings: Settings, *, state_dir: Path, rounds: int = 1) -> dict[str, Any]:
    """One round: post simulated traffic, poll, process, publish; return the summary."""
    with worker_lock(settings.database.url), sandboxes(settings, state_dir=state_dir) as boxes:
        runtime = Runtime.from_settings(settings)
        try:
            pipeline = prepare(runtime)
            posted = 0
            seed = settings.sandbox.seed + _round_number(state_dir)
            for offset in range(rounds):
                posted += boxes.post_round(count=settings.sandbox.traffic_per_round, seed=seed + offset)
            polls = [poll_account(runtime, account) for account in settings.accounts if account.enabled]
            processed = pipeline.process_new(limit=10_000)
            published = publish_due(runtime=runtime, limit=10_000)
        finally:
            runtime.close()
    routes: Counter[str] = Counter({"auto": 0, "review": 0, "ignore": 0})
    routes.update(processed.routes)
    return {
        "posted_by_simulated_people": posted,
        "mentions_fetched": sum(p.stored for p in polls),
        "polls": {p.account: p.outcome for p in polls},
        "filtered": processed.filtered,
        "intents": dict(processed.intents),
        "drafts": {"auto": routes["auto"], "review": routes["review"]},
        "ignored": routes["ignore"],
        "routes": dict(routes),
        "replies_sent": published.sent,
        "publish_errors": published.errors,
        "database": settings.database.url.split("@")[-1],
    }


def _round_number(state_dir: Path) -> int:
    """A counter kept beside the sandbox state so each demo round posts fresh text."""
    path = state_dir / "rounds"
    number = int(path.read_text()) + 1 if path.exists() and path.read_text().strip().isdigit() else 0
    path.write_text(str(number))
    return number
