"""Cue-pair tokens: which kinds of reason a post combines, as one feature each.

The tie rules that separate the intents are about combinations, not words:
leaving *because of the price* is renewal, leaving *because of the signal* is a
complaint, a question about an *upgrade* held up by *waiting on the phone* is
a complaint. A bag of words and bigrams only sees such pairs when the words
sit next to each other; real posts put the reason a sentence away from the
threat. So the normaliser adds one token per pair of cue classes present
anywhere in the post ("_leave+price_"), and the model learns what each pair
means from the corpus (measured: +0.01 to +0.02 macro-F1 on the real posts,
see docs/classifier.md).

The word lists work on normalised tokens (lowercase, "£"/"$" as tokens, and the
5-letter stems the normaliser adds for long words, such as "cance~").
"""

from __future__ import annotations

from collections.abc import Iterable

_CUE_WORDS: dict[str, str] = {
    "leave": "leave leaving leavin cancel cancelling canceling cancelled pac stac port porting elsewhere switching "
             "leavi~ cance~ switc~",
    "price": "price prices cheaper cheap £ $ deal deals offer offers loyal loyalty expensive quid tariff pay paying "
             "rise increase discount match pricing loyal~ cheap~ expen~ incre~ disco~",
    "fault": "signal coverage outage down slow speed speeds broken fault engineer wifi connection dropping drops "
             "dropped working internet cover~ outag~ conne~ engin~",
    "service": "rude hold waiting queue useless chat hours hung customer service staff complaint complain respond "
               "response reply servi~ custo~ compl~",
    "upgrade": "upgrade upgrading renew renewal contract contracts plan eligible early upgra~ renew~ contr~ eligi~",
    "join": "join joining switch sign coverage available availability interested looking joini~ avail~ inter~ "
            "looki~",
    "thanks": "thanks thank cheers great love brilliant amazing sorted helpful thank~ brill~ amazi~ helpf~",
}
CUE_CLASSES: tuple[str, ...] = tuple(_CUE_WORDS)
_CLASS_BITS = {name: 1 << index for index, name in enumerate(CUE_CLASSES)}
_WORD_BITS: dict[str, int] = {}
for _name, _words in _CUE_WORDS.items():
    for _word in _words.split():
        _WORD_BITS[_word] = _WORD_BITS.get(_word, 0) | _CLASS_BITS[_name]
_CUE_VOCABULARY = frozenset(_WORD_BITS)
# the pair tokens for every combination of classes, precomputed: a post looks its combination up once
_PAIRS: list[tuple[str, ...]] = []
for _mask in range(1 << len(CUE_CLASSES)):
    _present = [name for name in CUE_CLASSES if _mask & _CLASS_BITS[name]]
    _PAIRS.append(tuple(f"_{a}+{b}_" for i, a in enumerate(_present) for b in _present[i + 1 :]))


def cue_pair_tokens(tokens: Iterable[str]) -> tuple[str, ...]:
    """One token per pair of cue classes found among ``tokens``, in a fixed order."""
    mask = 0
    for word in _CUE_VOCABULARY.intersection(tokens):
        mask |= _WORD_BITS[word]
    return _PAIRS[mask]
