"""What Twilio's webhooks may hold, checked at the edge before anything is stored.

A malformed request (a field too long for its column, digits that are not ASCII, an
unknown status, NUL in an identifier) is refused whole with 400: Twilio never sends
one, so it is a sign of something wrong. The body is the exception: it is the
person's own words, so NUL is replaced and the text is cut to Twilio's own limit.
"""

from collections.abc import Callable
from typing import Annotated, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from werkzeug.datastructures import MultiDict

from bot.limits import BODY_CHARS, MEDIA_ITEMS

# Twilio SIDs are two letters and 32 hex digits; printable ASCII up to the column's 64 is accepted.
Sid = Annotated[str, Field(pattern=r"^[!-~]{1,64}$")]
# Printable, without control characters (NUL included); the phone parser judges the rest.
Address = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$")]
# `str.isdigit()` accepts '²' and other digits that int() refuses: only ASCII ones here.
MediaCount = Annotated[str, Field(pattern=r"^[0-9]{0,2}$")]
# Twilio's error codes have five digits; nine still fit the integer column.
ErrorCode = Annotated[str, Field(pattern=r"^[0-9]{0,9}$")]
# The statuses Twilio's status callbacks report.
Status = Literal[
    "accepted",
    "scheduled",
    "canceled",
    "queued",
    "sending",
    "sent",
    "failed",
    "delivered",
    "undelivered",
    "receiving",
    "received",
    "read",
    "partially_delivered",
]


def _storable_body(body: str) -> str:
    # PostgreSQL text cannot hold NUL; it is the one character not kept as sent.
    return body[:BODY_CHARS].replace("\x00", "\ufffd")


class _Form(BaseModel):
    # Twilio adds fields over time (ProfileName, WaId, ...): the ones not used are ignored.
    model_config = ConfigDict(extra="ignore", frozen=True)


class InboundForm(_Form):
    sid: Sid = Field(alias="MessageSid")
    sender: Address = Field(alias="From")
    body: Annotated[str, AfterValidator(_storable_body)] = Field(default="", alias="Body")
    button_payload: str = Field(default="", max_length=256, pattern=r"^[^\x00]*$", alias="ButtonPayload")
    # The id of the item tapped in a WhatsApp list (twilio/list-picker): a payload like a button's.
    list_id: str = Field(default="", max_length=256, pattern=r"^[^\x00]*$", alias="ListId")
    num_media: MediaCount = Field(default="", alias="NumMedia")

    @property
    def media_count(self) -> int:
        return int(self.num_media or 0)


class MediaItem(_Form):
    url: str = Field(default="", max_length=2000, pattern=r"^(https?://[!-~]+)?$", alias="MediaUrl")
    content_type: str = Field(default="", max_length=255, pattern=r"^[!-~]*$", alias="MediaContentType")


class StatusForm(_Form):
    sid: Sid = Field(alias="MessageSid")
    status: Status = Field(alias="MessageStatus")
    error_code: ErrorCode = Field(default="", alias="ErrorCode")

    @property
    def error_number(self) -> int | None:
        return int(self.error_code) if self.error_code else None


_MEDIA = TypeAdapter(list[MediaItem])


class MalformedForm(ValueError):
    """The first problem as '<Twilio's field name>: <what is wrong>' (never the value itself)."""


def inbound_form(form: MultiDict[str, str]) -> tuple[InboundForm, list[MediaItem]]:
    inbound = _validated(InboundForm, form)
    if inbound.media_count > MEDIA_ITEMS:
        raise MalformedForm(f"NumMedia: Twilio sends at most {MEDIA_ITEMS} media items")
    items = [
        {"MediaUrl": form.get(f"MediaUrl{i}", ""), "MediaContentType": form.get(f"MediaContentType{i}", "")}
        for i in range(inbound.media_count)
    ]
    try:
        return inbound, _MEDIA.validate_python(items)
    except ValidationError as error:
        raise _malformed(error, lambda loc: f"{loc[1]}{loc[0]}") from None


def status_form(form: MultiDict[str, str]) -> StatusForm:
    return _validated(StatusForm, form)


Form = TypeVar("Form", bound=_Form)


def _validated(model: type[Form], form: MultiDict[str, str]) -> Form:
    try:
        return model.model_validate(form.to_dict())
    except ValidationError as error:
        raise _malformed(error, lambda loc: str(loc[0])) from None


def _malformed(error: ValidationError, name: Callable[[tuple], str]) -> MalformedForm:
    problem = error.errors(include_url=False, include_input=False)[0]
    return MalformedForm(f"{name(problem['loc'])}: {problem['msg']}")
