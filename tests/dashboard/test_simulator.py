"""The phone simulator in a real browser: typed messages go through the signed webhook, replies and
reminders appear on the right phone, and the demo clock runs the dispatcher."""

from datetime import timedelta

from sqlmodel import select

from bot.i18n import format_when
from storage.db import session_scope
from storage.models import Escalation, Message
from tests.conftest import make_app
from tests.dashboard.conftest import AMAL, ANNA_PHONE, FIRST_START, NOW, Centre, Live

NEW_NUMBER = "+31611111111"


def test_a_new_newcomer_writes_and_the_bot_answers_on_their_phone(page, live: Live, centre: Centre) -> None:
    page.goto(f"/simulator?newcomer={NEW_NUMBER}")
    newcomer = page.locator("section[data-role=newcomer]")
    newcomer.get_by_label("Typ een bericht").fill("hallo")
    newcomer.get_by_role("button", name="Stuur").click()
    reply = newcomer.locator(".bubble.received").first
    reply.wait_for()
    assert "Welkom" in reply.inner_text()
    # Before consent what someone wrote is not kept, so the phone cannot show it again.
    assert newcomer.locator(".bubble.sent").inner_text().startswith("(niet bewaard")
    with session_scope(live.services.db) as db:
        inbound = db.exec(select(Message).where(Message.direction == "in")).one()
    assert inbound.twilio_sid.startswith("SM") and inbound.processed_at is not None


def test_the_demo_clock_brings_the_reminder_and_a_question_reaches_the_coordinators_phone(
    page, live: Live, centre: Centre
) -> None:
    page.goto(f"/simulator?newcomer={AMAL}&coordinator={ANNA_PHONE}")
    assert page.locator("#demo-now").get_attribute("datetime") == NOW.isoformat()

    page.get_by_role("button", name="+1 uur").click()
    page.wait_for_load_state()
    assert page.locator("#demo-now").get_attribute("datetime") == (NOW + timedelta(hours=1)).isoformat()

    page.get_by_role("button", name="Naar de avond voor de volgende afspraak").click()
    page.wait_for_load_state()
    newcomer, coordinator = page.locator("section[data-role=newcomer]"), page.locator("section[data-role=coordinator]")
    reminder = newcomer.locator(".bubble.received").first
    reminder.wait_for()
    assert format_when(FIRST_START, "ar") in reminder.inner_text()

    newcomer.get_by_label("Typ een bericht").fill("4")
    newcomer.get_by_role("button", name="Stuur").click()
    newcomer.locator(".bubble.received").nth(1).wait_for()
    newcomer.get_by_label("Typ een bericht").fill("هل أحتاج أحذية خاصة؟")
    newcomer.get_by_role("button", name="Stuur").click()
    notice = coordinator.locator(".bubble.received").first
    notice.wait_for()
    assert "Amal" in notice.inner_text() and "هل أحتاج أحذية خاصة؟" in notice.inner_text()
    with session_scope(live.services.db) as db:
        assert db.exec(select(Escalation.reason)).all() == ["question"]


def test_the_simulator_is_not_there_without_demo(tmp_path) -> None:
    app = make_app(tmp_path)
    client = app.test_client()
    assert client.get("/simulator").status_code == 404
    assert client.post("/simulator/clock", data={"step": "day"}).status_code in (400, 404)
