"""Where account management meets the security helper's modules (security log, password
policy, ending sessions): one place to call them from, so the account code reads the same
before and after both branches meet."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from recond.errors import InvalidInput

try:  # recond.security_log, recond.passwords and accounts.end_sessions come with i10-security
    from recond import security_log as _security_log
except ImportError:  # pragma: no cover - until the branches are merged
    _security_log = None
try:
    from recond import passwords as _passwords
except ImportError:  # pragma: no cover
    _passwords = None

MIN_LENGTH = 12


def record(kind: str, **fields: Any) -> None:
    if _security_log is not None:
        _security_log.record(kind, **fields)


def check_policy(password: str, *, email: str = "", name: str = "") -> None:
    if _passwords is not None:
        _passwords.check_policy(password, email=email, name=name)
    elif len(password) < MIN_LENGTH:
        raise InvalidInput(_l("A password has at least %(n)s characters.", n=MIN_LENGTH),
                           code="weak_password")


def policy_text():
    if _passwords is not None:
        return _passwords.POLICY_TEXT
    return _l("At least %(n)s characters.", n=MIN_LENGTH)


def end_sessions(user, *, actor=None) -> None:
    from recond import accounts

    ending = getattr(accounts, "end_sessions", None)
    if ending is not None:
        ending(user, actor=actor)
