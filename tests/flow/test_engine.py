"""The pure engine against data-driven dialogue cases, without Flask, Redis or SQL."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from bot.config import ROOT
from bot.flow import engine
from bot.flow.events import FlowEnded, LanguageChosen, SendMessage
from bot.flow.loader import load_flows
from bot.flow.model import Flow, Input, Session
from bot.i18n import Catalogs

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CASES = yaml.safe_load((Path(__file__).parent / "cases_welkom.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def flow() -> Flow:
    catalogs = Catalogs.load(ROOT / "translations")
    return load_flows(ROOT / "flows", catalogs)["welkom"]


def turn(flow: Flow, session: Session | None, message: dict, language: str | None):
    if session is None or session.ended:
        return engine.start(flow, language, NOW)
    answer = Input(text=message["text"], button_payload=message.get("payload"), media_count=message.get("media", 0))
    # A restart between two messages: the session goes through JSON, as in the store.
    stored = Session.from_dict(json.loads(json.dumps(session.to_dict())))
    return engine.resume(flow, stored, answer, NOW)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_dialogue(flow: Flow, case: dict) -> None:
    session, language = None, case.get("language")
    for message in case["messages"]:
        session, events = turn(flow, session, message, language)
        check(message.get("expect", {}), session, events)


def check(expect: dict, session: Session, events: list) -> None:
    sends = [e for e in events if isinstance(e, SendMessage)]
    if "sent" in expect:
        assert [[t.key for t in s.texts] for s in sends] == expect["sent"]
    if "languages" in expect:
        assert all(list(s.languages) == expect["languages"] for s in sends)
    if "options" in expect:
        assert [o.label.language for o in sends[-1].options] == expect["options"]
        assert [o.number for o in sends[-1].options] == list(range(1, len(expect["options"]) + 1))
    if "chosen" in expect:
        assert LanguageChosen(expect["chosen"]) in events
        assert session.language == expect["chosen"]
    else:
        assert not any(isinstance(e, LanguageChosen) for e in events)
    if "misses" in expect:
        assert session.misses == expect["misses"]
    assert session.ended == expect.get("ended", False)
    assert any(isinstance(e, FlowEnded) for e in events) == session.ended


def test_resume_does_not_change_the_given_session(flow: Flow) -> None:
    session, _ = engine.start(flow, None, NOW)
    before = session.to_dict()
    engine.resume(flow, session, Input(text="nonsense"), NOW)
    assert session.to_dict() == before


def test_a_cycle_of_steps_that_never_wait_is_stopped(flow: Flow) -> None:
    from dataclasses import replace

    looping = replace(flow.steps["welcome_back"], next="welcome_back")
    broken = replace(flow, steps={**flow.steps, "welcome_back": looping})
    with pytest.raises(RuntimeError, match="without waiting"):
        engine.start(broken, "nl", NOW)
