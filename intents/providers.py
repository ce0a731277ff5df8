"""Known telecom providers: the names and handles people use for them.

The classifier judges every post relative to the provider it is addressed to,
so it needs to tell "us" from every other network. This table is that
knowledge; the operator's own provider (config ``provider.names/handles``) is
added on top at load time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# canonical name -> (names people write, handles without "@")
KNOWN_PROVIDERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "BT": (("BT", "BT Broadband", "British Telecom"), ("BTCare", "BT_UK", "btbroadband")),
    "Sky": (("Sky", "Sky Broadband", "Sky Mobile", "Sky TV", "Sky Q"), ("SkyUK", "SkyHelpTeam", "SkyMobile")),
    "Virgin Media": (
        ("Virgin Media", "Virgin", "Virgin Mobile", "VM"),
        ("virginmedia", "virginmedia_uk", "VMUKHelp", "virginmobileuk"),
    ),
    "TalkTalk": (("TalkTalk", "Talk Talk"), ("TalkTalk", "TalkTalkCare")),
    "Plusnet": (("Plusnet", "Plus net"), ("Plusnet", "PlusnetHelp")),
    "Vodafone": (("Vodafone", "Vodaphone", "Voda"), ("VodafoneUK", "VodafoneGroup", "VodafoneUKhelp", "VOXI_UK")),
    "EE": (("EE",), ("EE", "EEcomms", "EE_Help")),
    "O2": (("O2", "o2"), ("O2", "O2Help", "O2_UK")),
    "Three": (("Three", "Three UK", "3 UK"), ("ThreeUK", "ThreeUKSupport", "ThreeUKHelp")),
    "giffgaff": (("giffgaff", "giff gaff"), ("giffgaff",)),
    "Hyperoptic": (("Hyperoptic",), ("Hyperoptic", "HyperopticHelp")),
    "Community Fibre": (("Community Fibre",), ("CommunityFibre",)),
    "Shell Energy": (("Shell Energy", "Shell Energy Broadband"), ("ShellEnergyUK",)),
    "NOW": (("NOW Broadband", "NOW TV", "NOWTV"), ("NOWTV", "NOWBroadband")),
    "Tesco Mobile": (("Tesco Mobile",), ("tescomobile",)),
    "Lebara": (("Lebara",), ("LebaraUK",)),
    "Lyca": (("Lycamobile", "Lyca"), ("LycamobileUK",)),
    "iD Mobile": (("iD Mobile",), ("idmobileuk",)),
    "Verizon": (("Verizon", "Verizon Fios", "Fios"), ("Verizon", "VerizonSupport", "VerizonFios")),
    "AT&T": (("AT&T", "ATT"), ("ATT", "ATTHelp", "ATTCares")),
    "T-Mobile": (("T-Mobile", "TMobile", "T Mobile"), ("TMobile", "TMobileHelp", "TMobileUK")),
    "Comcast": (("Comcast", "Xfinity"), ("comcast", "comcastcares", "Xfinity", "XfinitySupport")),
    "Spectrum": (("Spectrum", "Charter"), ("Ask_Spectrum", "GetSpectrum")),
    "Sprint": (("Sprint",), ("sprint", "sprintcare")),
    "Cox": (("Cox", "Cox Communications"), ("CoxHelp", "CoxComm")),
    "Google Fi": (("Google Fi",), ("googlefi",)),
    "Mint Mobile": (("Mint Mobile",), ("Mint_Mobile",)),
    "Parley Telecom": (("Parley Telecom", "Parley"), ("parleytelecom",)),
}

# Names that are also ordinary English words: matched only with their brand casing.
_CASE_SENSITIVE = {"Three", "Sky", "EE", "NOW Broadband", "NOW TV", "Virgin", "Voda", "Cox", "Sprint",
                   "Spectrum", "Charter", "Mint Mobile", "VM", "Shell Energy", "Lyca"}
_NOT_AFTER_THREE = (
    r"(?!\s+(?:days?|weeks?|months?|years?|hours?|times?|mins?|minutes?|of|more|or|and|people|calls|"
    r"phones|lines|engineers?|attempts|separate|different|\d))"
)


@dataclass(frozen=True, slots=True)
class ProviderTerms:
    """The addressed provider ("us") and everyone else, as compiled regexes.

    ``us_names``/``us_handles`` are lowercased; matching of handles ignores case.
    """

    us_names: frozenset[str]
    us_handles: frozenset[str]
    pattern: re.Pattern[str]

    def is_us(self, matched: str) -> bool:
        if matched.startswith("@"):
            return matched[1:].lower() in self.us_handles
        return matched.lower() in self.us_names


def canonical_for_handle(handle: str) -> str | None:
    """Which known provider owns ``handle`` (case-insensitive), if any."""
    wanted = handle.lstrip("@").lower()
    for canonical, (_names, handles) in KNOWN_PROVIDERS.items():
        if wanted in (h.lower() for h in handles):
            return canonical
    return None


def trie_regex(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` arranged as a trie.

    Python's ``re`` tries alternatives one by one; sharing prefixes makes a
    hundred brand names cost about as much as a handful. Spaces in words
    match any run of whitespace.
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [(r"\s+" if ch == " " else re.escape(ch)) + render(child)
                    for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and len(branches[0]) == 1 else f"(?:{'|'.join(branches)})"
        return f"{body}?" if ends else body

    return render(trie)


def _compile(names: Iterable[str], handles: Iterable[str]) -> re.Pattern[str]:
    handle_set = {h.lower() for h in handles}
    names = set(names)
    insensitive = {n.lower() for n in names if n not in _CASE_SENSITIVE}
    sensitive = {n for n in names if n in _CASE_SENSITIVE and n != "Three"}
    alternatives = [rf"(?i:{trie_regex(insensitive)})"]
    if sensitive:
        alternatives.append(trie_regex(sensitive))
    if "Three" in names:
        alternatives.append("Three" + _NOT_AFTER_THREE)
    return re.compile(
        rf"@(?i:{trie_regex(handle_set)})(?!\w)|(?<![\w@#&])(?:{'|'.join(alternatives)})(?![\w&-])"
    )


_TERMS_CACHE: dict[tuple[str, tuple[str, ...], tuple[str, ...]], ProviderTerms] = {}


def provider_terms(
    provider: str | None = None,
    *,
    names: Sequence[str] = (),
    handles: Sequence[str] = (),
) -> ProviderTerms:
    """Terms for the provider addressed by handle ``provider`` plus configured names/handles.

    When ``provider`` is a known handle, all names and handles of that network are
    "us"; otherwise the handle itself and the configured ``names``/``handles`` are.
    """
    key = (provider or "", tuple(names), tuple(handles))
    cached = _TERMS_CACHE.get(key)
    if cached is not None:
        return cached
    us_names = {n.lower() for n in names}
    us_handles = {h.lstrip("@").lower() for h in handles}
    if provider:
        us_handles.add(provider.lstrip("@").lower())
        canonical = canonical_for_handle(provider)
        if canonical:
            known_names, known_handles = KNOWN_PROVIDERS[canonical]
            us_names.update(n.lower() for n in known_names)
            us_handles.update(h.lower() for h in known_handles)
    all_names = [n for ns, _ in KNOWN_PROVIDERS.values() for n in ns] + list(names)
    all_handles = [h for _, hs in KNOWN_PROVIDERS.values() for h in hs] + list(us_handles)
    terms = ProviderTerms(frozenset(us_names), frozenset(us_handles), _compile(all_names, all_handles))
    if len(_TERMS_CACHE) > 256:
        _TERMS_CACHE.clear()
    _TERMS_CACHE[key] = terms
    return terms
