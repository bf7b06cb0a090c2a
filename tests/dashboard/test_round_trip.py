"""The whole round in the browser: a newcomer asks for help in Arabic on the simulator's phone,
the begeleider reads it in the inbox in Dutch beside the Arabic, answers in Dutch after seeing
the translation, the Arabic answer arrives on the newcomer's phone, and the escalation is resolved."""

from sqlmodel import select

from storage.db import session_scope
from storage.models import Escalation
from tests.dashboard.conftest import AMAL, ANNA, Centre, Live, login

HELP = "مساعدة"
ANSWER = "Ik bel je morgen om 10 uur"


def test_help_in_arabic_is_answered_in_dutch_and_read_in_arabic(browser, page, live: Live, centre: Centre) -> None:
    phones = browser.new_page(base_url=live.url)
    phones.set_default_timeout(15_000)
    phones.goto(f"/simulator?newcomer={AMAL}")
    newcomer = phones.locator("section[data-role=newcomer]")
    newcomer.get_by_label("Typ een bericht").fill(HELP)
    newcomer.get_by_role("button", name="Stuur").click()
    newcomer.locator(".bubble.received").first.wait_for()  # told that a person will contact them
    live.services.queue.join()

    login(page, ANNA)
    row = page.locator("#inbox tbody tr").first
    assert "vraagt om een mens" in row.inner_text() and "Arabisch" in row.inner_text()
    row.get_by_role("link").first.click()
    excerpt = page.locator(".conversation li.in").last
    assert f"[nl] {HELP}" in excerpt.locator(".dutch").inner_text()
    assert HELP in excerpt.locator(".original").inner_text()

    page.get_by_label("Antwoord in het Nederlands").fill(ANSWER)
    page.get_by_role("button", name="Toon de vertaling").click()
    assert f"[ar] {ANSWER}" in page.locator("#preview-text").inner_text()
    with session_scope(live.services.db) as db:
        (escalation,) = db.exec(select(Escalation)).all()
        assert escalation.status == "open"  # a preview sends nothing
    page.get_by_role("button", name="Versturen").click()
    page.wait_for_load_state()
    assert "is verstuurd" in page.get_by_role("status").inner_text()

    arrived = newcomer.locator(".bubble.received", has_text=f"[ar] {ANSWER}")
    arrived.wait_for()
    assert ANSWER in arrived.inner_text()

    page.get_by_role("button", name="Opgelost").click()
    page.wait_for_load_state()
    assert page.locator("#inbox tbody tr").inner_text() == "Geen open meldingen."
    live.services.queue.join()
    with session_scope(live.services.db) as db:
        escalation = db.get(Escalation, escalation.id)
        assert escalation.status == "resolved" and escalation.resolved_by.startswith("user:")
    # The newcomer is told, in Arabic, that the conversation is closed.
    closed = live.services.catalogs.text("ar", "relay.closed").splitlines()[0]
    newcomer.locator(".bubble.received", has_text=closed).wait_for()
    phones.close()
