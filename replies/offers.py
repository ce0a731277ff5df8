"""Offers: the plan catalogue, what speed reaches an address, and the loyalty rule.

People know their postcode, not their account number, and the postcode is
what decides the speed we can sell them, so quotes start from it. The loyalty
rule (a customer who stays never pays more than a newcomer) is enforced twice:
when config loads (OfferSettings) and here, where every renewal quote is built.
"""

from __future__ import annotations

import csv
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from bot.errors import ConfigError
from replies.settings import OfferSettings, PlanSettings

logger = logging.getLogger(__name__)

_UK_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")
_UK_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_US_ZIP = re.compile(r"^([0-9]{5})(?:-[0-9]{4})?$")
_POSTCODE_IN_TEXT = re.compile(
    r"\b([A-Z]{1,2}[0-9][A-Z0-9]?\s?[0-9][A-Z]{2})\b|(?<![\d£$.,])\b([0-9]{5})(?:-[0-9]{4})?\b(?![.,]?\d)",
    re.IGNORECASE,
)
MOBILE_WORDS = ("mobile", "sim", "5g", "4g", "data plan")


def normalise_postcode(raw: str) -> str | None:
    """Canonical form ("LS6 2AB", "LS6", "10001"), or None if it is not a postcode or ZIP."""
    text = " ".join(raw.upper().split())
    match = _UK_POSTCODE.match(text)
    if match:
        return f"{match.group(1)} {match.group(2)}"
    if _UK_OUTWARD.match(text):
        return text
    zip_match = _US_ZIP.match(text)
    if zip_match:
        return zip_match.group(1)
    return None


def outward_code(postcode: str) -> str:
    """The district part of a UK postcode ("LS6" of "LS6 2AB"); a ZIP is its own area."""
    return postcode.split(" ")[0]


def find_postcodes(text: str) -> list[str]:
    """Postcodes and ZIPs written in a post, normalised, in order, without repeats."""
    found: list[str] = []
    for match in _POSTCODE_IN_TEXT.finditer(text):
        normalised = normalise_postcode(match.group(1) or match.group(2))
        if normalised and normalised not in found:
            found.append(normalised)
    return found


@dataclass(frozen=True, slots=True)
class Quote:
    """A plan at a price for one address; ``renewal`` quotes use the loyal price."""

    plan_id: str
    plan_name: str
    product: str
    speed_mbps: int
    price: float
    price_text: str
    contract_months: int
    area: str
    renewal: bool


class AvailabilityTable:
    """Best speed by full postcode or outward code, read from a CSV the operator maintains."""

    def __init__(self, speeds: dict[str, int]) -> None:
        self._speeds = speeds

    @classmethod
    def from_csv(cls, path: Path) -> AvailabilityTable:
        if not path.exists():
            raise ConfigError(f"availability file {path} does not exist", key="offers.availability_csv")
        speeds: dict[str, int] = {}
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or not {"area", "max_speed_mbps"} <= set(reader.fieldnames):
                raise ConfigError(
                    f"{path} needs the columns area,max_speed_mbps", key="offers.availability_csv"
                )
            for line, row in enumerate(reader, start=2):
                area = normalise_postcode(row["area"] or "")
                try:
                    speed = int(row["max_speed_mbps"] or "")
                except ValueError:
                    speed = 0
                if area is None or speed <= 0:
                    raise ConfigError(
                        f"{path} line {line}: need a postcode, outward code or ZIP and a positive speed",
                        key="offers.availability_csv",
                    )
                speeds[area] = speed
        logger.info("loaded availability for %d areas from %s", len(speeds), path)
        return cls(speeds)

    def best_speed(self, postcode: str) -> tuple[str, int] | None:
        """The most specific entry: the full postcode first, then its outward code."""
        normalised = normalise_postcode(postcode)
        if normalised is None:
            return None
        for key in (normalised, outward_code(normalised)):
            if key in self._speeds:
                return key, self._speeds[key]
        return None

    def __len__(self) -> int:
        return len(self._speeds)


class OfferBook:
    """Quotes for new customers and renewals from the catalogue and the availability table."""

    def __init__(self, settings: OfferSettings, availability: AvailabilityTable) -> None:
        for plan in settings.plans:
            if plan.renewal_price > plan.new_customer_price:  # belt and braces: see PlanSettings
                raise ConfigError(f"loyalty rule broken for plan {plan.id!r}", key="offers.plans")
        self.settings = settings
        self.availability = availability

    @classmethod
    def from_settings(cls, settings: OfferSettings, *, base_dir: Path | None = None) -> OfferBook:
        path = Path(settings.availability_csv)
        if not path.is_absolute() and not path.exists():  # not the operator's own file: the shipped one
            path = (base_dir or Path(__file__).resolve().parents[1]) / path
        return cls(settings, AvailabilityTable.from_csv(path))

    def price_text(self, price: float) -> str:
        amount = f"{price:.0f}" if price == int(price) else f"{price:.2f}"
        return f"{self.settings.currency_symbol}{amount}"

    def _plans(self, product: str) -> list[PlanSettings]:
        return sorted((p for p in self.settings.plans if p.product == product), key=lambda p: p.speed_mbps)

    def _quote(self, plan: PlanSettings, *, speed: int, area: str, renewal: bool) -> Quote:
        price = plan.renewal_price if renewal else plan.new_customer_price
        return Quote(
            plan_id=plan.id,
            plan_name=plan.name,
            product=plan.product,
            speed_mbps=min(speed, plan.speed_mbps),
            price=price,
            price_text=self.price_text(price),
            contract_months=plan.contract_months,
            area=area,
            renewal=renewal,
        )

    def broadband_quote(self, postcode: str, *, renewal: bool) -> Quote | None:
        """The fastest plan the line at ``postcode`` can carry; None if we don't know the area.

        A renewal gets the same plan a newcomer would, at the loyal price.
        """
        found = self.availability.best_speed(postcode)
        if found is None:
            return None
        area, available = found
        plans = self._plans("broadband")
        fitting = [p for p in plans if p.speed_mbps <= available] or plans[:1]
        return self._quote(fitting[-1], speed=available, area=area, renewal=renewal)

    def mobile_quote(self, *, renewal: bool) -> Quote | None:
        """Mobile does not depend on the address: the biggest SIM plan in the catalogue."""
        plans = self._plans("mobile")
        if not plans:
            return None
        plan = plans[-1]
        return self._quote(plan, speed=plan.speed_mbps, area="", renewal=renewal)


def wants_mobile(products: list[str], text: str) -> bool:
    """Whether the post is about a SIM rather than a line; broadband is the default."""
    haystack = " ".join(products).lower() if products else text.lower()
    return any(re.search(rf"\b{re.escape(word)}\b", haystack) for word in MOBILE_WORDS)
