"""Logging in and out, CSRF, and what a begeleider may see: in a real browser over HTTP."""

import requests
from sqlmodel import select

from storage.db import session_scope
from storage.models import Appointment, AuditEntry
from tests.dashboard.conftest import ANNA, CENTRE, Centre, Live, login


def test_pages_need_a_login_and_logout_ends_it(page, live: Live, centre: Centre) -> None:
    page.goto("/dashboard/participants")
    assert page.url == f"{live.url}/login?next=/dashboard/participants"

    page.get_by_label("E-mailadres").fill(CENTRE)
    page.get_by_label("Wachtwoord").fill("not the password")
    page.get_by_role("button", name="Inloggen").click()
    assert page.get_by_role("alert").inner_text() == "Dit e-mailadres of wachtwoord klopt niet."

    page.get_by_label("Wachtwoord").fill("a-long-password-1")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    assert page.url == f"{live.url}/dashboard/participants"  # where they were going
    assert page.get_by_role("link", name="Amal").is_visible()
    assert page.get_by_role("link", name="Oksana").is_visible()
    (cookie,) = page.context.cookies()
    assert (cookie["httpOnly"], cookie["secure"], cookie["sameSite"]) == (True, True, "Lax")

    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_load_state()
    assert page.url == f"{live.url}/login"
    page.goto("/dashboard/participants")
    assert page.url.startswith(f"{live.url}/login")


def test_a_form_without_its_csrf_token_is_refused(page, live: Live, centre: Centre) -> None:
    # Without a session and token, the login form itself is refused.
    refused = requests.post(f"{live.url}/login", data={"email": CENTRE, "password": "a-long-password-1"}, timeout=10)
    assert refused.status_code == 400
    assert "Dit formulier is verlopen" in refused.text

    login(page, CENTRE)
    # Logged in, a script posting the cancel form without the token changes nothing.
    status = page.evaluate(
        "async (url) => (await fetch(url, {method: 'POST'})).status",
        f"/dashboard/appointments/{centre.amal_appointment}/cancel",
    )
    assert status == 400
    with session_scope(live.services.db) as db:
        assert db.get(Appointment, centre.amal_appointment).status == "planned"
        assert db.exec(select(AuditEntry)).all() == []


def test_a_begeleider_sees_only_their_own_participants(page, live: Live, centre: Centre) -> None:
    login(page, ANNA)
    page.goto("/dashboard/participants")
    assert page.get_by_role("link", name="Amal").is_visible()
    assert page.get_by_role("link", name="Oksana").count() == 0

    for path in (
        f"/dashboard/participants/{centre.oksana}",
        f"/dashboard/appointments/{centre.oksana_appointment}",
        "/dashboard/participants/999999",
    ):
        response = page.goto(path)
        assert response.status == 404, path
        assert "Oksana" not in page.content()

    # Even with a valid token, another's appointment cannot be cancelled.
    page.goto(f"/dashboard/appointments/{centre.amal_appointment}")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    status = page.evaluate(
        "async ([url, token]) => (await fetch(url, {method: 'POST', body: new URLSearchParams({csrf_token: token})}))"
        ".status",
        [f"/dashboard/appointments/{centre.oksana_appointment}/cancel", token],
    )
    assert status == 404
    with session_scope(live.services.db) as db:
        assert db.get(Appointment, centre.oksana_appointment).status == "planned"


def test_a_participants_papers_download_from_their_page_for_those_who_may_see_them(
    page, live: Live, centre: Centre
) -> None:
    login(page, ANNA)
    page.goto(f"/dashboard/participants/{centre.amal}")
    link = page.get_by_role("link", name="Werkafspraken (tweetalig, PDF)")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    denied = page.request.get(f"/dashboard/participants/{centre.oksana}/papers/werkafspraken.pdf")
    assert denied.status == 404
    assert page.request.get(f"/dashboard/participants/{centre.amal}/papers/cv.pdf").status == 404
    with session_scope(live.services.db) as db:
        [entry] = db.exec(select(AuditEntry)).all()
        assert (entry.action, entry.participant_id, entry.details) == (
            "participant.paper",
            centre.amal,
            {"kind": "werkafspraken"},
        )
