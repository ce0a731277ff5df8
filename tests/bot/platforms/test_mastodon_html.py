"""Status HTML to plain text, including markup a hostile remote server could send."""

from __future__ import annotations

import pytest

from bot.platforms.mastodon_html import html_to_text

REAL_MENTION = (
    '<p><span class="h-card" translate="no"><a href="http://localhost:3000/@mastodonpy_test" '
    'class="u-url mention">@<span>mastodonpy_test</span></a></span> hello!</p>'
)
SHORTENED_LINK = (
    '<p>see <a href="https://www.example.org/outages/north-region-2026" rel="nofollow noopener" '
    'target="_blank"><span class="invisible">https://www.</span><span class="ellipsis">example.org/outages/n'
    '</span><span class="invisible">orth-region-2026</span></a> please</p>'
)


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        (REAL_MENTION, "@mastodonpy_test hello!"),
        (SHORTENED_LINK, "see https://www.example.org/outages/north-region-2026 please"),
        ("<p>line one<br>line two<br/>line three</p>", "line one\nline two\nline three"),
        ("<p>first paragraph</p><p>second paragraph</p>", "first paragraph\n\nsecond paragraph"),
        ("<p>fish &amp; chips &lt;3 &quot;ok&quot; &#39;yes&#39; &eacute;t&eacute; &#x1F600;</p>",
         "fish & chips <3 \"ok\" 'yes' été 😀"),
        (
            '<p><a href="https://social.example/tags/broadband" class="mention hashtag" rel="tag">'
            "#<span>broadband</span></a> is down</p>",
            "#broadband is down",
        ),
        ("<p>  lots   of\n\n  spaces\there </p>", "lots of spaces here"),
        ("", ""),
        (None, ""),
        ("plain text without tags", "plain text without tags"),
        ('<p>hi <img src="x.png" alt=":blobcat:" class="custom-emoji"> there</p>', "hi :blobcat: there"),
        ("<ul><li>one</li><li>two</li></ul>", "one\ntwo"),
    ],
)
def test_mastodon_markup(markup: str | None, expected: str) -> None:
    assert html_to_text(markup) == expected


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>hello<script>alert('x')</script> world</p>", "hello world"),
        ("<style>p{display:none}</style><p>visible</p>", "visible"),
        ('<p>click <a href="javascript:alert(1)">https://bank.example</a></p>', "click https://bank.example"),
        # A link whose text pretends to be another address reads as where it really goes.
        ('<p><a href="https://evil.example/login">https://bank.example/login</a></p>', "https://evil.example/login"),
        ('<p>a <span class="invisible">hidden words</span>b</p>', "a b"),
        ("<p>un<b>closed <i>tags", "unclosed tags"),
        ("<p>zero\u200bwidth\u202etext\ufeff</p>", "zerowidthtext"),
        ("<div><div><div><p>deep</p></div></div></div>", "deep"),
        ("<!-- a comment --><p>after</p>", "after"),
        ("<![CDATA[x]]><p>ok</p>", "ok"),
        ('<a href="https://one.example">one<a href="https://two.example">two</a>', "https://one.example https://two.example"),
        ("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", "<script>alert(1)</script>"),
        ("<iframe src='https://x.example'>fallback</iframe><p>text</p>", "text"),
        ("</p></p><br><br><br><br><p>x</p>", "x"),
        ("<p>a</p>" * 3, "a\n\na\n\na"),
        ("<a>no href</a>", "no href"),
        # Legacy entities without ";" decode as a browser decodes them.
        ("<p>&notanentity; & alone</p>", "¬anentity; & alone"),
    ],
)
def test_hostile_markup(markup: str, expected: str) -> None:
    assert html_to_text(markup) == expected


def test_pre_keeps_its_line_breaks() -> None:
    assert html_to_text("<pre>line 1\nline 2</pre>") == "line 1\nline 2"


def test_large_input_is_handled() -> None:
    markup = "<p>" + "word " * 20000 + "</p>" + "<span>" * 5000
    text = html_to_text(markup)
    assert text.startswith("word word")
    assert text.count("word") == 20000
