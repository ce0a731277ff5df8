"""Generate Parley's intent training corpus: ``python -m intents.data.generate``.

Templates (phrases_a/phrases_b, all written for this project) are filled with
slot values and roughened the way real posts are: reply threads full of other
people's handles, typos, text-speak, emoji, hashtags, shouting, links, HTML
entities, UK and US phrasing. A fixed seed makes the output byte-for-byte
reproducible, so the committed corpus.jsonl and this script always agree.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Callable
from pathlib import Path

from intents.data.phrases_a import COMPLAINT, RENEWAL
from intents.data.phrases_b import EMOJI, GREETINGS, HASHTAGS, NEUTRAL_TAILS, NEW_CUSTOMER, OTHER, TAILS
from intents.data.phrases_c import (
    COMPLAINT_LONG,
    COMPLAINT_MORE,
    COMPLAINT_THIRD_PERSON,
    CONTEXT,
    NEW_CUSTOMER_LONG,
    OTHER_LONG,
    OTHER_MORE,
    OTHER_NEUTRAL,
    OTHER_NO_PROBLEM,
    RENEWAL_LONG,
    RENEWAL_MORE,
)
from intents.data.phrases_d import COMPOSE, MOVE_REASONS, MOVES, PROMO_TAILS, PROMOS, WORDS
from intents.providers import KNOWN_PROVIDERS

SEED = 20261122
DEFAULT_SIZE = 12000
CORPUS_PATH = Path(__file__).with_name("corpus.jsonl")

CORES: dict[str, list[str]] = {
    "complaint": COMPLAINT + COMPLAINT_LONG + COMPLAINT_MORE + COMPLAINT_THIRD_PERSON,
    "renewal": RENEWAL + RENEWAL_LONG + RENEWAL_MORE,
    "new_customer": NEW_CUSTOMER + NEW_CUSTOMER_LONG,
    "other": OTHER + OTHER_LONG + OTHER_MORE + OTHER_NEUTRAL + OTHER_NO_PROBLEM,
}
MIX = {"complaint": 0.38, "other": 0.28, "renewal": 0.22, "new_customer": 0.12}
COMPOSED_SHARE = 0.45
MOVE_SHARE = {"renewal": 0.3, "new_customer": 0.4, "complaint": 0.08}
JOINERS = [". ", ", ", " and ", " - ", "... ", "\n", ". ", "! "]
# (no leading mentions, our handle first, a reply thread with other handles first)
LEADS = {
    "complaint": (0.22, 0.55, 0.23),
    "renewal": (0.30, 0.50, 0.20),
    "new_customer": (0.25, 0.48, 0.27),
    "other": (0.18, 0.30, 0.52),
}
UK = ["Three", "O2", "Vodafone", "EE", "BT", "Sky", "Virgin Media", "TalkTalk", "Plusnet", "giffgaff",
      "Tesco Mobile", "Hyperoptic", "Community Fibre", "Shell Energy", "NOW", "Parley Telecom"]
US = ["Verizon", "AT&T", "T-Mobile", "Comcast", "Spectrum", "Sprint", "Cox"]
UK_WEIGHTS = [9, 9, 10, 6, 4, 4, 4, 2, 2, 2, 2, 1, 1, 1, 1, 2]

PRODUCTS = ["broadband", "internet", "wifi", "fibre", "phone line", "landline", "mobile data", "4g", "5g",
            "signal", "tv", "tv box", "router", "sim", "hub", "home phone", "mobile", "phone", "full fibre",
            "data", "connection"]
PLACES_UK = ["Leeds", "Manchester", "Croydon", "Bristol", "Glasgow", "Cardiff", "Norwich", "Hull",
             "Brighton", "Leicester", "Sheffield", "Belfast", "Milton Keynes", "Swansea", "Exeter",
             "Reading", "the town centre", "my village", "Camden", "Salford", "Aberdeen", "Kent"]
PLACES_US = ["Brooklyn", "Austin", "Denver", "Queens", "Tampa", "Phoenix", "Columbus", "Seattle",
             "Atlanta", "San Diego", "Philly", "my area"]
DAYS = ["3 days", "a week", "two weeks", "48 hours", "5 days", "10 days", "over a week", "a fortnight",
        "6 days", "4 days", "nearly a month", "2 days"]
WHEN = ["last week", "yesterday", "monday", "on the 14th", "next week", "the end of the month",
        "in march", "friday", "last month", "on the 3rd", "tomorrow", "before christmas", "in january"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
PHONES = ["iphone 15", "iPhone 14 Pro", "galaxy s24", "Pixel 8", "samsung a54", "iPad", "iphone",
          "S23", "new iphone", "Pixel 7a", "Galaxy Z Flip"]
HOURS = ["2 hours", "45 minutes", "an hour", "90 mins", "3 hours", "40 mins", "over an hour"]
SPEEDS = ["2mbps", "0.5 Mbps", "5meg", "10mb", "1.2mbps", "3 Mb", "less than 1mbps"]
YEARS = ["6 years", "a decade", "since 2012", "15 years", "over 20 years", "donkeys years", "years",
         "8 years", "since forever", "12 years"]
GB = ["100GB", "unlimited data", "30gb", "50GB", "unlimited", "15gb", "200GB"]
NAMES = ["Sarah", "Jamie", "Priya", "Tom", "Aisha", "Dave", "Megan", "Callum", "Chloe", "Mo", "Rachel",
         "Kev", "Hannah", "Luis", "Gemma", "Ola", "Ben", "Zara", "Liam", "Maria"]
HANDLE_WORDS = ["mike", "jo", "the_real", "sam", "kaz", "lou", "dan", "bex", "pete", "nat", "gaz", "em",
                "rob", "ash", "bee", "jules", "tash", "kel", "mark", "shaz", "dee", "chris"]
SLANG = [(r"\byou\b", "u", 0.12), (r"\byour\b", "ur", 0.12), (r"\bplease\b", "pls", 0.3),
         (r"\bbecause\b", "cos", 0.3), (r"\bthanks\b", "thx", 0.15), (r"\bare\b", "r", 0.06),
         (r"\bi'm\b", "im", 0.3), (r"\bdon't\b", "dont", 0.3), (r"\bcan't\b", "cant", 0.3),
         (r"\bwhat\b", "wot", 0.04), (r"\bto be honest\b", "tbh", 0.5), (r"\bsomething\b", "sth", 0.1)]
US_SWAPS = [(r"\bmobile data\b", "cell data"), (r"\bbroadband\b", "internet"), (r"\bquid\b", "bucks"),
            (r"\bfortnight\b", "two weeks"), (r"\bmum\b", "mom"), (r"\bshop\b", "store"),
            (r"\bengineer\b", "tech"), (r"\bpac code\b", "account pin to port"), (r"\bsim only\b", "prepaid")]
SLOT = re.compile(r"\{(\w+)\}")


class PostMaker:
    """Builds one noisy post for one intent and one addressed provider."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def choose_provider(self) -> tuple[str, str, bool]:
        rng = self.rng
        us_side = rng.random() < 0.15
        canonical = rng.choice(US) if us_side else rng.choices(UK, weights=UK_WEIGHTS)[0]
        handles = KNOWN_PROVIDERS[canonical][1]
        handle = handles[0] if rng.random() < 0.7 else rng.choice(handles)
        return canonical, handle, us_side

    def money(self, us_side: bool) -> str:
        rng = self.rng
        amount = rng.choice([5, 10, 12, 15, 18, 20, 22, 25, 30, 35, 40, 45, 50, 60, 70, 85, 100, 120, 209])
        if us_side:
            return rng.choice([f"${amount}", f"${amount}/month", f"${amount}.99", f"{amount} bucks"])
        return rng.choice([f"£{amount}", f"£{amount}", f"£{amount}.{rng.randint(10, 99)}", f"{amount} quid",
                           f"£{amount} a month", f"£{amount}pm"])

    def postcode(self, us_side: bool) -> str:
        rng = self.rng
        if us_side:
            return f"{rng.randint(10000, 99999)}"
        area = rng.choice(["M", "LS", "SE", "N", "B", "G", "CF", "NR", "HU", "BN", "S", "E", "SW", "BS", "DN"])
        outward = f"{area}{rng.randint(1, 28)}"
        if rng.random() < 0.35:
            return outward.lower() if rng.random() < 0.3 else outward
        inward = f"{rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        sep = "" if rng.random() < 0.2 else " "
        full = f"{outward}{sep}{inward}"
        return full.lower() if rng.random() < 0.25 else full

    def other_ref(self, canonical: str, us_side: bool) -> str:
        rng = self.rng
        pool = [p for p in (US if us_side else UK) if p != canonical and p != "Parley Telecom"]
        other = rng.choice(pool)
        names, handles = KNOWN_PROVIDERS[other]
        if rng.random() < 0.45:
            return "@" + handles[0]
        name = rng.choice(names)
        return name if rng.random() < 0.7 or name.isupper() else name.lower()

    def us_ref(self, canonical: str, handle: str) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.35:
            return rng.choice(["you", "you", "you guys", "you lot", "u", "yous"])
        if roll < 0.75:
            return "@" + handle
        names = KNOWN_PROVIDERS[canonical][0]
        return rng.choice(names)

    def fill(self, template: str, canonical: str, handle: str, us_side: bool) -> str:
        rng = self.rng
        fillers: dict[str, Callable[[], str]] = {
            "us": lambda: self.us_ref(canonical, handle),
            "other": lambda: self.other_ref(canonical, us_side),
            "product": lambda: rng.choice(PRODUCTS),
            "money": lambda: self.money(us_side),
            "days": lambda: rng.choice(DAYS),
            "month": lambda: rng.choice(MONTHS),
            "when": lambda: rng.choice(WHEN),
            "place": lambda: rng.choice(PLACES_US if us_side else PLACES_UK),
            "pc": lambda: self.postcode(us_side),
            "phone": lambda: rng.choice(PHONES),
            "hours": lambda: rng.choice(HOURS),
            "speed": lambda: rng.choice(SPEEDS),
            "years": lambda: rng.choice(YEARS),
            "n": lambda: str(rng.randint(2, 9)),
            "gb": lambda: rng.choice(GB),
            "name": lambda: rng.choice(NAMES),
        }
        for slot, words in WORDS.items():
            fillers[slot] = lambda words=words: rng.choice(words)  # type: ignore[misc]
        return SLOT.sub(lambda m: fillers[m.group(1)](), template)

    def user_handle(self) -> str:
        rng = self.rng
        word = rng.choice(HANDLE_WORDS)
        style = rng.random()
        if style < 0.3:
            return f"@{word}{rng.randint(1, 999)}"
        if style < 0.5:
            return f"@{rng.randint(10000, 999999)}"
        if style < 0.75:
            return f"@{word.capitalize()}{rng.choice(NAMES)}"
        return f"@_{word}_{rng.choice(['x', 'uk', '88', 'official', 'mcr'])}"

    def roughen(self, text: str, intent: str, us_side: bool) -> str:
        rng = self.rng
        if us_side:
            for pattern, repl in US_SWAPS:
                if rng.random() < 0.7:
                    text = re.sub(pattern, repl, text)
        for pattern, repl, prob in SLANG:
            if rng.random() < prob:
                text = re.sub(pattern, repl, text)
        words = text.split(" ")
        for i, word in enumerate(words):
            if len(word) > 3 and not word.startswith(("@", "#", "{")) and rng.random() < 0.035:
                j = rng.randrange(len(word) - 1)
                kind = rng.random()
                if kind < 0.4:
                    word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
                elif kind < 0.7:
                    word = word[:j] + word[j + 1 :]
                else:
                    word = word[: j + 1] + word[j] + word[j + 1 :]
                words[i] = word
            elif word.isalpha() and rng.random() < 0.02:
                words[i] = word.upper()
        text = " ".join(words)
        casing = rng.random()
        if casing < 0.4:
            text = re.sub(r"\bi\b", "I", text[:1].upper() + text[1:])
            text = re.sub(r"([.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
        elif casing < 0.45:
            text = text.upper()
        if rng.random() < 0.1:
            text = text.replace(" and ", " &amp; ")
        if rng.random() < 0.08:
            text = text.replace(", ", "\n", 1)
        return text

    def decorate(self, text: str, intent: str) -> str:
        rng = self.rng
        if rng.random() < 0.18:
            greeting = rng.choice(GREETINGS)
            text = f"{greeting}{rng.choice([',', '', ' -', '!'])} {text}"
        text += rng.choice(["", "", ".", ".", "!", "!!", "!!!", "?", "...", " ", "??"])
        if rng.random() < 0.3:
            text += rng.choice([". ", " ", "! ", "\n"]) + rng.choice(TAILS[intent])
        elif rng.random() < 0.12:
            text += rng.choice([". ", " ", ", "]) + rng.choice(NEUTRAL_TAILS)
        if rng.random() < 0.25:
            pool = EMOJI[intent] if rng.random() < 0.85 else EMOJI[rng.choice(list(EMOJI))]
            text += " " + "".join(rng.choice(pool) for _ in range(rng.choice([1, 1, 2, 3])))
        if rng.random() < 0.15:
            text += " " + " ".join(rng.sample(HASHTAGS[intent], k=rng.choice([1, 1, 2])))
        if rng.random() < 0.07:
            code = "".join(rng.choice("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(10))
            text += f" https://t.co/{code}"
        return text

    def address(self, text: str, intent: str, canonical: str, handle: str, us_side: bool) -> str:
        rng = self.rng
        ours = "@" + handle
        lead = rng.choices(("none", "one", "thread"), weights=LEADS[intent])[0]
        if lead == "thread":
            prefix = [self.user_handle() for _ in range(rng.choice([1, 1, 2, 3]))]
            if rng.random() < 0.25:
                prefix.append(self.other_ref(canonical, us_side) if rng.random() < 0.5 else ours)
            prefix.insert(rng.randrange(len(prefix) + 1), ours)
            return " ".join(dict.fromkeys(prefix)) + " " + text
        if lead == "one" or ours.lower() not in text.lower():
            if lead == "none" and rng.random() < 0.6:
                return f"{text} {ours}"
            return f"{ours} {text}"
        return text

    def move(self, intent: str) -> tuple[str, str]:
        """Someone changing network: who is left and who is joined decides the intent."""
        rng = self.rng
        template = rng.choice(MOVES)
        ours, theirs = "{us}", "{other}"
        joining = intent == "new_customer"
        text = template.replace("{from}", theirs if joining else ours).replace("{to}", ours if joining else theirs)
        reason = rng.choice(MOVE_REASONS[intent])
        if reason:
            text += rng.choice([" ", ", ", ". "]) + reason
        return text, f"{intent}-move-{template[:16]}"

    def compose(self, intent: str) -> tuple[str, str]:
        """A post glued from fragments: situation, point and ask, in a plausible order."""
        rng = self.rng
        if intent != "other" and rng.random() < MOVE_SHARE[intent]:
            return self.move(intent)
        parts = COMPOSE[intent]
        if intent == "complaint" and rng.random() < 0.15:
            agree, situation = rng.choice(parts["agree"]), rng.choice(parts["situation"])
            return f"{agree}{rng.choice(JOINERS)}{situation}", f"complaint-agree-{situation[:20]}"
        if intent == "other" and rng.random() < 0.15:
            promo = rng.choice(PROMOS)
            return f"{promo} {rng.choice(PROMO_TAILS)}", f"other-promo-{promo[:20]}"
        if intent == "other":
            pieces = [rng.choice(parts["statement"])]
            if rng.random() < 0.5:
                pieces.insert(0, rng.choice(parts["reaction"]))
            if rng.random() < 0.25:
                pieces.append(rng.choice(parts["statement"]))
            if rng.random() < 0.3:
                pieces.insert(0, rng.choice(parts["aside"]))
        elif intent == "new_customer" and rng.random() < 0.2:
            pieces = [rng.choice(parts["blocked"]),
                      rng.choice(["i just want to join", "trying to switch to you", "want to sign up",
                                  "can you help me get started", rng.choice(parts["ask"])])]
        else:
            pieces = [rng.choice(parts["situation"])]
            if "feeling" in parts and rng.random() < 0.7:
                pieces.append(rng.choice(parts["feeling"]))
            if rng.random() < 0.6:
                pieces.append(rng.choice(parts["ask"]))
            if rng.random() < 0.25:
                rng.shuffle(pieces)
            if "story" in parts and rng.random() < 0.4:
                pieces.insert(0, rng.choice(parts["story"]))
        text = pieces[0]
        for piece in pieces[1:]:
            text += rng.choice(JOINERS) + piece
        return text, f"{intent}-c-{pieces[0][:24]}"

    def make(self, intent: str) -> dict[str, str]:
        canonical, handle, us_side = self.choose_provider()
        if self.rng.random() < COMPOSED_SHARE:
            core_index = -1
            core, group = self.compose(intent)
        else:
            core_index = self.rng.randrange(len(CORES[intent]))
            core = CORES[intent][core_index]
            group = f"{intent}-{core_index}"
        if core_index >= 0 and intent in ("complaint", "other") and self.rng.random() < 0.15:
            core = f"{core}. {self.rng.choice(CORES[intent])}"
        if self.rng.random() < 0.25:
            core = f"{self.rng.choice(CONTEXT)}{self.rng.choice([', ', '. ', ' - ', '... '])}{core}"
        text = self.fill(core, canonical, handle, us_side)
        text = self.roughen(text, intent, us_side)
        text = self.decorate(text, intent)
        text = self.address(text, intent, canonical, handle, us_side)
        return {"text": text.strip(), "intent": intent, "provider": handle, "template": group}


def generate(size: int = DEFAULT_SIZE, seed: int = SEED) -> list[dict[str, str]]:
    """Return ``size`` distinct examples, the same ones for the same seed."""
    rng = random.Random(seed)
    maker = PostMaker(rng)
    seen: set[str] = set()
    rows: list[dict[str, str]] = []
    intents = list(MIX)
    weights = [MIX[i] for i in intents]
    attempts = 0
    while len(rows) < size and attempts < size * 20:
        attempts += 1
        row = maker.make(rng.choices(intents, weights=weights)[0])
        key = row["text"].lower()
        if key not in seen:
            seen.add(key)
            rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--output", type=Path, default=CORPUS_PATH)
    args = parser.parse_args()
    rows = generate(args.size, args.seed)
    with args.output.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} examples to {args.output}")


if __name__ == "__main__":
    main()
