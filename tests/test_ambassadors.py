"""Ambassadors (issue 15): codes in first messages, the consent to tell them, and the two-week review.

Two ambassadors with targets, a community source, and five first messages carrying their codes
in five languages (Arabic script around one, direction marks around another); the review for
the period of 16 November 2026 counts each stage against each target in the CLI and the dashboard.
"""

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlmodel import select

from bot.referral_codes import find_codes, new_code
from bot.services import EXTENSION
from bot.users import NewUser, add_user
from storage.db import session_scope
from storage.models import Appointment, Intake, Message, Participant, Referral
from tests.conftest import make_app
from tests.support.phones import Phones

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TUESDAY = datetime(2026, 11, 17, 10, 0, tzinfo=AMSTERDAM)  # in the period 16-29 November 2026
BOT_WHATSAPP, BOT_SMS = "+3197010000001", "+3197010000002"
FATIMA_PHONE, YONAS_PHONE = "+31611111111", "+31622222222"
ARABIC, DARI, DUTCH, UKRAINIAN, TIGRINYA = (f"+316300000{n:02d}" for n in range(1, 6))
CONTROL = "+31630000099"
PASSWORD = "a-long-password-1"


def run(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["bot", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def zoetermeer(tmp_path: Path) -> tuple[Flask, dict[str, str]]:
    app = make_app(
        tmp_path,
        TWILIO_WHATSAPP_FROM=BOT_WHATSAPP,
        TWILIO_SMS_FROM=BOT_SMS,
        AMBASSADOR_CAMPAIGN_START="2026-11-16",
        AMBASSADOR_GROUP_TARGET="75",
    )
    services = app.extensions[EXTENSION]
    services.channel.echo = None
    services.clock = lambda: TUESDAY.astimezone(UTC)
    fatima = run(
        app, "ambassador", "add", "--name", "Fatima", "--phone", FATIMA_PHONE, "--languages", "ar,fa", "--target", "3"
    )
    yonas = run(
        app,
        "ambassador",
        "add",
        "--name",
        "Yonas",
        "--phone",
        YONAS_PHONE,
        "--languages",
        "ti",
        "--target",
        "2",
        "--partner",
        "1",
    )
    source = run(app, "source", "add", "--name", "Afghaanse vereniging", "--languages", "fa,ps")
    codes = {
        name: re.search(r"Code: (WK-\w{4})", out).group(1)
        for name, out in (("fatima", fatima), ("yonas", yonas), ("source", source))
    }
    assert f"https://wa.me/{BOT_WHATSAPP[1:]}?text={codes['fatima']}" in fatima
    assert f"sms:{BOT_SMS}?body={codes['yonas']}" in yonas and f"stuur {codes['yonas']} naar {BOT_SMS}" in yonas
    return app, codes


def first_messages(app: Flask, codes: dict[str, str]) -> Phones:
    """Five newcomers write first with a code; three say yes to consent, two of them let the ambassador know."""
    phones = Phones(app)
    fatima, yonas = codes["fatima"], codes["yonas"]
    phones.send(ARABIC, f"مرحبا {fatima} أريد أن أعمل متطوعا")
    phones.send(DARI, f"سلام {fatima.lower()}")
    phones.send(DUTCH, f"Hallo! {yonas.replace('-', ' ')}, ik wil graag vrijwilligerswerk doen")
    phones.send(UKRAINIAN, f"Привіт, я від {yonas}")
    phones.send(TIGRINYA, f"ሰላም\u200f{yonas}\u200f")
    for phone, tell in ((ARABIC, "1"), (DUTCH, "2"), (UKRAINIAN, "1")):
        phones.send(phone, "1")  # yes, that is my language
        phones.send(phone, "1")  # yes to consent
        phones.send(phone, tell)  # may the ambassador know?
    return phones


def test_codes_are_linked_and_taken_out_before_the_language_is_recognised(zoetermeer) -> None:
    app, codes = zoetermeer
    phones = first_messages(app, codes)
    services = app.extensions[EXTENSION]
    # The same words without a code get the same answer: the code never reached language recognition.
    phones.send(CONTROL, "مرحبا أريد أن أعمل متطوعا")
    assert phones.received(ARABIC)[0].body == phones.received(CONTROL)[0].body
    assert services.catalogs.text("ar", "consent.ask").split("\n")[0] in phones.received(ARABIC)[1].body
    with session_scope(services.db) as db:
        linked = {db.get(Participant, r.participant_id).phone: r.referrer_id for r in db.exec(select(Referral))}
        assert linked == {ARABIC: 1, DARI: 1, DUTCH: 2, UKRAINIAN: 2, TIGRINYA: 2}
        control = db.exec(select(Participant).where(Participant.phone == CONTROL)).one()
        assert db.exec(select(Referral).where(Referral.participant_id == control.id)).first() is None
    # Told only with consent: Fatima once (Arabic said yes), Yonas once (Ukrainian yes, Dutch no).
    assert [m.body for m in phones.received(FATIMA_PHONE)] == [
        services.coordinator_texts.text("nl", "referral.arrived", {"name": "Fatima", "code": codes["fatima"]})
    ]
    assert len(phones.received(YONAS_PHONE)) == 1
    # Fatima never wrote to the bot: outside WhatsApp's window, without an approved template, by SMS.
    assert phones.received(FATIMA_PHONE)[0].route == "sms"
    asked = services.catalogs.text("ar", "referral.tell.ask", {"name": "Fatima"})
    isolated = str.maketrans("", "", "\u2068\u2069")  # names are isolated inside right-to-left text
    assert any(asked in m.body.translate(isolated) for m in phones.received(ARABIC))


def test_a_code_is_never_a_word_and_is_found_in_any_script() -> None:
    code = new_code()
    assert re.fullmatch(r"WK-[A-Z2-9]{4}", code) and any(c.isdigit() for c in code)
    assert find_codes("Het WK 2026 was mooi") == [] and find_codes("wk-haus") == []
    assert find_codes("ذهبتWK-7KQ3معي")[0].code == "WK-7KQ3"
    assert find_codes("کد wk-٧kq٣ است")[0].code == "WK-7KQ3"  # Persian digits
    assert find_codes("\u200fمرحبا WK‐7KQ3\u200f")[0].rest == "مرحبا"
    assert find_codes("AWK-7KQ3") == [] and find_codes("WK-7KQ3X") == []


def stages_happen(app: Flask) -> None:
    """Kennismaking, a kept work day and a signed plan for some of them, inside and after the period."""
    services = app.extensions[EXTENSION]
    with session_scope(services.db) as db:
        ids = {p.phone: p.id for p in db.exec(select(Participant))}
        for phone, day in ((ARABIC, 18), (UKRAINIAN, 19)):
            confirmed = datetime(2026, 11, day, 12, tzinfo=AMSTERDAM)
            db.add(Intake(participant_id=ids[phone], language="ar", answers={}, confirmed_at=confirmed))
        start = datetime(2026, 11, 20, 9, tzinfo=AMSTERDAM)
        db.add(
            Appointment(
                participant_id=ids[ARABIC],
                kind="work",
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                status="attended",
            )
        )
        db.add(
            Appointment(
                participant_id=ids[UKRAINIAN],
                kind="work",
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                status="no_show",
            )
        )
    services.clock = lambda: datetime(2026, 12, 2, 10, tzinfo=AMSTERDAM).astimezone(UTC)
    run(app, "ambassador", "plan-signed", ARABIC, "--on", "2026-11-25")
    run(app, "ambassador", "plan-signed", UKRAINIAN, "--on", "2026-12-01")  # the next period
    run(app, "ambassador", "target", "1", "--period", "2026-11-20", "--target", "4")  # only this period


# Stages: first contact, consent, kennismaking, first kept, active after 3 months, plan signed.
FATIMA_ROW = ["Fatima", "2", "1", "1", "1", "0", "1", "1/4", "1/6"]
YONAS_ROW = ["Yonas", "3", "2", "1", "0", "0", "0", "0/2", "1/6"]
SOURCE_ROW = ["Afghaanse vereniging", "0", "0", "0", "0", "0", "0", "0/0", "0/0"]
# 75 plans in the half year from 16 November (181 days): 75 x 14 / 181 = 5.8, so 6 per period.
GROUP_ROW = ["Groep", "5", "3", "2", "1", "0", "1", "1/6"]


def test_the_review_counts_each_stage_against_each_target_in_the_cli(zoetermeer) -> None:
    app, codes = zoetermeer
    first_messages(app, codes)
    stages_happen(app)
    lines = run(app, "ambassador", "report", "--period", "2026-11-16").splitlines()
    assert lines[0] == "Periode 16-11-2026 t/m 29-11-2026."
    this_period = lines[lines.index("Deze periode") + 2 : lines.index("Deze periode") + 6]
    assert [line.split(" | ") for line in this_period] == [FATIMA_ROW, YONAS_ROW, SOURCE_ROW, GROUP_ROW]
    later = run(app, "ambassador", "report", "--period", "2026-12-01").splitlines()
    so_far = [line.split(" | ") for line in later[later.index("Campagne tot nu toe") + 2 :]]
    # Two periods so far: Fatima 4 + 3, Yonas 2 + 2; the Ukrainian plan was signed in the second.
    assert so_far[0][-2:] == ["1/7", "2/11"] and so_far[1][-2:] == ["1/4", "2/11"]
    assert so_far[3][-1] == "2/12"


def cells(html: str, view: str) -> list[list[str]]:
    table = html[html.index(f'id="review-{view}"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr data-referrer=.*?</tr>", table, re.S)
    return [
        [
            re.sub(r"<[^>]+>|\s+", " ", c).strip().split(" ")[0] if i == 0 else re.sub(r"<[^>]+>|\s", "", c)
            for i, c in enumerate(re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S))
        ]
        for row in rows
    ]


def login(app: Flask, email: str, role: str, **ids: int):
    services = app.extensions[EXTENSION]
    with session_scope(services.db) as db:
        user = add_user(db, NewUser(email, email.split("@")[0], role, PASSWORD, **ids), services.clock())
        user_id = user.id
    client = app.test_client()
    with client.session_transaction() as session:
        session["user_id"] = user_id
    return client


def test_the_dashboard_shows_the_review_and_an_ambassador_only_their_own(zoetermeer) -> None:
    app, codes = zoetermeer
    first_messages(app, codes)
    stages_happen(app)
    centre = login(app, "centrum@example.org", "centre")
    page = centre.get("/dashboard/ambassadors?period=2026-11-20").get_data(as_text=True)
    rows = cells(page, "this_period")
    assert [row[1:] for row in rows] == [r[1:] for r in (FATIMA_ROW, YONAS_ROW, SOURCE_ROW)] + [GROUP_ROW[1:] + [""]]
    assert 'data-series="count" data-name="Fatima" data-value="1"' in page
    assert 'data-series="target" data-name="Yonas" data-value="2"' in page
    table = list(
        csv.reader(
            io.StringIO(
                centre.get("/dashboard/ambassadors.csv?period=2026-11-16").get_data(as_text=True).lstrip("\ufeff")
            ),
            delimiter=";",
        )
    )
    assert table[1][1:] == ["Fatima", "ambassadeur", "2", "1", "1", "1", "0", "1", "1", "4", "1", "6"]
    detail = centre.get("/dashboard/ambassadors/1").get_data(as_text=True)
    assert codes["fatima"] in detail and "wa.me" in detail
    assert centre.get("/dashboard/ambassadors/1/qr.png").data.startswith(b"\x89PNG")
    # The rows made to reach Fatima and Yonas are no coordinators to choose from.
    assert ">Fatima</option>" not in centre.get("/dashboard/participants").get_data(as_text=True)

    yonas = login(app, "yonas@example.org", "ambassador", referrer_id=2)
    own = yonas.get("/dashboard/ambassadors?period=2026-11-16").get_data(as_text=True)
    assert [row[0] for row in cells(own, "this_period")] == ["Yonas"]
    # Their partner's name, but none of her figures, and not the group's.
    assert 'data-referrer="1"' not in own and 'data-name="Fatima"' not in own and "Groep" not in own
    for path in (
        "/dashboard/participants",
        "/dashboard/overview",
        "/dashboard/ambassadors/2",
        "/dashboard/participants/1",
    ):
        assert yonas.get(path).status_code == 404, path
    assert yonas.get("/dashboard/ambassadors/1/qr.png").status_code == 404
    assert yonas.get("/dashboard/").headers["Location"].endswith("/dashboard/ambassadors")


def test_plan_signed_by_hand_in_the_dashboard_and_the_qr_file(zoetermeer, tmp_path: Path) -> None:
    app, codes = zoetermeer
    Phones(app).send(ARABIC, codes["fatima"])  # the link's text alone: the language menu follows
    centre = login(app, "centrum@example.org", "centre")
    detail = centre.get("/dashboard/ambassadors/1").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', detail).group(1)
    assert (
        centre.post("/dashboard/ambassadors/referrals/1/plan", data={"csrf_token": token, "signed": "yes"}).status_code
        == 302
    )
    services = app.extensions[EXTENSION]
    with session_scope(services.db) as db:
        assert db.get(Referral, 1).plan_signed_at is not None
        first = db.exec(select(Message).where(Message.participant_id == 1, Message.direction == "out")).first()
        assert first.body.startswith(services.catalogs.text("nl", "language.choose").split("\n")[0][:20])
    for suffix in ("png", "pdf", "svg"):
        run(app, "ambassador", "qr", "1", "--out", str(tmp_path / f"fatima.{suffix}"))
    assert (tmp_path / "fatima.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "fatima.pdf").read_bytes().startswith(b"%PDF")


def test_an_ambassador_account_needs_the_ambassador_it_belongs_to(zoetermeer) -> None:
    app, _ = zoetermeer
    runner = app.test_cli_runner()
    command = ["bot", "user", "add", "fatima@example.org", "--name", "Fatima", "--role", "ambassador"]
    refused = runner.invoke(args=command, input=PASSWORD + "\n")
    assert refused.exit_code != 0 and "--referrer-id" in refused.output
    assert runner.invoke(args=[*command, "--referrer-id", "9"], input=PASSWORD + "\n").exit_code != 0
    assert runner.invoke(args=[*command, "--referrer-id", "1"], input=PASSWORD + "\n").exit_code == 0
