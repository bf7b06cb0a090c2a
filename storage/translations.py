"""The translation cache. Each helper takes the session, so callers own the transaction."""

import hashlib
from datetime import datetime

from sqlmodel import Session, select

from storage.models import CachedTranslation
from storage.queries import _insert_ignoring_conflict


def translation_key(provider: str, source: str, target: str, text: str) -> str:
    """sha256 hex of provider|source|target|text.

    The text goes last: the other parts never hold '|', so no two inputs share a key.
    Only the hash is stored as the key, never the newcomer's words themselves.
    """
    return hashlib.sha256(f"{provider}|{source}|{target}|{text}".encode()).hexdigest()


def cached_translation(session: Session, key: str) -> CachedTranslation | None:
    return session.exec(select(CachedTranslation).where(CachedTranslation.key == key)).first()


def store_translation(session: Session, key: str, provider: str, translated_text: str, now: datetime) -> bool:
    """Cache a translation; returns False when the key was already there.

    Two workers may translate the same answer at once; the second insert is
    dropped by the database instead of failing on the unique key.
    """
    values = {"key": key, "provider": provider, "translated_text": translated_text, "created_at": now}
    return _insert_ignoring_conflict(session, CachedTranslation, values, "key")
