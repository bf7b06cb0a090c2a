"""The JSON API for the centre's own systems: register participants, make and change appointments.

The pydantic models below are the one statement of what a request may hold: the API
validates JSON bodies with them, the CSV import (bot/csv_import.py) validates its rows
with them, and spectree derives the OpenAPI document (GET /api/openapi.json) from them
and from the routes. Appointments are made through bot.appointments, so reminders follow.

Errors are JSON: {"error": "<field>: <what is wrong>", "field": "<field>"} (and "errors",
every problem, when there are several): 422 for a value that cannot be stored, 400 for a
body that is not a JSON object, 401 without the right token, 404 for an unknown
appointment, 409 for a clash with what is stored (a phone already registered: "id").
"""

import hmac
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from flask import Blueprint, Response, jsonify, request
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    field_validator,
)
from pydantic import WithJsonSchema as JsonSchema
from pydantic_core import PydanticCustomError
from spectree import Response as Responses
from spectree import SecurityScheme, SpecTree
from spectree.models import SecuritySchemeData
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session as DbSession
from sqlmodel import select
from werkzeug.exceptions import HTTPException

from bot import appointments, ending_dialogue, jobs, privacy
from bot.i18n import PEOPLE_ZONE, SUPPORTED_LANGUAGES
from bot.phone import InvalidPhone, to_valid_e164
from bot.schedule import ReminderRules, ScheduleError, check_rule
from bot.services import Services, current_services
from storage import queries
from storage.db import session_scope
from storage.models import (
    Appointment,
    AppointmentBase,
    AppointmentKind,
    AppointmentStatus,
    Channel,
    Coordinator,
    Participant,
    Reminder,
)

log = logging.getLogger(__name__)

bp = Blueprint("api", __name__, url_prefix="/api")
View = Callable[..., Response]

# Ids are PostgreSQL integers; a larger number would overflow the driver instead of being "not found".
MAX_ID = 2_147_483_647
# No body of this API comes near this; a bigger one is refused before it is parsed.
MAX_BODY_BYTES = 64 * 1024
# Years outside this overflow when moved between time zones, and no work day is planned there.
YEARS = (2000, 2100)
# Sub-daily rules make no sense for work days, and one that never matches spins for seconds.


# --- value types -------------------------------------------------------------------------


def _e164(raw: str) -> str:
    try:
        return to_valid_e164(raw)
    except InvalidPhone:
        raise PydanticCustomError("phone_number", "not a phone number") from None


def _utc(moment: datetime) -> datetime:
    if not YEARS[0] <= moment.year <= YEARS[1]:
        years = {"low": YEARS[0], "high": YEARS[1]}
        raise PydanticCustomError("moment_range", "must be between the years {low} and {high}", years)
    return moment.astimezone(UTC)


def _recurring_days(rule: str) -> str:
    try:
        check_rule(rule)
    except ScheduleError as error:
        raise PydanticCustomError("rrule", str(error).removeprefix("rrule: ")) from None
    return rule


def _without_nul(text: str | None) -> str | None:
    # PostgreSQL text cannot hold NUL: refused here rather than failing in the database.
    if text is not None and "\x00" in text:
        raise PydanticCustomError("nul", "must not contain the NUL character")
    return text


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Phone = Annotated[str, Field(min_length=1, max_length=40, examples=["+31612345678"]), AfterValidator(_e164)]
Language = Literal[SUPPORTED_LANGUAGES]
# An instant with its UTC offset (a naive time would be read in the wrong zone); stored as UTC.
Moment = Annotated[AwareDatetime, Field(examples=["2026-12-01T09:00:00+01:00"]), AfterValidator(_utc)]
# One RRULE line only: no DTSTART (it would move the series away from starts_at), no EXDATE lines.
RRule = Annotated[
    str,
    Field(max_length=500, pattern=r"^(RRULE:)?[A-Za-z0-9=;,+-]+$", examples=["FREQ=WEEKLY;BYDAY=TU;COUNT=8"]),
    AfterValidator(_recurring_days),
]
# Written in Amsterdam time with its offset ("2026-12-01T13:00:00+01:00"): the time people are told.
MomentOut = Annotated[
    datetime,
    PlainSerializer(lambda moment: moment.astimezone(PEOPLE_ZONE).isoformat(), return_type=str),
    JsonSchema({"type": "string", "format": "date-time"}),
]


# --- request bodies (also the CSV columns) -----------------------------------------------


class _Body(BaseModel):
    # An unknown field is most often a misspelt one: refuse it rather than drop it silently.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ParticipantIn(_Body):
    """A newcomer the volunteer centre registers; the bot writes to them first (bot/introductions.py)."""

    phone: Phone
    language: Language
    name: str | None = Field(default=None, max_length=100)
    channel: Channel = Channel.WHATSAPP
    reminders: bool = Field(default=True, description="Said yes to reminders (unless told otherwise).")
    coordinator_id: Id | None = None
    consent: bool = Field(
        default=True, description="The centre recorded their consent; false: the bot's first message asks for it."
    )

    _text_without_nul = field_validator("name")(_without_nul)


class AppointmentIn(AppointmentBase):
    """One appointment, or with `rrule` every occurrence of a recurring one.

    The fields and their column limits are the table's (AppointmentBase); stricter here: ids in
    range, a known kind, times with their offset, a place and address required, a rule that ends.
    """

    model_config = _Body.model_config

    participant_id: Id
    kind: AppointmentKind
    starts_at: Moment
    ends_at: Moment
    place_name: str = Field(max_length=200)
    address: str = Field(max_length=300, description="Street, number and town: the route link is made from it.")
    coordinator_id: Id | None = Field(default=None, description="Defaults to the participant's coordinator.")
    rrule: RRule | None = Field(default=None, description="RFC 5545 rule on the Amsterdam wall clock; must end.")
    entrance_photo_url: str | None = Field(default=None, max_length=500, pattern=r"^https?://\S+$")
    notes: str = Field(default="", max_length=2000)

    _texts_without_nul = field_validator("place_name", "address", "entrance_photo_url", "notes")(_without_nul)


class AppointmentChange(_Body):
    """Move an appointment (starts_at and ends_at together), change its status, or both."""

    starts_at: Moment | None = None
    ends_at: Moment | None = None
    status: AppointmentStatus | None = None


class EndIn(_Body):
    """End a participant's volunteering (afronden)."""

    reason: Literal["newcomer", "term", "organisation"] = Field(
        description="newcomer: they stop themselves; term: the agreed period is over; organisation: the centre stops."
    )


# --- response bodies ---------------------------------------------------------------------


class ParticipantExport(BaseModel):
    """A participant's data: participant, kennismaking, appointments, absences, messages, escalations."""

    model_config = ConfigDict(extra="allow")

    export_version: int


class Created(BaseModel):
    id: int


class CreatedAppointments(BaseModel):
    id: int = Field(description="The first (or only) occurrence.")
    ids: list[int]


class ReminderOut(BaseModel):
    kind: str
    due_at: MomentOut
    status: str


class AppointmentOut(AppointmentBase):
    """The stored appointment (AppointmentBase's fields) with its status, series and reminders."""

    id: int
    starts_at: MomentOut
    ends_at: MomentOut
    status: str
    series_id: str | None
    reminders: list[ReminderOut]


class EndedOut(BaseModel):
    ended_at: MomentOut
    reason: str
    cancelled_appointments: int = Field(description="Future appointments cancelled (their reminders with them).")
    ending_dialogue: bool = Field(description="Whether the ending dialogue was started (consent given, not stopped).")


class FieldError(BaseModel):
    # Left out for a problem with the whole body (answers leave out what is None).
    field: str | None = None
    error: str


class ErrorOut(BaseModel):
    error: str = Field(examples=["phone: not a phone number"])
    field: str | None = None
    errors: list[FieldError] | None = Field(default=None, description="Every problem found, when there are several.")
    id: int | None = Field(default=None, description="On 409 for a phone: the participant who has it.")


# --- refusals, shared with the CSV import ------------------------------------------------


class Refused(Exception):
    """A request or row that is not stored; `status` is the HTTP status the API answers with."""

    def __init__(self, status: int, message: str, field: str | None = None, **extra: Any) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.status, self.field, self.extra = status, field, extra
        self.errors: list[FieldError] = []


def invalid(field: str | None, message: str) -> Refused:
    return Refused(422, message, field)


def from_validation(error: ValidationError) -> Refused:
    """The first problem as the message (with its field), all of them in `errors`."""
    problems = error.errors(include_url=False)
    if not problems[0]["loc"] and problems[0]["type"] in ("json_invalid", "model_type"):
        return Refused(400, "the body must be a JSON object")
    found = [invalid(".".join(map(str, p["loc"])) or None, p["msg"]) for p in problems]
    found[0].errors = [FieldError(field=f.field, error=str(f)) for f in found]
    return found[0]


def _from_appointment_error(error: ValueError) -> Refused:
    # AppointmentError messages start with their field ("ends_at: must be after starts_at").
    field, sep, message = str(error).partition(": ")
    return invalid(field, message) if sep and field.isidentifier() else invalid(None, str(error))


# --- the operations, shared with the CSV import ------------------------------------------


def store_participant(services: Services, body: ParticipantIn) -> int:
    """Register a participant, with consent given through the centre or not; each call its own transaction."""
    now = services.clock()
    try:
        with session_scope(services.db) as db:
            _check_coordinator(db, body.coordinator_id)
            _check_new_phone(db, body.phone)
            participant = Participant(
                **body.model_dump(exclude={"consent"}),
                consent_given_at=now if body.consent else None,
                registered_by_centre=True,
                consent_via_centre=body.consent,
                created_at=now,
            )
            db.add(participant)
            db.flush()
            return participant.id
    except IntegrityError:
        # Another request registered the same phone between our check and our insert.
        with session_scope(services.db) as db:
            _check_new_phone(db, body.phone)
        raise


def store_appointments(services: Services, body: AppointmentIn) -> list[int]:
    """Make the appointment (or every occurrence) with its reminders; ids in time order."""
    with session_scope(services.db) as db:
        _check_coordinator(db, body.coordinator_id)
        new = appointments.NewAppointment(**body.model_dump())
        try:
            made = appointments.create(db, new, services.clock(), services.settings.reminder_rules)
        except ScheduleError as error:
            field, _, problem = str(error).partition(": ")
            raise invalid(field, problem) from error
        except appointments.AppointmentError as error:
            raise _from_appointment_error(error) from error
        return [appointment.id for appointment in made]


def change_appointment(services: Services, appointment_id: int, change: AppointmentChange) -> AppointmentOut:
    """Reschedule and/or set the status; the reminders follow through bot.appointments."""
    _check_change(change)
    now, rules = services.clock(), services.settings.reminder_rules
    with session_scope(services.db) as db:
        appointment = _appointment(db, appointment_id)
        told = []  # the participant hears of a move or a cancellation in their language
        if change.starts_at is not None:
            told.append(_reschedule(services, db, appointment, change, now, rules))
        if change.status is not None:
            told.append(_set_status(services, db, appointment, change.status, now))
        db.flush()
        changed = _appointment_out(db, appointment)
    for message_id in filter(None, told):
        services.queue.enqueue(jobs.send_message, message_id)
    return changed


def show_appointment(services: Services, appointment_id: int) -> AppointmentOut:
    with session_scope(services.db) as db:
        return _appointment_out(db, _appointment(db, appointment_id))


def _check_coordinator(db: DbSession, coordinator_id: int | None) -> None:
    # Checked here: an unknown id would otherwise surface as a foreign-key error on insert.
    if coordinator_id is not None and db.get(Coordinator, coordinator_id) is None:
        raise invalid("coordinator_id", f"no coordinator {coordinator_id}")


def _check_new_phone(db: DbSession, phone: str) -> None:
    existing = queries.participant_by_phone(db, phone)
    if existing is not None:
        raise Refused(409, f"already registered as participant {existing.id}", "phone", id=existing.id)


def _check_change(change: AppointmentChange) -> None:
    if change.starts_at is None and change.ends_at is None and change.status is None:
        raise invalid(None, "give starts_at and ends_at, or status, or all three")
    if (change.starts_at is None) != (change.ends_at is None):
        missing = "ends_at" if change.ends_at is None else "starts_at"
        raise invalid(missing, "give starts_at and ends_at together")


def _appointment(db: DbSession, appointment_id: int) -> Appointment:
    appointment = db.get(Appointment, appointment_id)
    if appointment is None:
        raise Refused(404, f"no appointment {appointment_id}")
    return appointment


def _reschedule(
    services: Services,
    db: DbSession,
    appointment: Appointment,
    change: AppointmentChange,
    now: datetime,
    rules: ReminderRules,
) -> int | None:
    try:
        return appointments.move(db, services.catalogs, appointment, change.starts_at, change.ends_at, now, rules)
    except appointments.AppointmentError as error:
        raise _from_appointment_error(error) from error


def _set_status(
    services: Services, db: DbSession, appointment: Appointment, status: AppointmentStatus, now: datetime
) -> int | None:
    # set_status() cancels the reminders of a closed appointment but never plans them again.
    closed = appointments.CLOSED
    if appointment.status in closed and status not in closed:
        raise Refused(409, f"a {appointment.status} appointment cannot be reopened; make a new one", "status")
    if status == AppointmentStatus.CANCELLED:
        return appointments.cancel(db, services.catalogs, appointment, now)
    appointments.set_status(db, appointment, status, now)
    return None


def _appointment_out(db: DbSession, appointment: Appointment) -> AppointmentOut:
    statement = select(Reminder).where(Reminder.appointment_id == appointment.id).order_by(Reminder.due_at)
    reminders = [ReminderOut(kind=r.kind, due_at=r.due_at, status=r.status) for r in db.exec(statement)]
    return AppointmentOut(**appointment.model_dump(exclude={"created_at", "updated_at"}), reminders=reminders)


# --- HTTP --------------------------------------------------------------------------------

spec = SpecTree(
    "flask",
    # Only the routes decorated below: the document describes this API, not the Twilio webhooks.
    mode="strict",
    title="Welkom API",
    version="1",
    description=(
        "For the volunteer centre's own systems. Send 'Authorization: Bearer <API_TOKEN>'. "
        'Errors are JSON: {"error": "<field>: <what is wrong>", "field": "<field>"}; '
        "422 for a value that cannot be stored, 400 for a body that is not a JSON object."
    ),
    annotations=False,
    security_schemes=[SecurityScheme(name="bearer", data=SecuritySchemeData(type="http", scheme="bearer"))],
    security={"bearer": []},
    validation_error_model=ErrorOut,
    # Plain model names in components (the default adds a hash of the module).
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda _parent, child: child,
)


def _documented(body: type[BaseModel] | None = None, **responses: type[BaseModel]) -> Callable[[View], View]:
    """Describe a view in the OpenAPI document: its body model and its answers."""
    errors = {"HTTP_401": ErrorOut} | ({"HTTP_400": ErrorOut, "HTTP_422": ErrorOut} if body else {})

    def decorate(view: View) -> View:
        # skip_validation: the view validates itself, strictly (JSON types as given: "1" is no id),
        # and answers in this API's error format; spectree only documents the body and answers.
        document = spec.validate(
            json=body, resp=Responses(**errors, **responses), skip_validation=True, operation_id=view.__name__
        )
        return document(view)

    return decorate


def _read(model: type[BaseModel]) -> Any:
    if not request.is_json:
        raise Refused(400, "send a JSON body with Content-Type: application/json")
    try:
        return model.model_validate_json(request.get_data(), strict=True)
    except ValidationError as error:
        raise from_validation(error) from None


def _answer(body: BaseModel, status: int = 200) -> Response:
    return Response(body.model_dump_json(exclude_none=isinstance(body, ErrorOut)), status, mimetype="application/json")


@bp.before_request
def _authenticate() -> Response | None:
    request.max_content_length = MAX_BODY_BYTES
    if request.endpoint == "api.openapi_document":
        return None
    token = current_services().settings.api_token
    if token is None:
        return _unauthorized("the API is switched off: API_TOKEN is not set on the server")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    # Bytes: compare_digest refuses non-ASCII str, and a header may carry anything.
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        return _unauthorized("give the API token as 'Authorization: Bearer <token>'")
    return None


def _unauthorized(message: str) -> Response:
    response = _answer(ErrorOut(error=message), 401)
    response.headers["WWW-Authenticate"] = "Bearer"
    return response


@bp.errorhandler(Refused)
def _refused(refused: Refused) -> Response:
    error = ErrorOut(error=str(refused), field=refused.field, errors=refused.errors or None, **refused.extra)
    return _answer(error, refused.status)


@bp.app_errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response | HTTPException:
    # Registered app-wide so unknown paths and methods under /api/ answer in JSON too; elsewhere Flask's default.
    if not request.path.startswith(f"{bp.url_prefix}/"):
        return error
    return _answer(ErrorOut(error=error.description or error.name), error.code or 500)


@bp.post("/participants")
@_documented(ParticipantIn, HTTP_201=Created, HTTP_409=ErrorOut)
def add_participant() -> Response:
    """Register a participant

    Consent is recorded as given through the centre, now. The phone is stored in E.164;
    a phone already registered answers 409 with that participant's id.
    """
    participant_id = store_participant(current_services(), _read(ParticipantIn))
    log.info("api: participant %s registered", participant_id)
    return _answer(Created(id=participant_id), 201)


@bp.post("/appointments")
@_documented(AppointmentIn, HTTP_201=CreatedAppointments)
def add_appointment() -> Response:
    """Make an appointment

    With `rrule`, every occurrence is stored; each gets its reminders if the participant said yes to them.
    """
    body = _read(AppointmentIn)
    ids = store_appointments(current_services(), body)
    log.info("api: %d appointment(s) made for participant %s", len(ids), body.participant_id)
    return _answer(CreatedAppointments(id=ids[0], ids=ids), 201)


@bp.get(f"/appointments/<int(max={MAX_ID}):appointment_id>")
@_documented(HTTP_200=AppointmentOut, HTTP_404=ErrorOut)
def get_appointment(appointment_id: int) -> Response:
    """An appointment with its reminders"""
    return _answer(show_appointment(current_services(), appointment_id))


@bp.patch(f"/appointments/<int(max={MAX_ID}):appointment_id>")
@_documented(AppointmentChange, HTTP_200=AppointmentOut, HTTP_404=ErrorOut, HTTP_409=ErrorOut)
def patch_appointment(appointment_id: int) -> Response:
    """Reschedule or change the status of an appointment

    Moving it plans its reminders anew; a closed status (cancelled, attended, no_show) cancels them.
    """
    changed = change_appointment(current_services(), appointment_id, _read(AppointmentChange))
    log.info("api: appointment %s changed", appointment_id)
    return _answer(changed)


@bp.get(f"/participants/<int(max={MAX_ID}):participant_id>/export")
@_documented(HTTP_200=ParticipantExport, HTTP_404=ErrorOut)
def export_participant(participant_id: int) -> Response:
    """Everything kept about a participant (the right of access); the shape is in the README"""
    services = current_services()
    with session_scope(services.db) as db:
        data = privacy.export(db, _participant(db, participant_id))
    log.info("api: participant %s exported", participant_id)
    return _answer(ParticipantExport.model_validate(data))


@bp.delete(f"/participants/<int(max={MAX_ID}):participant_id>")
@_documented(HTTP_204=None, HTTP_404=ErrorOut)
def erase_participant(participant_id: int) -> Response:
    """Erase a participant (the right to be forgotten)

    Number, name, kennismaking, words, media and translations go; counts for statistics stay.
    """
    services = current_services()
    with session_scope(services.db) as db:
        privacy.erase(services, db, _participant(db, participant_id), services.clock())
    log.info("api: participant %s erased", participant_id)
    return Response(status=204)


@bp.post(f"/participants/<int(max={MAX_ID}):participant_id>/end")
@_documented(EndIn, HTTP_200=EndedOut, HTTP_404=ErrorOut, HTTP_409=ErrorOut)
def end_participant(participant_id: int) -> Response:
    """End a participant's volunteering

    Future appointments are cancelled, no more reminders or check-ins, the retention clock
    starts, and the ending dialogue asks them, in their language, how it went. Once only: 409 after.
    """
    ended = end_volunteering(current_services(), participant_id, _read(EndIn).reason)
    log.info("api: participant %s ended", participant_id)
    return _answer(ended)


def end_volunteering(services: Services, participant_id: int, reason: str) -> EndedOut:
    now = services.clock()
    with session_scope(services.db) as db:
        participant = _participant(db, participant_id)
        if participant.ended_at is not None:
            raise Refused(409, f"participant {participant_id} has already ended", "participant_id")
        cancelled = ending_dialogue.end_volunteering(services, db, participant, reason, now)
        asked = ending_dialogue.reachable(participant)
    if asked:
        services.queue.enqueue(jobs.ask_ending, participant_id)
    return EndedOut(ended_at=now, reason=reason, cancelled_appointments=cancelled, ending_dialogue=asked)


def _participant(db: DbSession, participant_id: int) -> Participant:
    participant = db.get(Participant, participant_id)
    if participant is None or privacy.is_erased(participant):
        raise Refused(404, f"no participant {participant_id}")
    return participant


@bp.get("/openapi.json")
def openapi_document() -> Response:
    """The OpenAPI 3.1 document, generated from the routes and models above (no token needed)."""
    return jsonify(spec.spec)
