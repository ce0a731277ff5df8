"""`parley sandbox` serves both networks in a process of its own, driven over HTTP."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.platforms.mastodon_sandbox import MastodonSandboxClient
from bot.platforms.x_sandbox import XSandboxClient

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def test_sandbox_command_serves_both_networks(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({"database": {"url": f"sqlite:///{tmp_path / 'p.db'}"}}))
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "--config", str(config), "sandbox", "--x-port", "0",
         "--mastodon-port", "0", "--state-dir", str(tmp_path / "sandbox")],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        urls = json.loads(proc.stdout.readline())
        x = XSandboxClient(urls["x"])
        tweet = x.post_as(username="maya_k", name="Maya", text="@parleytelecom hello")
        assert x.tweet(tweet)["id"] == tweet
        x.close()
        masto = MastodonSandboxClient(urls["mastodon"], our_username="parleytelecom")
        assert masto.post_as(username="maya_k", display_name="Maya", text="@parleytelecom hello")
        masto.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
    assert code == 0, proc.stderr.read() if proc.stderr else ""
    assert (tmp_path / "sandbox" / "x.sqlite3").exists()
