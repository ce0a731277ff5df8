"""Simulated people posting at the provider on the sandbox networks.

The mix mirrors a normal day: people whose deal is ending, people with a
fault, prospects shopping around, and chit-chat. Everything here is
invented for the sandbox; a fixed seed makes a demo round reproducible.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Protocol


class SandboxPoster(Protocol):
    def post(self, *, person: Person, text: str) -> str: ...


@dataclass(frozen=True)
class Person:
    username: str
    display_name: str
    bio: str = ""
    is_bot: bool = False


PEOPLE: tuple[Person, ...] = (
    Person("maya_k", "Maya Kowalski", "Teacher in Leeds. Cyclist. Tea."),
    Person("dev_patel88", "Dev Patel", "Gamer, dad, occasional baker"),
    Person("ruthieb", "Ruth 🌻 Brennan", "gardening & grandkids"),
    Person("tomwrites", "Tom Achebe", "Freelance copywriter. Works from home, needs the internet to work!"),
    Person("siobhan_o", "Siobhan O'Neill", "Nurse. Night shifts. Please be kind."),
    Person("lewis_h", "Lewis Hart", "football, films, fibre"),
    Person("priya_s", "Priya Shah", "Small business owner – bakery in Bristol"),
    Person("jkwame", "Kwame Mensah", "student @ uni of manchester"),
    Person("annaliese", "Anna-Liese Weber", "Moved to Cardiff last month"),
    Person("gareth_j", "Gareth Jones", "Retired engineer. #nobot", False),
    Person("dealsbot3000", "Deals Bot", "Automated deal alerts", True),
)

RENEWAL = (
    "@{us} my contract ends next month and the renewal price you sent is £12 more than new customers pay. why?",
    "hey @{us}, been with you 6 years, deal ends in March. what can you do for a loyal customer?",
    "@{us} out of contract since January and my bill just went up again. is there a better deal for me?",
    "@{us} thinking of leaving for @SkyUK because the price keeps going up. convince me to stay?",
    "@{us} can I renew my broadband without sitting on hold for an hour? deal's up on the 14th",
    "@{us} my 24 months is nearly up, what's the best you can do on fibre?",
)
COMPLAINT = (
    "@{us} broadband has dropped out 5 times today. working from home and this is killing me",
    "@{us} no signal at all in {area} since Tuesday. anyone else?",
    "@{us} engineer was meant to come between 8 and 1. it's 4pm. nobody called. again.",
    "@{us} charged twice this month?? can someone sort this please",
    "@{us} speeds are about a tenth of what I pay for. 6 Mbps on a 'superfast' line 🙃",
    "thanks @{us} for yet another evening of buffering. really appreciate it",
    "@{us} my phone number is 07700 900123 and my account number is 88234411, please just fix my line",
)
PROSPECT = (
    "@{us} do you do full fibre at {postcode}? fed up with my current provider",
    "@{us} thinking of switching from @TalkTalk, what would broadband cost me? I'm in {postcode}",
    "hi @{us} just moved house, what deals do you have for new customers?",
    "@{us} shopping around for a new sim only deal, what have you got?",
    "@{us} is your broadband available in {area}? might switch from @VirginMedia",
    "@{us} what speed could I get at {postcode}?",
)
CHITCHAT = (
    "@{us} shout out to the lady on your chat yesterday, sorted everything in 5 min 👏",
    "@{us} love the new ad with the dog lol",
    "@{us} how do I change my wifi password on the new router?",
    "good morning @{us} ☀️",
)
# Now and then a bot or someone with #nobot in their bio posts: Parley must leave them alone.
REGULAR = tuple(p for p in PEOPLE if not p.is_bot and "#nobot" not in p.bio)
SPECIAL = tuple(p for p in PEOPLE if p not in REGULAR)
SPECIAL_SHARE = 0.08
POSTCODES = ("LS6 2AB", "BS3 4QT", "M14 6HR", "CF10 1EP", "SW9 8LA", "EH6 5JN")
AREAS = ("Leeds", "Bristol", "south Manchester", "Cardiff Bay", "Brixton")
MIX = ((RENEWAL, 3), (COMPLAINT, 4), (PROSPECT, 3), (CHITCHAT, 2))


def generate_round(*, count: int, seed: int, our_handle: str) -> list[tuple[Person, str]]:
    """``count`` (person, text) pairs with a realistic mix of intents."""
    rng = random.Random(seed)
    pools = [pool for pool, weight in MIX for _ in range(weight)]
    posts: list[tuple[Person, str]] = []
    for _ in range(count):
        pool = rng.choice(pools)
        text = rng.choice(pool).format(us=our_handle, postcode=rng.choice(POSTCODES), area=rng.choice(AREAS))
        people = SPECIAL if rng.random() < SPECIAL_SHARE else REGULAR
        posts.append((rng.choice(people), text))
    return posts
