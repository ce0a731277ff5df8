"""Mastodon status and bio HTML turned into the plain text the classifier reads.

Mastodon sends ``content`` and ``note`` as server-rendered HTML, and remote
servers may send markup Mastodon itself never writes. The classifier and the
guard must see what a person would read: "@user" for a mention, the real
address for a link (not the shortened ``<span class="ellipsis">`` display, and
never a link text that pretends to be another address), line breaks where the
author broke lines, and no script, style or hidden text. Only the stdlib
parser is used, which never executes or fetches anything.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

_BLOCK_TAGS = frozenset(
    {"p", "div", "blockquote", "ul", "ol", "li", "pre", "section", "article"}
    | {f"h{level}" for level in range(1, 7)}
)
_DROP_CONTENT_TAGS = frozenset(
    {"script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math", "head", "title"}
)
_VOID_TAGS = frozenset({"br", "img", "hr", "input", "meta", "link", "wbr", "source", "area", "base", "col"})
_SAFE_SCHEMES = frozenset({"http", "https"})
# Zero-width and bidi control characters: invisible to a reader, useful to an attacker.
_INVISIBLE_CHARS = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
# Break marks, kept apart from collapsible whitespace until the end:
_BREAK_MARK = "\x00"  # <br>: each one is a line break
_PARAGRAPH_MARK = "\x01"  # <p>, <blockquote>, <pre>: a blank line
_BLOCK_MARK = "\x02"  # other blocks (<li>, <div>): at least one line break, however many meet
_ANY_MARK = f"[{_BREAK_MARK}{_PARAGRAPH_MARK}{_BLOCK_MARK}]"
_PARAGRAPH_TAGS = frozenset({"p", "blockquote", "pre"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._drop_depth = 0  # inside <script> and friends
        self._hidden_depth = 0  # inside a span that Mastodon hides (class="invisible"), outside links
        self._span_stack: list[bool] = []  # per open <span>: does it hide its content?
        self._link: dict[str, object] | None = None  # the <a> being read
        self._pre_depth = 0

    # -- helpers -----------------------------------------------------------
    def _emit(self, text: str) -> None:
        if self._drop_depth:
            return
        if self._link is not None:
            buffer = self._link["text"]
            assert isinstance(buffer, list)
            buffer.append(text)
            return
        if self._hidden_depth:
            return
        self.parts.append(text)

    def _break(self, mark: str) -> None:
        if not self._drop_depth and self._link is None:
            self.parts.append(mark)

    def _block(self, tag: str) -> None:
        self._break(_PARAGRAPH_MARK if tag in _PARAGRAPH_TAGS else _BLOCK_MARK)

    # -- parser callbacks -------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag in _DROP_CONTENT_TAGS:
            self._drop_depth += 1
            return
        if tag in _VOID_TAGS:
            self.handle_startendtag(tag, attrs)
            return
        attributes = {name.lower(): (value or "") for name, value in attrs}
        classes = set(attributes.get("class", "").split())
        if tag == "span":
            hides = "invisible" in classes or "hidden" in attributes or "display:none" in attributes.get(
                "style", ""
            ).replace(" ", "")
            self._span_stack.append(hides)
            if hides and self._link is None:
                self._hidden_depth += 1
            return
        if tag == "a":
            if self._link is not None:  # a link inside a link: close the first
                self._finish_link()
            self._link = {"href": attributes.get("href", ""), "classes": classes, "text": []}
            return
        if tag == "pre":
            self._pre_depth += 1
        if tag in _BLOCK_TAGS:
            self._block(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag == "br":
            self._break(_BREAK_MARK)
        elif tag == "img":
            # Custom emoji arrive as <img alt=":name:">; keep the alt text a reader would see.
            alt = dict(attrs).get("alt") or ""
            if alt:
                self._emit(alt)
        elif tag not in _VOID_TAGS:
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if tag in _DROP_CONTENT_TAGS:
            self._drop_depth = max(0, self._drop_depth - 1)
            return
        if tag == "span":
            if self._span_stack and self._span_stack.pop() and self._link is None:
                self._hidden_depth = max(0, self._hidden_depth - 1)
            return
        if tag == "a":
            if self._link is not None:
                self._finish_link()
            return
        if tag == "pre":
            self._pre_depth = max(0, self._pre_depth - 1)
        if tag in _BLOCK_TAGS:
            self._block(tag)

    def handle_data(self, data: str) -> None:
        if self._pre_depth and self._link is None and not self._drop_depth and not self._hidden_depth:
            self.parts.append(data.replace("\n", _BREAK_MARK))
            return
        self._emit(data)

    def _finish_link(self) -> None:
        link = self._link
        self._link = None
        if link is None:
            return
        buffer = link["text"]
        assert isinstance(buffer, list)
        visible = "".join(buffer)
        href = str(link["href"]).strip()
        classes = link["classes"]
        assert isinstance(classes, set)
        if "mention" in classes or "hashtag" in classes or visible.strip().startswith(("@", "#")):
            # Mentions and hashtags read as "@user" / "#tag"; their href is a profile page.
            self._emit(visible)
            return
        scheme = urlsplit(href).scheme.lower() if href else ""
        if scheme in _SAFE_SCHEMES:
            if self.parts and self.parts[-1] and not self.parts[-1][-1].isspace():
                self._emit(" ")  # adjacent links must not run together
            self._emit(href)
        else:
            # javascript:, data:, mailto: or no href at all: show only what the reader saw.
            self._emit(visible)

    def close(self) -> None:
        super().close()
        if self._link is not None:
            self._finish_link()


def html_to_text(markup: str | None) -> str:
    """Plain text of a Mastodon HTML fragment (status ``content`` or account ``note``)."""
    if not markup:
        return ""
    parser = _TextExtractor()
    try:
        parser.feed(markup)
        parser.close()
    except AssertionError:  # html.parser gives up on some malformed declarations
        return _normalise(html.unescape(re.sub(r"<[^>]*>", " ", markup)))
    return _normalise("".join(parser.parts))


def _normalise(text: str) -> str:
    text = _INVISIBLE_CHARS.sub("", text)
    text = text.replace("\n", " ")  # source newlines are whitespace in HTML
    text = _SPACES.sub(" ", text)
    text = re.sub(rf" *{_ANY_MARK}+ *", _line_breaks, text)
    lines = [line.strip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def _line_breaks(run: re.Match[str]) -> str:
    """A run of break marks as newlines: at most a blank line, at least one break."""
    marks = run.group(0)
    if _PARAGRAPH_MARK in marks or marks.count(_BREAK_MARK) > 1:
        return "\n\n"
    return "\n"
