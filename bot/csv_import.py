"""`flask --app app bot import participants|appointments FILE.csv`: many rows at once.

The columns are the fields of the API bodies, and each row goes through the same
pydantic models and the same store functions as the API (bot.api), so a row is
refused for exactly the reasons a request would be. Each row is its own transaction:
a bad row is reported with its line number and loses nothing else.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import click
from flask.cli import with_appcontext
from pydantic import BaseModel, ValidationError

from bot.api import AppointmentIn, ParticipantIn, Refused, from_validation, store_appointments, store_participant
from bot.i18n import PEOPLE_ZONE
from bot.phone import InvalidPhone, to_e164
from bot.services import Services, current_services
from storage import queries
from storage.db import session_scope

# What a centre's spreadsheet writes for yes and no, besides what pydantic reads (true/false, yes/no, 1/0).
_YES_NO = {"ja": "true", "nee": "false"}
_YES_NO_COLUMNS = ("reminders", "consent")
# A spreadsheet writes the time people are told, without an offset: that is Amsterdam time.
_LOCAL_TIMES = ("starts_at", "ends_at")
# A spreadsheet knows people by their number, not by our id.
_BY_PHONE = "phone"


@dataclass(frozen=True)
class Kind:
    model: type[BaseModel]
    # Stores one validated row and says how many records it made.
    store: Callable[[Services, BaseModel], int]


KINDS = {
    "participants": Kind(ParticipantIn, lambda services, body: bool(store_participant(services, body))),
    "appointments": Kind(AppointmentIn, lambda services, body: len(store_appointments(services, body))),
}


@dataclass(frozen=True)
class Row:
    line: int  # in the file, counting the header as line 1
    values: dict[str, str]
    # More cells than the header names: refused rather than cut, as the columns may have shifted.
    extra_cells: int = 0


@dataclass
class Report:
    rows: int = 0
    stored: int = 0
    records: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)


@click.command("import")
@click.argument("kind", type=click.Choice(sorted(KINDS)))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(kind: str, file: Path) -> None:
    """Store participants or appointments from a CSV file (UTF-8; ';' or ',' between fields).

    The header row names the columns: the fields of the API bodies. Refused rows are
    listed with their line numbers; the exit code is 1 when there were any.
    """
    services = current_services()
    rows = read_rows(_text(file), KINDS[kind].model)
    report = Report(rows=len(rows))
    label = _say(services, "csv.progress", kind=_say(services, f"csv.kind.{kind}"))
    with click.progressbar(rows, label=label) as bar:
        for row in bar:
            _import_row(services, KINDS[kind], row, report)
    _print(services, report, kind)
    if report.refused:
        click.get_current_context().exit(1)


def _say(services: Services, key: str, **params: object) -> str:
    """Operators read Dutch, like every other tool (translations/nl/LC_MESSAGES/coordinator.po)."""
    return services.coordinator_texts.text("nl", key, {name: str(value) for name, value in params.items()})


def _text(file: Path) -> str:
    try:
        # utf-8-sig drops the byte-order mark Excel writes in front of "CSV UTF-8".
        return file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        message = _say(current_services(), "csv.not_utf8", file=file.name, at=error.start)
        raise click.ClickException(message) from None


def read_rows(text: str, model: type[BaseModel]) -> list[Row]:
    """The rows as column -> value, empty cells left out so that defaults apply."""
    header_line = text.split("\n", 1)[0]
    # Decided on the header alone: its names never hold a delimiter, while addresses hold commas.
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader, [])]
    _check_header(header, model)
    rows, line = [], reader.line_num + 1
    for cells in reader:
        if any(cell.strip() for cell in cells):
            rows.append(Row(line, _values(header, cells), max(len(cells) - len(header), 0)))
        line = reader.line_num + 1  # a quoted cell may span lines; the next row starts after them
    return rows


def _check_header(header: list[str], model: type[BaseModel]) -> None:
    known, services = model.model_fields, current_services()
    columns = ", ".join(known)
    if not any(header):
        raise click.ClickException(_say(services, "csv.no_header", columns=columns))
    by_phone = model is AppointmentIn and _BY_PHONE in header
    unknown = [name for name in header if name and name not in known and not (by_phone and name == _BY_PHONE)]
    missing = [
        name
        for name, info in known.items()
        if info.is_required() and name not in header and not (by_phone and name == "participant_id")
    ]
    if unknown or missing:
        problems = [_say(services, "csv.unknown_columns", columns=", ".join(unknown))] * bool(unknown)
        problems += [_say(services, "csv.missing_columns", columns=", ".join(missing))] * bool(missing)
        raise click.ClickException(_say(services, "csv.the_columns_are", problems="; ".join(problems), columns=columns))


def _values(header: list[str], cells: list[str]) -> dict[str, str]:
    values = {name: cell.strip() for name, cell in zip(header, cells, strict=False) if name and cell.strip()}
    for name in _YES_NO_COLUMNS:
        if name in values:
            values[name] = _YES_NO.get(values[name].lower(), values[name])
    for name in _LOCAL_TIMES:
        if name in values:
            values[name] = _amsterdam_unless_offset(values[name])
    return values


def _amsterdam_unless_offset(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value  # refused by the model, with its reason
    return moment.replace(tzinfo=PEOPLE_ZONE).isoformat() if moment.tzinfo is None else value


def _with_participant_id(services: Services, values: dict[str, str]) -> dict[str, str]:
    """An appointment row that names its participant by phone gets their id."""
    if _BY_PHONE not in values:
        return values
    values = dict(values)
    try:
        phone = to_e164(values.pop(_BY_PHONE))
    except InvalidPhone:
        raise Refused(422, _say(services, "csv.not_a_phone")) from None
    with session_scope(services.db) as db:
        participant = queries.participant_by_phone(db, phone)
        if participant is None:
            raise Refused(422, _say(services, "csv.no_such_participant"))
        values.setdefault("participant_id", str(participant.id))
    return values


def _import_row(services: Services, kind: Kind, row: Row, report: Report) -> None:
    if row.extra_cells:
        report.refused.append((row.line, _say(services, "csv.extra_cells", count=row.extra_cells)))
        return
    try:
        # Lax, unlike the API: every cell is text, so "12" is read as the id 12.
        values = _with_participant_id(services, row.values) if kind.model is AppointmentIn else row.values
        body = kind.model.model_validate(values)
        report.records += kind.store(services, body)
        report.stored += 1
        if isinstance(body, AppointmentIn) and body.starts_at < services.clock():
            report.warnings.append((row.line, _say(services, "csv.in_the_past")))
    except ValidationError as error:
        report.refused.append((row.line, _reason(from_validation(error))))
    except Refused as refused:
        report.refused.append((row.line, _reason(refused)))


def _reason(refused: Refused) -> str:
    return "; ".join(error.error for error in refused.errors) if refused.errors else str(refused)


def _print(services: Services, report: Report, kind: str) -> None:
    key = "csv.stored_appointments" if kind == "appointments" else "csv.stored"
    click.echo(_say(services, key, stored=report.stored, rows=report.rows, records=report.records))
    for line, reason in report.refused:
        click.echo(_say(services, "csv.refused_line", line=line, reason=reason))
    for line, warning in report.warnings:
        click.echo(_say(services, "csv.warning_line", line=line, warning=warning))
