"""Quotes from the address, and the loyalty rule checked at load and in every quote."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import parse_config
from bot.errors import ConfigError
from replies.offers import OfferBook, find_postcodes, normalise_postcode, wants_mobile


@pytest.fixture(scope="module")
def book() -> OfferBook:
    return OfferBook.from_settings(parse_config({}).offers)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("ls6 4qt", "LS6 4QT"), ("LS64QT", "LS6 4QT"), (" sw9 ", "SW9"), ("10001-1234", "10001"),
     ("hello", None), ("123", None)],
)
def test_normalise_postcode(raw: str, expected: str | None) -> None:
    assert normalise_postcode(raw) == expected


def test_postcodes_found_in_text_but_not_prices_or_long_numbers() -> None:
    assert find_postcodes("we're at ls6 4qt, or try 10001. paid £12345 acct 1234567") == ["LS6 4QT", "10001"]


def test_full_postcode_entry_beats_the_outward_code(book: OfferBook) -> None:
    quote = book.broadband_quote("ls6 4qt", renewal=False)
    assert quote is not None
    assert (quote.area, quote.plan_id, quote.speed_mbps, quote.price_text) == ("LS6 4QT", "full-fibre-150", 150,
                                                                              "£32")


def test_outward_code_covers_the_rest_of_the_district(book: OfferBook) -> None:
    quote = book.broadband_quote("LS6 1AB", renewal=False)
    assert quote is not None and quote.area == "LS6" and quote.plan_id == "full-fibre-900"
    bare = book.broadband_quote("ls6", renewal=False)
    assert bare is not None and bare.plan_id == "full-fibre-900"


def test_us_zip_and_slow_rural_line(book: OfferBook) -> None:
    zip_quote = book.broadband_quote("94110", renewal=False)
    assert zip_quote is not None and zip_quote.plan_id == "full-fibre-500"
    rural = book.broadband_quote("IV27 4AA", renewal=False)
    assert rural is not None and (rural.plan_id, rural.speed_mbps) == ("fibre-36", 36)


def test_unknown_postcode_gets_no_quote(book: OfferBook) -> None:
    assert book.broadband_quote("ZZ9 9ZZ", renewal=False) is None
    assert book.broadband_quote("not a postcode", renewal=True) is None


def test_renewal_is_the_same_plan_never_dearer(book: OfferBook) -> None:
    for postcode in ("LS6 4QT", "LS6 1AB", "TR18 2AA", "NG7 1AA", "10001"):
        new = book.broadband_quote(postcode, renewal=False)
        loyal = book.broadband_quote(postcode, renewal=True)
        assert new is not None and loyal is not None
        assert loyal.plan_id == new.plan_id and loyal.renewal
        assert loyal.price <= new.price


def test_plan_without_loyalty_price_renews_at_the_new_price() -> None:
    settings = parse_config({"offers": {"plans": [
        {"id": "basic", "name": "Basic", "speed_mbps": 50, "new_customer_price": 20},
    ]}}).offers
    book = OfferBook.from_settings(settings)
    quote = book.broadband_quote("LS6", renewal=True)
    assert quote is not None and quote.price == 20 and quote.speed_mbps == 50


def test_loyalty_price_above_new_price_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"offers": {"plans": [
            {"id": "fast", "name": "Fast", "speed_mbps": 500, "new_customer_price": 30, "loyalty_price": 35},
        ]}})
    message = str(caught.value)
    assert "offers.plans[0]" in message and "loyalty rule" in message and "fast" in message


def test_availability_csv_problems_are_config_errors(tmp_path: Path) -> None:
    settings = parse_config({}).offers
    missing = settings.model_copy(update={"availability_csv": str(tmp_path / "nope.csv")})
    with pytest.raises(ConfigError, match="does not exist"):
        OfferBook.from_settings(missing)
    bad = tmp_path / "bad.csv"
    bad.write_text("area,max_speed_mbps\nLS6,900\nnowhere,fast\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 3"):
        OfferBook.from_settings(settings.model_copy(update={"availability_csv": str(bad)}))


def test_mobile_is_recognised(book: OfferBook) -> None:
    assert wants_mobile(["SIM only"], "")
    assert wants_mobile([], "any good 5G deals?")
    assert not wants_mobile([], "need faster broadband")
    quote = book.mobile_quote(renewal=True)
    assert quote is not None and quote.product == "mobile" and quote.price_text == "£9"
