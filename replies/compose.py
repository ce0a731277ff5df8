"""Turning a template and a few facts into a reply that fits the network.

Templates are compiled once, by us, from files in the repository; anything
that came from a post (a first name, a plan) is passed in as data and cleaned
first, so a display name like "{{7*7}}" or "@someone http://x" is text, never
template source, never a mention of someone else, never a link.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.sandbox import SandboxedEnvironment

from bot.domain import GuardVerdict
from bot.errors import TemplateError

logger = logging.getLogger(__name__)

X_LIMIT = 280
MASTODON_DEFAULT_LIMIT = 500
URL_WEIGHT = 23  # both networks count every link as a t.co-length URL
PLATFORM_DIRS = ("x", "mastodon")
COMMON_DIR = "common"

_URL = re.compile(r"(?:https?://|www\.)[^\s<>]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|uk|io|co|social)"
                  r"(?:/[^\s<>]*)?\b", re.IGNORECASE)
_EMOJI = re.compile(
    "(?:[\U0001F1E6-\U0001F1FF]{2}"  # flags: a pair of regional indicators
    "|[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF]"
    "[\uFE0F\U0001F3FB-\U0001F3FF]*"
    "(?:\u200D[\U0001F000-\U0001FAFF\u2600-\u27BF\u2640\u2642][\uFE0F\U0001F3FB-\U0001F3FF]*)*)"
)
# twitter-text v3: these code point ranges weigh 1, everything else 2.
_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_]+)(@[A-Za-z0-9.-]+\.[A-Za-z]+)?")
_TEMPLATE_SYNTAX = re.compile(r"\{[{%#]|[}%#]\}|[{}]")
_MARKUP = re.compile(r"<[^>]*>")
_HANDLE_CHARS = re.compile(r"[^A-Za-z0-9_.@-]")


def _char_weight(ch: str) -> int:
    point = ord(ch)
    return 1 if any(low <= point <= high for low, high in _LIGHT_RANGES) else 2


def _weighted(text: str, tokens: re.Pattern[str], token_weight: int, rest: Callable[[str], int]) -> int:
    """Each match of ``tokens`` counts ``token_weight``; the text between them counts ``rest``."""
    total = 0
    position = 0
    for match in tokens.finditer(text):
        total += rest(text[position : match.start()]) + token_weight
        position = match.end()
    return total + rest(text[position:])


def _chars_weight(text: str) -> int:
    return sum(_char_weight(ch) for ch in text)


def _plain_weight(text: str) -> int:
    return _weighted(text, _EMOJI, 2, _chars_weight)


def x_weighted_length(text: str) -> int:
    """X's count: NFC, each URL 23, each emoji sequence 2, CJK and other wide scripts 2, Latin 1."""
    return _weighted(unicodedata.normalize("NFC", text), _URL, URL_WEIGHT, _plain_weight)


def mastodon_length(text: str) -> int:
    """Mastodon's count: each URL 23, a remote mention counts only its @user part."""
    return _weighted(_MENTION.sub(lambda m: "@" + m.group(1), text), _URL, URL_WEIGHT, len)


def fits(text: str, *, platform: str, char_limit: int | None = None) -> bool:
    if platform == "x":
        return x_weighted_length(text) <= (char_limit or X_LIMIT)
    return mastodon_length(text) <= (char_limit or MASTODON_DEFAULT_LIMIT)


def clean_value(raw: object, *, max_length: int = 60) -> str:
    """Make an untrusted value safe to show: no markup, links, mentions or template syntax."""
    text = unicodedata.normalize("NFKC", str(raw))
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = _MARKUP.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _MENTION.sub(" ", text)
    text = _TEMPLATE_SYNTAX.sub(" ", text).replace("@", " ")
    return " ".join(text.split())[:max_length].strip()


def sanitise_first_name(raw: str | None, *, max_length: int = 20) -> str:
    """A first name fit to greet someone with, or "" when nothing sensible is left."""
    if not raw:
        return ""
    if _MARKUP.search(raw) or re.search(r"\{[{%#]", raw):
        return ""  # someone dressed their name up as code: greet them without it
    text = clean_value(raw, max_length=200)
    words = ["".join(ch for ch in w if ch.isalpha() or ch in "-'") for w in text.split()]
    words = [w.strip("-'") for w in words if sum(ch.isalpha() for ch in w) >= 2]
    if not words:
        return ""
    name = words[0][:max_length]
    return name[:1].upper() + name[1:] if name.islower() else name


X_HANDLE_MAX = 15  # X usernames are at most 15 characters


def mention_prefix(platform: str, author_handle: str) -> str:
    """Every reply opens with the author, and only the author: Mastodon only notifies people named
    in the text, and X refuses a post whose text repeats one of ours, which two people asking the
    same thing would otherwise get."""
    handle = _HANDLE_CHARS.sub("", author_handle.strip().lstrip("@"))
    return f"@{handle} " if handle else ""


def mentioned_handles(text: str) -> list[str]:
    return [m.group(0).lstrip("@").lower() for m in _MENTION.finditer(text)]


@dataclass(frozen=True, slots=True)
class LoadedTemplate:
    template_id: str  # e.g. "mastodon/new_customer_quote/2"
    path: Path
    source: Any  # jinja2.Template


def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        undefined=StrictUndefined, autoescape=False
    )


def render(template: LoadedTemplate, variables: Mapping[str, object]) -> str:
    """Render and fold whitespace: authors may wrap lines; a post is one paragraph."""
    try:
        text = template.source.render(**variables)
    except JinjaTemplateError as exc:
        raise TemplateError(f"{template.path}: {exc}") from None
    return " ".join(str(text).split())


class TemplateLibrary:
    """Every template variant, by platform and situation, checked when loaded."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._env = _environment()
        self._by_dir: dict[str, dict[str, list[LoadedTemplate]]] = {}
        if not root.is_dir():
            raise TemplateError(f"templates folder {root} does not exist")
        for dir_name in (COMMON_DIR, *PLATFORM_DIRS):
            base = root / dir_name
            situations: dict[str, list[LoadedTemplate]] = {}
            for path in sorted(base.glob("*/*.j2")):
                situation = path.parent.name
                template_id = f"{dir_name}/{situation}/{path.stem}"
                try:
                    source = self._env.from_string(path.read_text(encoding="utf-8"))
                except JinjaTemplateError as exc:
                    raise TemplateError(f"{path}: {exc}") from None
                except (OSError, UnicodeDecodeError) as exc:
                    raise TemplateError(f"{path}: cannot read: {exc}") from None
                situations.setdefault(situation, []).append(LoadedTemplate(template_id, path, source))
            self._by_dir[dir_name] = situations
        if not self._by_dir[COMMON_DIR]:
            raise TemplateError(f"no templates found under {root / COMMON_DIR}")

    def situations(self) -> set[str]:
        return {s for d in self._by_dir.values() for s in d}

    def all_templates(self) -> list[LoadedTemplate]:
        return [t for d in self._by_dir.values() for ts in d.values() for t in ts]

    def variants(self, situation: str, platform: str) -> list[LoadedTemplate]:
        """The platform's own variants if it has any for this situation, else the common ones."""
        own = self._by_dir.get(platform, {}).get(situation)
        found = own or self._by_dir[COMMON_DIR].get(situation)
        if not found:
            raise TemplateError(f"no template for situation {situation!r} (platform {platform})")
        return found

    def candidates(self, situation: str, platform: str, seed: str) -> list[LoadedTemplate]:
        """Every wording to try, best first: the platform's own (from a stable start), then the common ones
        (shorter, written for X) for an instance with a small character limit."""
        own = pick_order(self.variants(situation, platform), seed)
        common = self._by_dir[COMMON_DIR].get(situation, [])
        return own + [t for t in pick_order(common, seed) if t not in own] if common else own

    def platforms_using(self, template: LoadedTemplate) -> list[str]:
        dir_name, situation, _ = template.template_id.split("/")
        if dir_name != COMMON_DIR:
            return [dir_name]
        return [p for p in PLATFORM_DIRS if not self._by_dir.get(p, {}).get(situation)]

    def check(
        self,
        *,
        samples: Callable[[str], list[dict[str, object]]],
        guard: Callable[[str], GuardVerdict],
        mastodon_limit: int,
        longest_handle: str,
    ) -> None:
        """Refuse to start with a template that breaks the rules, naming its file.

        Each one is rendered with the sample variables for its situation (long
        names, big prices) and must pass the guard, mention nobody, and fit
        every platform that uses it.
        """
        for template in self.all_templates():
            situation = template.template_id.split("/")[1]
            seen: set[str] = set()
            for variables in samples(situation):
                text = render(template, variables)
                if text in seen:
                    continue
                seen.add(text)
                if not text:
                    raise TemplateError(f"{template.path}: renders to an empty reply")
                if "@" in text:
                    raise TemplateError(f"{template.path}: must not contain '@' (only the author is mentioned)")
                verdict = guard(text)
                if not verdict.allowed:
                    raise TemplateError(f"{template.path}: refused by the guard: {'; '.join(verdict.reasons)}")
                for platform in self.platforms_using(template):
                    handle = longest_handle if platform == "mastodon" else "x" * X_HANDLE_MAX
                    full = mention_prefix(platform, handle) + text
                    limit = X_LIMIT if platform == "x" else mastodon_limit
                    if not fits(full, platform=platform, char_limit=limit):
                        raise TemplateError(
                            f"{template.path}: too long for {platform} ({limit} characters) "
                            f"with sample values: {text!r}"
                        )


def pick_order(variants: list[LoadedTemplate], seed: str) -> list[LoadedTemplate]:
    """Variants starting from a stable choice: the same post always gets the same wording."""
    start = zlib.crc32(seed.encode("utf-8")) % len(variants)
    return variants[start:] + variants[:start]
