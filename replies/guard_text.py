"""Turning a reply into one plain spelling before the guard reads it.

Whoever writes a reply (a template author, a member of staff in a hurry, or a
model) can spell "account number" a hundred ways: "acc no.", "a/c #", "ACC0UNT",
"a c c o u n t", with a zero-width space or a Cyrillic "а" inside. The guard's
rules are written once, against the plain spelling this module produces, so a
new disguise is handled here rather than in every rule.
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]"
)
_CONFUSABLES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
        "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "һ": "h", "ԛ": "q",
        "ԝ": "w", "ɑ": "a", "ɡ": "g", "ı": "i", "ο": "o", "α": "a", "ρ": "p", "ν": "v", "ι": "i", "κ": "k",
        "τ": "t", "ε": "e", "υ": "u", "χ": "x", "ϲ": "c", "ʀ": "r", "ɴ": "n", "ᴀ": "a", "ᴄ": "c", "ᴏ": "o",
        "ᴜ": "u", "ɪ": "i", "ᴘ": "p", "ᴅ": "d", "ᴛ": "t", "ᴍ": "m", "ʙ": "b", "ᴇ": "e", "ꜱ": "s",
        "’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "′": "'", "“": '"', "”": '"', "„": '"',
        "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-", "·": ".", "•": " ",
        "№": " number ", "＃": "#",
    }
)
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i", "|": "i"}
)
# A symbol standing in for a letter inside a word ("p@ssword", "pa$$word", "p!n").
_LEET_SYMBOLS = re.compile(r"(?<=[a-z])[@$!|]+(?=[a-z])")
# A word with a digit standing in for a letter ("acc0unt", "passw0rd", "p1n").
_LEET_WORD = re.compile(r"(?<![\w])(?=[a-z0-9]*[a-z])(?=[a-z0-9]*[013457])[a-z0-9]{3,}(?![\w])")
_UNIT_LIKE = re.compile(
    r"^\d+(?:st|nd|rd|th|g|gb|mb|mbps|gbps|k|p|pm|am|m|x|s|h|hr|hrs|min|mins|yr|yrs|mo|ms|tb|hz|ghz)$"
)
_SPACED_LETTERS = re.compile(r"(?<![a-z'])(?:[a-z][ .\-_*]){2,}[a-z](?![a-z'])")
_SQUEEZE = re.compile(r"([a-z])\1{2,}")
_SPACES = re.compile(r"[ \t\f\v]+")
# Links and @handles name places and people, not what the reply asks for.
_LINK_OR_HANDLE = re.compile(r"\bhttps?://\S+|\bwww\.\S+|(?<![\w@])@\w+(?:@[\w.-]+)?")

_CONTRACTIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\bwon'?t\b", "will not"),
        (r"\bcan'?t\b", "can not"),
        (r"\bcannot\b", "can not"),
        (r"\bshan'?t\b", "shall not"),
        (r"\b(do|does|did|is|are|was|were|has|have|had|should|would|could|must|need|ain)n'?t\b", r"\1 not"),
        (r"\b(what|that|it|there|here|who|where|how)'?s\b", r"\1 is"),
        (r"\blet'?s\b", "let us"),
        (r"\b(we|you|they|i|u)'ll\b", r"\1 will"),
        (r"\b(we|you|they|u)'re\b", r"\1 are"),
        (r"\byoure\b", "you are"),
        (r"\bur (calling|ringing|texting|messaging)\b", r"you are \1"),
        (r"\b(we|you|they|i)'ve\b", r"\1 have"),
        (r"\b(we|you|they|i)'d\b", r"\1 would"),
        (r"\bi'm\b", "i am"),
    )
)
_NO_APOSTROPHE = re.compile(
    r"\b(dont|doesnt|didnt|isnt|arent|wasnt|shouldnt|wouldnt|couldnt|mustnt|neednt|wont|cant)\b"
)
_NO_APOSTROPHE_WORDS = {
    "dont": "do not", "doesnt": "does not", "didnt": "did not", "isnt": "is not", "arent": "are not",
    "wasnt": "was not", "shouldnt": "should not", "wouldnt": "would not", "couldnt": "could not",
    "mustnt": "must not", "neednt": "need not", "wont": "will not", "cant": "can not",
}
_WORD_SWAPS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\b(?:whats|wats|wots|wot is|wat is|whatre)\b", "what is"),
        (r"\b(?:oh|uh|ah|aw) no+\b", "oh dear"),
        (r"\bw/(?=\s)", "with"),
        (r"\b(?:youll|u will)\b", "you will"),
        (r"\b(?:well|we will) (need|ask|require|want|take|get|just need)\b", r"we will \1"),
        (r"\bwed (need|like|love|want)\b", r"we would \1"),
        (r"\b(?:pls|plz|plse|pleas|pleez)\b", "please"),
        (r"\b(?:ur|yr|yer|yor|youre own)\b", "your"),
        (r"\bu\b", "you"),
        (r"\bd\.? ?m\.?(?=\s|$|[,!?])", "dm"),
        (r"\bp\.? ?m\.?(?= us| me)", "pm"),
        (r"\b(?:direct message|direct msg|private message|private msg|inbox)\b", "dm"),
        (r"(?<=[a-z])[-_](?=[a-z])", " "),
        (r"\be mail\b", "email"),
        (r"\bacc\s?ount\b", "account"),
        (r"\ba\.?c\.?(?=\s*(?:no\b|number|num\b|nbr|#|details|information|info\b))", "account"),
        (r"\bph\.?(?=\s*(?:no\b|number|num\b|nbr|#))", "phone"),
        (r"\b(?:a/cs?|acct|accnt|acount|accout|acnt|accoutn|acc|accs)\b\.?", "account"),
        (r"\bpass\s?(word|code|phrase)\b", r"pass\1"),
        (r"\b(?:pasword|passwrd|passwd|pword|pwd|pw)\b", "password"),
        (r"\bpin\s?(?:code|number|no\.?|num|#)(?![a-z])", "pin"),
        (r"\b(?:d\.?o\.?b\.?|birth ?date)(?![a-z])", "date of birth"),
        (r"\b(?:mob|mobi|moby|cell|cellphone|mobile phone)\b\.?", "mobile"),
        (r"\b(?:tel|telephone)\b\.?", "phone"),
        (r"\b(?:ref)\b\.?", "reference"),
        (r"\b(?:cust)\b\.?", "customer"),
        (r"\b(?:info)\b", "information"),
        (r"\b(?:deets|dets)\b", "details"),
        (r"\b(?:digitz|didgits|digets)\b", "digits"),
        (r"\bsortcode\b", "sort code"),
    )
)
_GLUED = re.compile(
    r"\b(account|customer|reference|order|phone|mobile|security|sort|card|contact)"
    r"(number|no|num|nbr|details|information|code|id)\b"
)
_NEVER_EVER = re.compile(r"\b(never|not),\s*ever\b")
_NUMBER_WORD = re.compile(
    r"\b(account|customer|client|reference|order|phone|mobile|contact|landline|card|member|membership|ticket|"
    r"case|booking|sim|serial|imei|puk|pac|contract|policy|invoice|billing|bill|routing|home|work|whatsapp)"
    r"\s*(?:number|numbers|num|numb|numbr|numer|nuber|nunber|nmber|nbr|nmbr|nr|no|nos|#)(?![a-z])\.?"
)


def _unleet(match: re.Match[str]) -> str:
    word = match.group(0)
    if _UNIT_LIKE.match(word):
        return word
    return word.translate(_LEET)


def _join_letters(match: re.Match[str]) -> str:
    return re.sub(r"[ .\-_*]", "", match.group(0))


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _drop_symbols(text: str) -> str:
    """Emoji and pictographs become spaces: they never carry the words the rules read."""
    if text.isascii():
        return text
    return "".join(" " if unicodedata.category(c) in ("So", "Sk", "Cs", "Co", "Cn") else c for c in text)


def normalise(text: str) -> str:
    """The plain, lower-case spelling of ``text`` that the guard's rules are written against."""
    text = _INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFKC", text).lower().translate(_CONFUSABLES)
    text = _drop_symbols(_strip_marks(text))
    text = _LINK_OR_HANDLE.sub(" ", text)
    text = _LEET_SYMBOLS.sub(lambda m: m.group(0).translate(_LEET), text)
    text = _LEET_WORD.sub(_unleet, text)
    text = _SPACED_LETTERS.sub(_join_letters, text)
    text = _SQUEEZE.sub(r"\1", text)
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    text = _NO_APOSTROPHE.sub(lambda m: _NO_APOSTROPHE_WORDS[m.group(1)], text)
    for pattern, replacement in _WORD_SWAPS:
        text = pattern.sub(replacement, text)
    text = _NEVER_EVER.sub(r"\1 ever", text)
    text = _GLUED.sub(r"\1 \2", text)
    text = _NUMBER_WORD.sub(r"\1 number", text)
    return _SPACES.sub(" ", text).strip()


def digits_only(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isdigit())
