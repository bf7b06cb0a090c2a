"""Accounts of the centre's people for the dashboard: added, checked, and guessing slowed down.

Passwords are stored as werkzeug scrypt hashes. Failed logins are rows, so the limit holds
across processes and restarts; a success does not erase them (that would let a guesser
who knows one password reset the count for another account).
"""

import sys
from dataclasses import dataclass
from datetime import datetime, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import Session as DbSession
from sqlmodel import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from bot.services import EXTENSION
from storage.db import session_scope
from storage.models import Coordinator, LoginAttempt, Referrer, Role, User
from storage.types import utcnow

MIN_PASSWORD_LENGTH = 10
# More failures than these within the window, and logins are refused until it passes.
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_CLIENT = 20
FAILURE_WINDOW = timedelta(minutes=15)
# Checked when the e-mail is unknown, so both cases take as long.
_DUMMY_HASH = generate_password_hash("not a password", method="scrypt")


class AccountError(ValueError):
    """An account that cannot be made; the message names the field."""


class TooManyAttempts(Exception):
    """Too many failed logins lately for this address or client."""


@dataclass(frozen=True)
class NewUser:
    email: str
    name: str
    role: str
    password: str
    coordinator_id: int | None = None
    referrer_id: int | None = None


def add_user(db: DbSession, new: NewUser, now: datetime) -> User:
    email = new.email.strip().lower()
    if "@" not in email:
        raise AccountError("EMAIL: not an e-mail address")
    if new.role not in set(Role):
        raise AccountError(f"--role: must be one of {', '.join(Role)}")
    if new.role == Role.BEGELEIDER and new.coordinator_id is None:
        raise AccountError("--coordinator-id: a begeleider sees the participants of one coordinator; give its id")
    if new.role == Role.AMBASSADOR and new.referrer_id is None:
        raise AccountError("--referrer-id: an ambassador sees the figures of one ambassador; give its id")
    if new.referrer_id is not None and db.get(Referrer, new.referrer_id) is None:
        raise AccountError(f"--referrer-id: no ambassador {new.referrer_id}")
    if new.coordinator_id is not None and db.get(Coordinator, new.coordinator_id) is None:
        raise AccountError(f"--coordinator-id: no coordinator {new.coordinator_id}")
    if len(new.password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password: use at least {MIN_PASSWORD_LENGTH} characters")
    if user_by_email(db, email) is not None:
        raise AccountError(f"EMAIL: there is already an account for {email}")
    user = User(
        email=email,
        name=new.name.strip(),
        role=new.role,
        coordinator_id=new.coordinator_id,
        referrer_id=new.referrer_id,
        password_hash=generate_password_hash(new.password, method="scrypt"),
        created_at=now,
    )
    db.add(user)
    db.flush()
    return user


def user_by_email(db: DbSession, email: str) -> User | None:
    return db.exec(select(User).where(User.email == email.strip().lower())).first()


def check_login(db: DbSession, email: str, password: str, client: str, now: datetime) -> User | None:
    """The user whose password this is, or None (and the failure counted).

    Raises TooManyAttempts before looking at the password when the limit is reached.
    """
    email = email.strip().lower()[:200]
    client = client[:64]
    if _recent_failures(db, LoginAttempt.email == email, now) >= MAX_FAILURES_PER_EMAIL:
        raise TooManyAttempts
    if _recent_failures(db, LoginAttempt.client == client, now) >= MAX_FAILURES_PER_CLIENT:
        raise TooManyAttempts
    user = user_by_email(db, email)
    if check_password_hash(user.password_hash if user else _DUMMY_HASH, password) and user is not None:
        return user
    db.add(LoginAttempt(email=email, client=client, at=now))
    return None


def _recent_failures(db: DbSession, condition, now: datetime) -> int:
    statement = select(func.count(LoginAttempt.id)).where(condition, LoginAttempt.at > now - FAILURE_WINDOW)
    return db.exec(statement).one()


@click.group("user")
def user_command() -> None:
    """Dashboard accounts for the centre's people."""


@user_command.command("add")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--coordinator-id", type=int, help="For a begeleider: the coordinator whose participants they see.")
@click.option("--referrer-id", type=int, help="For an ambassador: the ambassador whose own figures they see.")
@with_appcontext
def user_add(email: str, name: str, role: str, coordinator_id: int | None, referrer_id: int | None) -> None:
    """Add an account; the password is read from standard input (or asked for)."""
    services = current_app.extensions[EXTENSION]
    password = _read_password()
    with session_scope(services.db) as db:
        try:
            user = add_user(db, NewUser(email, name, role, password, coordinator_id, referrer_id), utcnow())
        except AccountError as error:
            raise click.ClickException(str(error)) from error
        click.echo(services.coordinator_texts.text("nl", "cli.user_added", {"email": user.email, "id": str(user.id)}))


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")
