"""A participant's check-ins as a chart: one mark per check-in, higher is better, drawn as SVG
on the server (like the Overzicht), with the counts beside it so nothing depends on the picture."""

from dataclasses import dataclass
from datetime import datetime

from storage.models import CheckIn

# How the answers are counted, in the order the table shows them.
KINDS = ("good", "okay", "not_good", "words", "unanswered")
# Height of each answer: good at the top; own words and no answer on the base line, marked apart.
LEVEL = {"good": 3, "okay": 2, "not_good": 1, "words": 0, "unanswered": 0}
# The last this many check-ins are drawn; the counts take them all.
SHOWN = 26
WIDTH, HEIGHT, PAD = 640, 160, 30
# Room on the left for the answers' names beside their level.
LEFT = 80


@dataclass(frozen=True)
class Mark:
    kind: str
    at: datetime
    x: float
    y: float


def kind_of(checkin: CheckIn) -> str | None:
    """good, okay, not_good, words (own words instead of a number) or unanswered; None while still open."""
    if checkin.status == "unanswered":
        return "unanswered"
    if checkin.status != "answered":
        return None
    return checkin.mood or "words"


def chart(checkins: list[CheckIn]) -> tuple[list[Mark], dict[str, int]]:
    """The marks of the latest check-ins, oldest left, and how many there were of each kind."""
    closed = [(c, kind) for c in checkins if (kind := kind_of(c))]
    counts = {kind: sum(1 for _, k in closed if k == kind) for kind in KINDS}
    latest = closed[-SHOWN:]
    step = (WIDTH - LEFT - PAD) / max(len(latest) - 1, 1)
    marks = [
        Mark(kind, checkin.sent_at or checkin.due_at, LEFT + i * step, level_y(LEVEL[kind]))
        for i, (checkin, kind) in enumerate(latest)
    ]
    return marks, counts


def levels() -> dict[str, float]:
    """Where the scale names the answers: good, okay and not good at their heights."""
    return {kind: level_y(LEVEL[kind]) for kind in ("good", "okay", "not_good")}


def level_y(level: int) -> float:
    """Level 3 at the top, 0 on the base line."""
    return HEIGHT - PAD - level * (HEIGHT - 2 * PAD) / 3


def checkin_view(checkins: list[CheckIn]) -> dict:
    """What the participant page's template draws the chart and the counts from."""
    return {
        "checkins": chart(checkins),
        "chart_size": (WIDTH, HEIGHT, LEFT),
        "chart_levels": levels(),
        "chart_base": level_y(0),
    }
