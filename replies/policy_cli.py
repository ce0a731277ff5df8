"""`parley policy`: ask the no-numbers guard about a text or a file of texts.

Staff use it to test a reply before saving a template, and the red-team set is
run through it in CI. The exit code carries the answer (0 allowed, 1 refused,
2 bad input) so that shell scripts can use it without parsing the output.
"""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

from bot.domain import GuardVerdict
from bot.errors import ParleyError

logger = logging.getLogger(__name__)

policy_app = typer.Typer(help="The no-numbers policy: check replies, find personal data.", no_args_is_help=True)


class PolicyInputError(ParleyError):
    """The text or file given to `parley policy` cannot be read as asked."""


@dataclass(frozen=True, slots=True)
class PolicyCase:
    line: int
    text: str
    customer_text: str | None


def read_cases(path: Path) -> list[PolicyCase]:
    """Every non-blank line of a JSONL file ("-" for stdin) as a case; the first bad line stops with its number."""
    try:
        content = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
        raw_lines = content.splitlines()
    except FileNotFoundError:
        raise PolicyInputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise PolicyInputError(f"{path}: is a directory, not a JSONL file") from None
    except UnicodeDecodeError as exc:
        raise PolicyInputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise PolicyInputError(f"{path}: cannot be read ({exc.strerror})") from None
    cases: list[PolicyCase] = []
    for number, raw in enumerate(raw_lines, start=1):
        if raw.strip():
            cases.append(_parse_case(path, number, raw))
    return cases


def _parse_case(path: Path, number: int, raw: str) -> PolicyCase:
    where = f"{path} line {number}"
    try:
        row: Any = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise PolicyInputError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(row, dict):
        raise PolicyInputError(f'{where}: expected an object like {{"text": "..."}}, got {type(row).__name__}')
    text = row.get("text")
    if not isinstance(text, str):
        raise PolicyInputError(f'{where}: "text" must be a string' + ("" if "text" in row else " and is missing"))
    customer_text = row.get("customer_text")
    if customer_text is not None and not isinstance(customer_text, str):
        raise PolicyInputError(f'{where}: "customer_text" must be a string when given')
    return PolicyCase(line=number, text=text, customer_text=customer_text)


def _verdict_json(verdict: GuardVerdict) -> str:
    return json.dumps({"allowed": verdict.allowed, "reasons": list(verdict.reasons)}, ensure_ascii=False)


def _verdict_words(verdict: GuardVerdict) -> str:
    return "✓ allowed" if verdict.allowed else "✗ refused: " + "; ".join(verdict.reasons)


def _fail(exc: ParleyError) -> typer.Exit:
    """Report like `parley` itself does for any ParleyError, so CliRunner and the script agree."""
    typer.secho(f"parley: {exc}", err=True, fg=typer.colors.RED)
    return typer.Exit(2)


@policy_app.command("check")
def check_command(
    text: str | None = typer.Argument(None, help="The reply to check (leave out when using --file)."),
    file: Path | None = typer.Option(
        None, "--file", help='JSONL file ("-" for stdin): one {"text": ..., "customer_text": ...} per line.'
    ),
    customer_text: str | None = typer.Option(
        None, "--customer-text", help="The customer's post, to catch replies that repeat their personal data."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON verdict per text."),
) -> None:
    """Check replies against the no-numbers policy: exit 0 if all are allowed, 1 if any is refused."""
    from replies.guard import check_reply

    try:
        if (text is None) == (file is None):
            raise PolicyInputError("give either a TEXT to check or --file FILE.jsonl (exactly one)")
        if file is not None and customer_text is not None:
            raise PolicyInputError('--customer-text is for a single TEXT; in a file use "customer_text" per line')
        cases = read_cases(file) if file is not None else [PolicyCase(0, text or "", customer_text)]
    except PolicyInputError as exc:
        raise _fail(exc) from None
    refused = 0
    for case in cases:
        verdict = check_reply(case.text, customer_text=case.customer_text)
        refused += not verdict.allowed
        if as_json:
            typer.echo(_verdict_json(verdict))
        elif file is not None:
            typer.echo(f"line {case.line}: {_verdict_words(verdict)}")
        else:
            typer.echo(_verdict_words(verdict))
    if file is not None and not as_json:
        typer.echo(f"{len(cases) - refused} allowed, {refused} refused")
    raise typer.Exit(1 if refused else 0)


@policy_app.command("pii")
def pii_command(
    text: str = typer.Argument(..., help="A post to scan for personal data."),
    as_json: bool = typer.Option(False, "--json", help="Print the findings as JSON."),
) -> None:
    """Show the personal data found in a post and the post with it redacted."""
    from intents.pii import find_pii, redact

    spans = find_pii(text)
    if as_json:
        found = [{"label": s.label, "start": s.start, "end": s.end, "text": s.text} for s in spans]
        typer.echo(json.dumps({"pii": found, "redacted": redact(text)}, ensure_ascii=False))
        return
    if not spans:
        typer.echo("no personal data found")
    for span in spans:
        typer.echo(f"{span.label:<15} {span.start:>4}-{span.end:<4} {span.text}")
    typer.echo(f"redacted: {redact(text)}")
