"""People who log in, their role, the API tokens they hold and their two-factor recovery codes."""
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recond.clock import utcnow
from recond.extensions import db
from recond.models.organisation import Organisation


# The password hash of an invited user who has not chosen a password: matches no password.
NO_PASSWORD = "!"


class Role(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    COLLECTOR = "collector"
    TECHNICIAN = "technician"
    STRUCTURE = "structure"
    DONOR = "donor"


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A structure's or workshop's manager invites and manages the staff of their organisation.
    manager: Mapped[bool] = mapped_column(default=False, server_default=false())
    last_login_at: Mapped[datetime | None]
    # Bumped to end every session of this user: a session cookie carries the epoch it was
    # signed in under, and a cookie from an older epoch is refused (logout, password change,
    # deactivation, an admin's "sign out everywhere").
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    # Two-factor (TOTP): the base32 secret once enrolment is confirmed, and the last time step
    # accepted, so that one code opens one session only.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:
        # Flask-Login refuses sessions of deactivated accounts, and of deactivated organisations.
        return self.active and self.organisation.active

    @property
    def invited(self) -> bool:
        """Invited and not yet arrived: no password chosen yet."""
        return self.password_hash == NO_PASSWORD

    @property
    def sees_everything(self) -> bool:
        """The scope shortcut: the coordination sees every organisation's objects."""
        from recond.capabilities import can  # the table imports this module
        return can(self, "scopes.everything")

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class ApiToken(db.Model):
    """Only the SHA-256 of a token is stored; the token itself is shown once, at creation."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")


class AccountLink(db.Model):
    """A single-use link sent by e-mail (an invitation, a password reset). Only the SHA-256 of
    its token is stored; it expires, and using it once spends it."""

    __tablename__ = "account_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")


class RecoveryCode(db.Model):
    """A two-factor recovery code, stored hashed; each one opens one session, once."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]
