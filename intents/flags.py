"""Cheap flags routing relies on: abusive, urgent, legal, question, non_english.

Each is one precompiled regex (or a character count) because the classifier
runs on every post and must stay fast; these are hints that send a post to a
human, so a false positive costs a review, not a wrong reply.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet

from intents.providers import trie_regex


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


ABUSIVE = "abusive"
URGENT = "urgent"
LEGAL = "legal"
QUESTION = "question"
NON_ENGLISH = "non_english"
LOW_CONFIDENCE = "low_confidence"

# Words are matched as a set (one findall per post); stems and phrases by small regexes.
_ABUSIVE_WORDS = _wordset(
    "bastard bastards twat twats prick pricks dickhead dickheads arsehole arseholes asshole assholes moron "
    "morons idiot idiots scum scumbags muppet muppets clown clowns tosser tossers bellend bellends stfu "
    "bullshit dumbass retard retards wankers wanker shite bs"
)
_ABUSIVE_STEMS = re.compile(r"f+u+c+k|fck|f\*+k|sh[i1]t|wank|cunt|c\*+t|piss\s+off")
_URGENT_WORDS = _wordset(
    "vulnerable elderly disabled disability medical hospital carer oxygen pacemaker lifeline telecare "
    "emergency 999 911 dying chemo chemotherapy pregnant dialysis safeguarding newborn suicidal"
)
_URGENT_PHRASES = re.compile(
    r"(?:no|without)\s+(?:phone|internet|broadband|service|signal|landline|connection|wifi)\s+(?:for\s+)?"
    r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|a\s+few|many)\s+(?:days|weeks)|"
    r"(?:\d+|two|three|four|five|six|seven|several)\s+(?:days|weeks)\s+(?:without|with\s+no)\s+"
    r"(?:phone|internet|broadband|service|signal|landline|any\s+connection|wifi)|"
    r"terminal(?:ly)?\s+ill|care\s+alarm|domestic\s+abuse"
)
_LEGAL_WORDS = _wordset(
    "ombudsman ombudsmen ofcom solicitor solicitors lawyer lawyers attorney attorneys sue suing fcc cisas "
    "bbb gdpr ico"
)
_LEGAL_PHRASES = re.compile(
    r"small\s+claims|trading\s+standards|legal\s+action|to\s+court|court\s+action|citizens\s+advice|"
    r"better\s+business\s+bureau|data\s+protection\s+act|section\s+75|county\s+court"
)
_QUESTION_START = re.compile(
    r"^\s*(?:[@.]\S*\s+)*(?:(?:hi|hey|hello)[\s,!.]*)?(?:how|what|when|where|why|who|which|whats|can|could|"
    r"would|will|is|are|am|do|does|did|should|any|anyone|has|have)\b",
    re.IGNORECASE,
)
_NON_LATIN_LETTER = re.compile(r"[^\W\d_A-Za-z\u00C0-\u024F]")  # letters of other scripts
_WORDS = re.compile(r"[a-z0-9']+")
_ENGLISH = _wordset(
    "the a an and or to of in on for is it i you my me your with not no but this that be are was have has "
    "do can just get got so at what when why how still from they we our please thanks all im i'm it's dont "
    "been if out up about will would there any new phone"
)
_FOREIGN = _wordset(
    "el la los las que de y en por para con es una un le les des est et pas pour avec une der die das und "
    "ist nicht mit ich sie il di che per non sono una ho da em não uma com para mas bir ve ne için bu "
    "hola gracias como mi tu su lo al del más muy bien estas"
)


_ABUSIVE_STEM_CUES = ("fuck", "fck", "f*", "shit", "sh1t", "wank", "cunt", "c*", "piss off", "fuuu", "ffs")
# every urgent phrase contains one of these (the cheap test before the regex)
_URGENT_CUES = ("days", "weeks", "terminal", "alarm", "abuse")
_LEGAL_CUES = ("claims", "standards", "legal", "court", "advice", "bureau", "protection", "section")
# one scan for all three cue lists: most posts have none, and then no per-list test runs
_REGULATOR_HANDLE = re.compile(r"@(?:ofcom|fcc)(?!\w)")  # their own accounts, not "@ofcomfan"
_ANY_CUE = re.compile(trie_regex(_ABUSIVE_STEM_CUES + _URGENT_CUES + _LEGAL_CUES))
_QUESTION_WORDS = frozenset(
    ("how", "what", "when", "where", "why", "who", "which", "whats", "can", "could", "would", "will", "is", "are",
     "am", "do", "does", "did", "should", "any", "anyone", "has", "have")
)

# every word the tests below look up: a caller may pass just the post's tokens that are in here
GATE_WORDS = _ABUSIVE_WORDS | _URGENT_WORDS | _LEGAL_WORDS | _QUESTION_WORDS | _ENGLISH | _FOREIGN


def detect_flags(text: str, words: AbstractSet[str] | None = None, lower: str | None = None,
                 tokens: Sequence[str] | None = None) -> set[str]:
    """All flags that apply to ``text`` (without low_confidence, which needs the scores).

    ``words`` (lowercased tokens) can be passed in by a caller that has them
    already, which saves the one regex pass this function would otherwise make; ``lower`` is
    ``text.lower()``, for a caller that lowercases the post once for several passes. The
    classifier passes only the tokens that are in :data:`GATE_WORDS` (all this function looks
    at), so that each test below looks through a handful of words rather than the whole post,
    and ``tokens``, all of the post's tokens, for the one test that counts them.
    """
    flags: set[str] = set()
    if lower is None:
        lower = text.lower()
    wordset = words if words is not None else set(_WORDS.findall(lower))
    has_cue = _ANY_CUE.search(lower) is not None
    if not _ABUSIVE_WORDS.isdisjoint(wordset) or (
        has_cue and any(cue in lower for cue in _ABUSIVE_STEM_CUES) and _ABUSIVE_STEMS.search(lower)
    ):
        flags.add(ABUSIVE)
    if not _URGENT_WORDS.isdisjoint(wordset) or "999" in text or "911" in text or (
        has_cue and any(cue in lower for cue in _URGENT_CUES) and _URGENT_PHRASES.search(lower)
    ):
        flags.add(URGENT)
    # a regulator tagged by its handle ("@Ofcom is this allowed?") is not a word the normaliser keeps
    if not _LEGAL_WORDS.isdisjoint(wordset) or ("@" in lower and _REGULATOR_HANDLE.search(lower)) or (
        has_cue and any(cue in lower for cue in _LEGAL_CUES) and _LEGAL_PHRASES.search(lower)
    ):
        flags.add(LEGAL)
    if "?" in text or (not _QUESTION_WORDS.isdisjoint(wordset) and _QUESTION_START.match(text)):
        flags.add(QUESTION)
    if _non_english(text, wordset, wordset if tokens is None else tokens):
        flags.add(NON_ENGLISH)
    return flags


def looks_non_english(text: str) -> bool:
    words = set(_WORDS.findall(text.lower()))
    return _non_english(text, words, words)


def _non_english(text: str, words: AbstractSet[str], tokens: Iterable[str]) -> bool:
    """Mostly non-Latin letters, or several words and far more common foreign than English words."""
    # non-Latin letters are a subset of the non-ASCII characters, counted in C first
    if not text.isascii() and len(text) - len(text.encode("ascii", "ignore")) > 0.3 * len(text) \
            and len(_NON_LATIN_LETTER.findall(text)) > 0.3 * len(text):
        return True
    if _FOREIGN.isdisjoint(words) or len(set(tokens)) < 5:
        return False
    foreign = len(_FOREIGN.intersection(words))
    return foreign >= 2 and foreign > 2 * len(_ENGLISH.intersection(words))
