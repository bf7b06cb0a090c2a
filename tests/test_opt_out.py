"""Stop in every language and Twilio's SMS keywords: nothing more is sent until a start word."""

from datetime import UTC, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.i18n import SUPPORTED_LANGUAGES
from bot.services import EXTENSION
from storage.db import session_scope
from storage.models import Message, Participant
from tests.support.phones import Phones
from tests.test_relay import BEGELEIDER, MONDAY_10, SOMALI, TIGRINYA, centre


def first_word(services, language: str, key: str) -> str:
    return services.catalogs.text(language, key).split("|")[-1]


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_the_stop_and_start_words_of_each_language_work(tmp_path: Path, language: str) -> None:
    app = centre(tmp_path)
    services, phones = app.extensions[EXTENSION], Phones(app)
    with session_scope(services.db) as db:
        db.exec(select(Participant).where(Participant.phone == SOMALI)).one().language = language
    phones.send(SOMALI, first_word(services, language, "global.stop.words"))
    assert phones.last(SOMALI) == services.catalogs.text(language, "global.stop.reply")
    sent = len(phones.received(SOMALI))
    phones.send(SOMALI, "menu")  # stopped: stored, not answered
    assert len(phones.received(SOMALI)) == sent
    phones.send(SOMALI, first_word(services, language, "global.start.words"))
    assert phones.last(SOMALI) == services.catalogs.text(language, "global.start.reply")
    phones.send(SOMALI, "menu")
    assert phones.last(SOMALI).startswith(services.catalogs.text(language, "menu.ask"))


@pytest.mark.parametrize("keyword", ["STOP", "stopall", "Unsubscribe", "CANCEL", "end", "QUIT", "revoke", "OPTOUT"])
def test_twilios_sms_keywords_stop_without_an_answer_of_ours(tmp_path: Path, keyword: str) -> None:
    app = centre(tmp_path)
    phones = Phones(app)
    phones.send_sms(SOMALI, keyword)
    assert phones.received(SOMALI) == []  # Twilio confirms these itself, and would refuse ours
    phones.send_sms(SOMALI, "hallo")
    assert phones.received(SOMALI) == []
    phones.send_sms(SOMALI, "START")
    assert len(phones.received(SOMALI)) == 1


def test_a_coordinator_cannot_write_to_someone_who_said_stop(tmp_path: Path) -> None:
    app = centre(tmp_path)
    services, phones = app.extensions[EXTENSION], Phones(app)
    phones.send(SOMALI, "caawimaad")
    phones.send(SOMALI, "jooji")  # stop, in Somali
    sent = len(phones.received(SOMALI))
    phones.send(BEGELEIDER, "#1 Ik bel je zo")
    assert len(phones.received(SOMALI)) == sent
    assert phones.last(BEGELEIDER) == services.coordinator_texts.text(
        "nl", "relay.stopped", {"ref": "1", "who": "Hodan"}
    )


def test_a_flood_from_one_number_is_kept_but_answered_once_and_others_go_on(tmp_path: Path) -> None:
    app = centre(tmp_path, FLOOD_PER_MINUTE="5")
    services, phones = app.extensions[EXTENSION], Phones(app)
    for n in range(12):
        phones.send(SOMALI, f"menu {n}")
    replies = [m.body for m in phones.received(SOMALI)]
    assert len(replies) == 6 and replies[-1] == services.catalogs.text("so", "flood.notice")
    phones.send(TIGRINYA, "menu")  # someone else, the same minute
    assert phones.last(TIGRINYA).startswith(services.catalogs.text("ti", "menu.ask"))
    with session_scope(services.db) as db:  # all twelve are kept
        inbound = db.exec(select(Message).where(Message.participant_id == 1, Message.direction == "in")).all()
        assert len(inbound) == 12
    services.clock = lambda: (MONDAY_10 + timedelta(minutes=2)).astimezone(UTC)
    phones.send(SOMALI, "menu")  # calm again
    assert phones.last(SOMALI).startswith(services.catalogs.text("so", "menu.ask"))
