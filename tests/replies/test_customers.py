"""The customer directory: CSV import with clear row errors, and matching without numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session

from bot.storage.customers import find_by_handle, handles_of, list_customers
from replies.customers import DirectoryImportError, import_directory, match_customer

GOOD = """name,address,postcode,handles,plan,contract_end
Jo Bloggs,"12 Elm Row, Leeds",ls6 4qt,x:@jo;mastodon:@jo@social.example,Fibre 80,2027-03-31
Priya Shah,"3 Quay St, Manchester",M14 5AB,x:@priyashah,Full Fibre 500,
Sam Okafor,"9 Mill Lane, Leeds",LS6 4QT,,Fibre 36,2026-12-01
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "customers.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def directory(session: Session, tmp_path: Path) -> Session:
    import_directory(session=session, path=write(tmp_path, GOOD))
    session.commit()
    return session


def test_good_csv_imports_and_reimport_updates(session: Session, tmp_path: Path) -> None:
    report = import_directory(session=session, path=write(tmp_path, GOOD))
    session.commit()
    assert (report.created, report.updated, report.problems) == (3, 0, [])
    assert report.summary == "3 added, 0 updated, 0 rows skipped"
    rows = list_customers(session=session)
    assert [r.name for r in rows] == ["Jo Bloggs", "Priya Shah", "Sam Okafor"]
    jo = rows[0]
    assert jo.postcode == "LS6 4QT" and jo.contract_end is not None and jo.contract_end.isoformat() == "2027-03-31"
    assert handles_of(session=session, customer_id=jo.id or 0) == [("mastodon", "jo@social.example"), ("x", "jo")]
    changed = GOOD.replace("x:@jo;", "x:@jo_b;")
    again = import_directory(session=session, path=write(tmp_path, changed))
    session.commit()
    assert (again.created, again.updated) == (0, 3)
    assert find_by_handle(session=session, platform="x", handle="@jo") is None
    assert find_by_handle(session=session, platform="x", handle="jo_b") is not None


def test_bad_rows_are_named_and_nothing_is_imported(session: Session, tmp_path: Path) -> None:
    bad = GOOD + (
        ",somewhere,LS6 1AA,,,\n"
        "Al Green,here,not a postcode,,,\n"
        "Bea Brown,here,LS6 1AA,facebook:@bea,,\n"
        "Cy Young,here,LS6 1AA,,,31/12/2026\n"
        "Di Prince,here,LS6 1AA,x:@jo,,\n"
        "Ed Stone,here,LS6,,,\n"
    )
    with pytest.raises(DirectoryImportError) as caught:
        import_directory(session=session, path=write(tmp_path, bad))
    message = str(caught.value)
    for expected in (
        "line 5: name is empty",
        "line 6: postcode 'not a postcode'",
        "line 7: handle 'facebook:@bea'",
        "line 8: contract_end '31/12/2026'",
        "line 9: handle x:@jo is already on line 2",
        "line 10: postcode 'LS6'",
        "nothing imported",
    ):
        assert expected in message
    session.rollback()
    assert list_customers(session=session) == []


def test_skip_bad_imports_the_good_rows(session: Session, tmp_path: Path) -> None:
    report = import_directory(session=session, path=write(tmp_path, GOOD + "Al Green,here,nope,,,\n"),
                              skip_bad=True)
    session.commit()
    assert report.created == 3
    assert [str(p) for p in report.problems] == ["line 5: postcode 'nope' is not a full UK postcode or a US ZIP"]
    assert "1 row skipped" in report.summary


def test_handle_owned_by_someone_else_in_the_database(directory: Session, tmp_path: Path) -> None:
    report = import_directory(
        session=directory, path=write(tmp_path, "name,postcode,handles\nMo Khan,E8 1AA,x:@Jo\n"), skip_bad=True
    )
    assert report.created == 0
    assert [str(p) for p in report.problems] == ["line 2: handle x:@jo belongs to another customer"]


def test_missing_file_and_missing_column(tmp_path: Path, session: Session) -> None:
    with pytest.raises(DirectoryImportError, match="does not exist"):
        import_directory(session=session, path=tmp_path / "absent.csv")
    with pytest.raises(DirectoryImportError, match="missing column postcode"):
        import_directory(session=session, path=write(tmp_path, "name,address\nJo,here\n"))


def test_match_by_handle_is_certain(directory: Session) -> None:
    match = match_customer(session=directory, platform="x", handle="@JO", display_name="whoever",
                           text_postcodes=[])
    assert match is not None
    assert (match.name, match.confidence, match.postcode) == ("Jo Bloggs", 1.0, "LS6 4QT")
    assert "handle" in match.reason
    remote = match_customer(session=directory, platform="mastodon", handle="jo@social.example", display_name="",
                            text_postcodes=[])
    assert remote is not None and remote.name == "Jo Bloggs"
    assert match_customer(session=directory, platform="mastodon", handle="jo", display_name="",
                          text_postcodes=[]) is None


def test_match_by_name_and_postcode(directory: Session) -> None:
    match = match_customer(session=directory, platform="x", handle="someone_new", display_name="Priya Shah 🌸",
                           text_postcodes=["m145ab"])
    assert match is not None and match.name == "Priya Shah" and 0.6 < match.confidence < 1.0
    assert "M14 5AB" in match.reason
    fuzzy = match_customer(session=directory, platform="x", handle="other", display_name="Sam Okafur",
                           text_postcodes=["LS6 4QT"])
    assert fuzzy is not None and fuzzy.name == "Sam Okafor"


def test_no_match_on_wrong_postcode_or_unlike_name(directory: Session) -> None:
    assert match_customer(session=directory, platform="x", handle="nobody", display_name="Priya Shah",
                          text_postcodes=["LS6 4QT"]) is None
    assert match_customer(session=directory, platform="x", handle="nobody", display_name="Zed Zulu",
                          text_postcodes=["M14 5AB"]) is None
    assert match_customer(session=directory, platform="x", handle="nobody", display_name="Priya Shah",
                          text_postcodes=[]) is None


def test_names_given_in_the_text_count_too(directory: Session) -> None:
    match = match_customer(session=directory, platform="x", handle="nobody", display_name="🎧",
                           text_postcodes=["LS6 4QT"], text_names=["Jo Bloggs"])
    assert match is not None and match.name == "Jo Bloggs"
