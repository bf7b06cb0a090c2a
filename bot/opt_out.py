"""Stop and start: after 'stop' nothing is sent until the person sends a start word.

On SMS, Twilio's own opt-out keywords (STOP, CANCEL, END, ...) stop the number at the
carrier: Twilio answers them itself and refuses our messages (error 21610) until the
person sends START, so we record the stop and do not answer. On WhatsApp the stop
words of the catalogs (every language) are the dialogue's own, and we answer once.
"""

from datetime import datetime

from bot.flow.matching import normalize
from bot.i18n import Catalogs
from storage.models import Channel, Participant

# Twilio's default opt-out and opt-in keywords for SMS.
CARRIER_STOP = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"})
CARRIER_START = frozenset({"start", "unstop"})
START_WORDS = "global.start.words"
# Twilio's error when a number has opted out: not a failure to report, a stop to record.
OPTED_OUT_ERROR = 21610


def catalog_words(catalogs: Catalogs, key: str) -> frozenset[str]:
    """The normalised words of `key` in every language's catalog."""
    words = {normalize(w) for lang in catalogs.languages for w in catalogs.text(lang, key).split("|")}
    return frozenset(w for w in words if w)


def start_words(catalogs: Catalogs) -> frozenset[str]:
    return catalog_words(catalogs, START_WORDS) | CARRIER_START


def is_carrier_stop(text: str, channel: str) -> bool:
    return channel == Channel.SMS and normalize(text) in CARRIER_STOP


def is_one_of(text: str, words: frozenset[str]) -> bool:
    return normalize(text) in words


def stop(participant: Participant, now: datetime) -> None:
    participant.stopped_at = participant.stopped_at or now


def start(participant: Participant) -> None:
    participant.stopped_at = None
