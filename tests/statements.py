"""Counting the statements a piece of work sends to the database (tests only)."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from recond.extensions import db


@contextmanager
def counted():
    """Every statement sent while the block runs, and "COMMIT" for each commit, in order."""
    sent: list[str] = []

    def statement(_conn, _cursor, text, *_args):
        sent.append(" ".join(text.split()))

    def commit(_conn):
        sent.append("COMMIT")

    event.listen(db.engine, "before_cursor_execute", statement)
    event.listen(db.engine, "commit", commit)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", statement)
        event.remove(db.engine, "commit", commit)


def shown(sent: list[str]) -> str:
    return "\n".join(f"  {i + 1}. {text[:150]}" for i, text in enumerate(sent))
