"""Knowing who someone is without asking for a number.

The directory is imported from a CSV the provider already has (name, address,
postcode, social handles, plan, contract end). A person is recognised by a
handle they registered, or by the name they go by plus the postcode they
wrote. The match is shown to staff only: a public reply never reveals it.
"""

from __future__ import annotations

import csv
import difflib
import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlmodel import Session

from bot.errors import ParleyError
from bot.storage.customers import (
    CustomerRecord,
    find_by_handle,
    find_by_postcodes,
    get_customer,
    handle_key,
    handle_owner,
    name_key,
    upsert_customer,
)
from replies.offers import normalise_postcode

logger = logging.getLogger(__name__)

COLUMNS = ("name", "address", "postcode", "handles", "plan", "contract_end")
REQUIRED_COLUMNS = ("name", "postcode")
PLATFORMS = ("x", "mastodon")
NAME_THRESHOLD = 0.75
AMBIGUITY_MARGIN = 0.05
_X_HANDLE = re.compile(r"^@?[A-Za-z0-9_]{1,15}$")
_MASTODON_HANDLE = re.compile(r"^@?[A-Za-z0-9_.]{1,30}(@[A-Za-z0-9.-]+\.[A-Za-z]{2,})?$")


class DirectoryImportError(ParleyError):
    """The directory file cannot be imported as a whole (missing, unreadable, bad header, bad rows)."""


@dataclass(frozen=True, slots=True)
class CustomerMatch:
    """Who we think this is, how sure, and why: for staff eyes only."""

    customer_id: int
    name: str
    confidence: float
    reason: str
    postcode: str | None = None  # the address on file: renewals are quoted from it


@dataclass(frozen=True, slots=True)
class RowProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def summary(self) -> str:
        skipped = len(self.problems)
        return f"{self.created} added, {self.updated} updated, {skipped} row{'s' * (skipped != 1)} skipped"


def _parse_handles(raw: str) -> tuple[tuple[str, str], ...]:
    handles: list[tuple[str, str]] = []
    for part in (p.strip() for p in raw.split(";")):
        if not part:
            continue
        platform, sep, handle = part.partition(":")
        platform = platform.strip().lower()
        handle = handle.strip()
        if not sep or platform not in PLATFORMS:
            raise ValueError(f"handle {part!r} must look like x:@name or mastodon:@name@instance")
        pattern = _X_HANDLE if platform == "x" else _MASTODON_HANDLE
        if not pattern.match(handle):
            raise ValueError(f"{handle!r} is not a valid {platform} handle")
        handles.append((platform, handle_key(handle)))
    return tuple(handles)


def parse_row(row: dict[str, str | None]) -> CustomerRecord:
    """Validate one CSV row; ValueError says what is wrong in a sentence."""
    values = {key: (row.get(key) or "").strip() for key in COLUMNS}
    name = " ".join(values["name"].split())
    if not name:
        raise ValueError("name is empty")
    if len(name) > 200:
        raise ValueError("name is longer than 200 characters")
    postcode = normalise_postcode(values["postcode"])
    if postcode is None or (" " not in postcode and not postcode.isdigit()):
        raise ValueError(f"postcode {values['postcode']!r} is not a full UK postcode or a US ZIP")
    if len(values["address"]) > 400:
        raise ValueError("address is longer than 400 characters")
    contract_end: date | None = None
    if values["contract_end"]:
        try:
            contract_end = date.fromisoformat(values["contract_end"])
        except ValueError:
            raise ValueError(
                f"contract_end {values['contract_end']!r} is not a date like 2027-03-31"
            ) from None
    return CustomerRecord(
        name=name,
        address=values["address"],
        postcode=postcode,
        handles=_parse_handles(values["handles"]),
        plan=values["plan"][:80],
        contract_end=contract_end,
    )


def read_directory(path: Path) -> tuple[list[tuple[int, CustomerRecord]], list[RowProblem]]:
    """Read and validate every row; problems carry the CSV line number."""
    if not path.exists():
        raise DirectoryImportError(f"{path} does not exist")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DirectoryImportError(f"cannot read {path}: {exc}") from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise DirectoryImportError(
            f"{path}: missing column {', '.join(missing)} (expected: {', '.join(COLUMNS)})"
        )
    reader.fieldnames = header
    records: list[tuple[int, CustomerRecord]] = []
    problems: list[RowProblem] = []
    seen_handles: dict[tuple[str, str], int] = {}
    for record_index, row in enumerate(reader):
        line = reader.line_num if reader.line_num else record_index + 2
        try:
            record = parse_row(row)
        except ValueError as exc:
            problems.append(RowProblem(line, str(exc)))
            continue
        clash = next((h for h in record.handles if h in seen_handles), None)
        if clash:
            problems.append(
                RowProblem(line, f"handle {clash[0]}:@{clash[1]} is already on line {seen_handles[clash]}")
            )
            continue
        for handle in record.handles:
            seen_handles[handle] = line
        records.append((line, record))
    return records, problems


def _foreign_handle(*, session: Session, record: CustomerRecord) -> str | None:
    """A handle in the record that the directory already gives to somebody else."""
    for platform, handle in record.handles:
        owner_id = handle_owner(session=session, platform=platform, handle=handle)
        if owner_id is None:
            continue
        owner = get_customer(session=session, customer_id=owner_id)
        if owner is None or owner.name_key != name_key(record.name) or owner.postcode != record.postcode:
            return f"{platform}:@{handle}"
    return None


def import_directory(*, session: Session, path: Path, skip_bad: bool = False) -> ImportReport:
    """Import a directory CSV in the caller's transaction.

    All-or-nothing by default: one bad row and nothing is written, so an
    operator fixes the file rather than chasing a half-imported directory.
    """
    records, problems = read_directory(path)
    report = ImportReport(problems=list(problems))
    for line, record in records:
        foreign = _foreign_handle(session=session, record=record)
        if foreign:
            report.problems.append(RowProblem(line, f"handle {foreign} belongs to another customer"))
            continue
        _, created = upsert_customer(session=session, record=record)
        if created:
            report.created += 1
        else:
            report.updated += 1
    report.problems.sort(key=lambda p: p.line)
    if report.problems and not skip_bad:
        session.rollback()
        details = "; ".join(str(p) for p in report.problems[:20])
        more = len(report.problems) - 20
        raise DirectoryImportError(
            f"{path}: nothing imported, {len(report.problems)} bad row(s): {details}"
            + (f" (and {more} more)" if more > 0 else "")
            + " — fix them or use --skip-bad"
        )
    logger.info("directory import from %s: %s", path, report.summary)
    return report


def clean_person_name(raw: str) -> str:
    """Letters, spaces, hyphens and apostrophes of a display name ("Jo 🌻 | she/her" -> "jo")."""
    head = re.split(r"[|/(\[{•·,]", raw, maxsplit=1)[0]
    kept = "".join(
        ch if unicodedata.category(ch).startswith("L") or ch in " -'" else " " for ch in head
    )
    return name_key(kept)


def name_similarity(candidate: str, known: str) -> float:
    """How alike two names are, 0..1; a lone first name that matches scores 0.8."""
    a, b = clean_person_name(candidate), name_key(known)
    if not a or not b:
        return 0.0
    ratio = difflib.SequenceMatcher(None, a, b).ratio()
    if " " not in a and a == b.split(" ")[0]:
        ratio = max(ratio, 0.8)
    return ratio


def match_customer(
    *,
    session: Session,
    platform: str,
    handle: str,
    display_name: str,
    text_postcodes: Sequence[str],
    text_names: Sequence[str] = (),
) -> CustomerMatch | None:
    """Recognise a customer by handle, or by name and a postcode they wrote."""
    by_handle = find_by_handle(session=session, platform=platform, handle=handle)
    if by_handle is not None and by_handle.id is not None:
        return CustomerMatch(
            by_handle.id,
            by_handle.name,
            1.0,
            f"{platform} handle @{handle_key(handle)} is in the directory",
            by_handle.postcode,
        )
    postcodes = [p for p in (normalise_postcode(raw) for raw in text_postcodes) if p]
    candidates = find_by_postcodes(session=session, postcodes=postcodes)
    names = [n for n in (display_name, *text_names) if n and n.strip()]
    scored: list[tuple[float, str, int, str, str]] = []
    for row in candidates:
        if row.id is None:
            continue
        best = max(((name_similarity(n, row.name), n) for n in names), default=(0.0, ""))
        scored.append((best[0], best[1], row.id, row.name, row.postcode))
    scored.sort(reverse=True)
    if not scored or scored[0][0] < NAME_THRESHOLD:
        return None
    score, said, customer_id, name, postcode = scored[0]
    if len(scored) > 1 and scored[1][0] >= score - AMBIGUITY_MARGIN:
        logger.info("ambiguous directory match at %s: %s vs %s", postcode, name, scored[1][3])
        return None
    return CustomerMatch(
        customer_id,
        name,
        round(0.6 + 0.35 * score, 2),
        f"name {said.strip()!r} is like {name!r} ({score:.0%}) at postcode {postcode}",
        postcode,
    )
