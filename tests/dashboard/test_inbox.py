"""The inbox in a real browser: order, who sees what, acknowledge, hand over, resolve."""

from datetime import timedelta

from sqlmodel import select

from bot import escalations
from storage.db import session_scope
from storage.models import AuditEntry, Escalation, Participant
from tests.dashboard.conftest import ANNA, CENTRE, NOW, Centre, Live, login


def open_escalation(live: Live, participant_id: int, reason: str, hours_ago: int) -> int:
    with session_scope(live.services.db) as db:
        participant = db.get(Participant, participant_id)
        at = NOW - timedelta(hours=hours_ago)
        escalation, _ = escalations.open_or_join(live.services, db, participant, reason, at, flow_id="menu")
        db.flush()
        return escalation.id


def test_the_inbox_lists_by_priority_then_age_and_a_begeleider_sees_only_theirs(page, live: Live, centre) -> None:
    question = open_escalation(live, centre.amal, "question", hours_ago=5)
    urgent = open_escalation(live, centre.oksana, "asked_for_person", hours_ago=1)

    login(page, CENTRE)
    page.goto("/dashboard/inbox")
    rows = page.locator("#inbox tbody tr")
    assert rows.nth(0).get_attribute("data-escalation") == str(urgent)
    assert rows.nth(0).inner_text().split("\t")[:3] == [f"#{urgent}", "dringend", "vraagt om een mens"]
    assert rows.nth(1).inner_text().split("\t") == [
        f"#{question}",
        "normaal",
        "vraag bij een herinnering",
        "Amal",
        "Arabisch",
        "5 u 0 min",
        "open",
    ]
    page.get_by_role("button", name="Uitloggen").click()

    login(page, ANNA)
    assert page.url.endswith("/dashboard/inbox")  # the inbox is the begeleider's first page
    assert page.locator("#inbox tbody tr").count() == 1
    assert page.goto(f"/dashboard/escalations/{urgent}").status == 404


def test_acknowledge_hand_over_and_resolve_are_recorded_with_who_and_when(page, live: Live, centre: Centre) -> None:
    ref = open_escalation(live, centre.amal, "asked_for_person", hours_ago=2)
    login(page, ANNA)
    page.get_by_role("link", name=f"#{ref}").click()
    page.get_by_role("button", name="Gezien").click()
    page.wait_for_load_state()
    assert page.locator("#escalation-status").inner_text() == "gezien"

    page.get_by_label("Overdragen aan").select_option(label="Bram")
    page.get_by_role("button", name="Overdragen").click()
    page.wait_for_load_state()
    assert page.locator("#inbox tbody tr").inner_text() == "Geen open meldingen."  # now Bram's

    page.get_by_role("button", name="Uitloggen").click()
    login(page, CENTRE)
    page.goto(f"/dashboard/escalations/{ref}")
    page.get_by_role("button", name="Opgelost").click()
    page.wait_for_load_state()
    assert f"Melding #{ref} is opgelost." in page.get_by_role("status").inner_text()

    with session_scope(live.services.db) as db:
        escalation = db.get(Escalation, ref)
        assert escalation.status == "resolved" and escalation.resolved_by.startswith("user:")
        actions = [e.action for e in escalations.history(db, ref)]
        audited = [e.action for e in db.exec(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-3:] == ["acknowledged", "handed_over", "resolved"]
    assert audited == ["escalation.acknowledged", "escalation.handed_over", "escalation.resolved"]
    page.goto(f"/dashboard/escalations/{ref}")
    history = page.locator(".trail").inner_text()
    assert "Anna · gezien" in history and "Anna · overgedragen" in history and "Centrum · opgelost" in history
