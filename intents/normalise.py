"""Text normalisation shared by training and classification.

The model never sees raw handles or brand names: the addressed provider becomes
``@us`` and any other network ``@other``, so "leaving @O2 for you" and "leaving
you for @O2" look different to the model whichever provider is addressed. The
same function runs on the corpus at training time and on posts at run time;
that symmetry is the point. It also does the tokenisation (one regex pass), so
the spaCy pipeline only needs a whitespace tokenizer, which keeps it fast.
"""

from __future__ import annotations

import html
import re

from intents.cues import cue_pair_tokens
from intents.providers import ProviderTerms

US_TOKEN = "@us"
OTHER_TOKEN = "@other"
USER_TOKEN = "@user"

_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_OTHER_PEOPLE = re.compile(r"@(?!(?:us|other)\b)\w+")  # any handle but the tokens put in above
# a long reply thread counts once, not per person
_REPEATED_HANDLE = re.compile(r"@user(?:\s+@user)+(?!\w)")
_LONG_NUMBER = re.compile(r"\d\d+")  # not \d{2,}: a leading \d lets re skip to digits in C
_TOKEN = re.compile(r"@\w+|[a-z0-9]+(?:'[a-z]+)?|[!?]{1,3}|[£$€]|[^\s\w]")
_US_PIECE = f" {US_TOKEN} "
_OTHER_PIECE = f" {OTHER_TOKEN} "


def normalise_tokens(text: str, terms: ProviderTerms,
                     provider_matches: list[re.Match[str]] | None = None) -> list[str]:
    """The tokens the text classifier is trained on (what :func:`normalise` joins with spaces).

    ``provider_matches`` (``terms.pattern.finditer(text)``) may be passed by a
    caller that needs them anyway (the entity pass does), to scan only once.
    """
    if provider_matches is None:
        provider_matches = list(terms.pattern.finditer(text))
    if provider_matches:
        pieces: list[str] = []
        position = 0
        is_us = terms.is_us
        for match in provider_matches:
            pieces.append(text[position : match.start()])
            pieces.append(_US_PIECE if is_us(match.group(0)) else _OTHER_PIECE)
            position = match.end()
        pieces.append(text[position:])
        text = "".join(pieces)
    if "&" in text:
        text = html.unescape(text)
    if "http" in text or "www." in text:
        text = _URL.sub(" url ", text)
    if "@" in text:
        text = _OTHER_PEOPLE.sub(USER_TOKEN, text)
        if "@user" in text:
            text = _REPEATED_HANDLE.sub(USER_TOKEN, text)
    if "’" in text:
        text = text.replace("’", "'")
    tokens = _TOKEN.findall(_LONG_NUMBER.sub("00", text.lower()))
    # a 5-letter stem token for longer words lets "cancelled" learnt from the corpus count for
    # "cancellation" in a real post (measured: +0.01 macro-F1 on real posts)
    tokens += [token[:5] + "~" for token in tokens if len(token) > 6 and token[0] != "@"]
    tokens += cue_pair_tokens(tokens)  # which kinds of reason the post combines (intents.cues)
    return tokens


def normalise(text: str, terms: ProviderTerms, provider_matches: list[re.Match[str]] | None = None) -> str:
    """Return the space-separated token string the text classifier is trained on."""
    return " ".join(normalise_tokens(text, terms, provider_matches))
