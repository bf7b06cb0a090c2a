"""Dashboard accounts: `bot user add`, scrypt hashes, and guessing slowed down."""

import re
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import select

from bot.services import Services
from bot.users import MAX_FAILURES_PER_EMAIL
from storage.db import session_scope
from storage.models import Coordinator, User
from tests.conftest import make_app

PASSWORD = "a-long-password-1"


def add_user(app: Flask, *args: str, password: str = PASSWORD):
    return app.test_cli_runner().invoke(args=["bot", "user", "add", *args], input=f"{password}\n")


def login(client, email: str, password: str):
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def test_user_add_reads_the_password_from_stdin_and_stores_only_a_scrypt_hash(app: Flask, services: Services) -> None:
    result = add_user(app, "Anna@Welkom.Example", "--name", "Anna", "--role", "centre")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Account anna@welkom.example gemaakt (id 1)."
    with session_scope(services.db) as db:
        user = db.exec(select(User)).one()
    assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash
    assert login(app.test_client(), "anna@welkom.example", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("args", "password", "problem"),
    [
        (["anna", "--name", "A", "--role", "centre"], PASSWORD, "EMAIL: not an e-mail address"),
        (["a@b.nl", "--name", "A", "--role", "centre"], "short", "password: use at least 10 characters"),
        (["a@b.nl", "--name", "A", "--role", "begeleider"], PASSWORD, "--coordinator-id: a begeleider sees"),
        (["a@b.nl", "--name", "A", "--role", "begeleider", "--coordinator-id", "7"], PASSWORD, "no coordinator 7"),
    ],
)
def test_user_add_refuses_what_cannot_work(app: Flask, args: list[str], password: str, problem: str) -> None:
    result = add_user(app, *args, password=password)
    assert result.exit_code == 1 and problem in result.output


def test_the_same_address_twice_is_refused(app: Flask, services: Services) -> None:
    with session_scope(services.db) as db:
        db.add(Coordinator(name="Anna", phone="+31600000001"))
    assert add_user(app, "a@b.nl", "--name", "A", "--role", "begeleider", "--coordinator-id", "1").exit_code == 0
    again = add_user(app, "A@b.nl", "--name", "A", "--role", "centre")
    assert again.exit_code == 1 and "already an account for a@b.nl" in again.output


def test_logins_are_refused_for_a_while_after_too_many_wrong_passwords(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    assert add_user(app, "a@b.nl", "--name", "A", "--role", "centre").exit_code == 0
    client = app.test_client()
    for _ in range(MAX_FAILURES_PER_EMAIL):
        assert login(client, "a@b.nl", "wrong password").status_code == 401
    refused = login(client, "a@b.nl", PASSWORD)  # even the right one, until the window passes
    assert refused.status_code == 429 and "Te veel pogingen" in refused.text
    assert login(app.test_client(), "other@b.nl", "wrong password").status_code == 401  # another address is not locked


def test_login_sends_people_only_to_pages_of_this_site(app: Flask) -> None:
    assert add_user(app, "a@b.nl", "--name", "A", "--role", "centre").exit_code == 0
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    form = {"email": "a@b.nl", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/x"}
    assert client.post("/login", data=form).location == "/dashboard/"
