"""The password rule, and setting a password.

The rule is the first example of the CNIL's délibération n° 2022-100 (recommendation on
passwords, about 80 bits of entropy): at least 12 characters mixing upper case, lower case,
digits and special characters. On top of it, a password built on a common one is refused:
the 30,000 most common passwords that the maintained `zxcvbn` package ships (its
`passwords` frequency list), compared without case and without the digits and signs people
add around a common word, and never the user's own e-mail or name.
"""
from __future__ import annotations

import re
from functools import lru_cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import generate_password_hash

from recond.errors import InvalidInput
from recond.models import User

MIN_LENGTH = 12
MAX_LENGTH = 200
POLICY_TEXT = _l("At least 12 characters, with upper-case and lower-case letters, digits and "
                 "special characters (CNIL recommendation); not a common password, nor your "
                 "e-mail or name.")
# A refusal as a password form says it under the field, the rule being printed once above it
# (the refusal's own message repeats the rule, for the API and the command line).
FORM_REASONS = {
    "weak_password": _l("This password does not follow the rule above."),
    "common_password": _l("This password is too common: choose another one."),
    "personal_password": _l("A password may not contain your e-mail or name."),
}


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common(password: str) -> bool:
    lowered = password.lower()
    letters_and_digits = re.sub(r"[^0-9a-z]", "", lowered)
    letters = re.sub(r"[^a-z]", "", lowered)
    candidates = {lowered, letters_and_digits}
    if len(letters) >= 6:  # "Password123!" is "password" dressed up
        candidates.add(letters)
    return any(c in _common() for c in candidates if c)


def check_policy(password: str, *, email: str = "", name: str = "") -> None:
    """Raise InvalidInput, saying the rule, unless the password follows it."""
    if len(password) < MIN_LENGTH or len(password) > MAX_LENGTH or not all((
        re.search(r"[a-z]", password), re.search(r"[A-Z]", password),
        re.search(r"[0-9]", password), re.search(r"[^0-9A-Za-z]", password),
    )):
        raise InvalidInput(POLICY_TEXT, code="weak_password")
    if is_common(password):
        raise InvalidInput(_l("This password is too common: choose another one. %(rule)s",
                              rule=POLICY_TEXT), code="common_password")
    lowered = password.lower()
    personal = [email.split("@")[0].lower()] + [part.lower() for part in re.split(r"\W+", name)]
    if any(len(part) >= 4 and part in lowered for part in personal):
        raise InvalidInput(_l("A password may not contain your e-mail or name. %(rule)s",
                              rule=POLICY_TEXT), code="personal_password")


def set_password(user: User, password: str, *, actor: User | None = None,
                 address: str | None = None) -> None:
    """Check and store a new password; every existing session of the user ends with it."""
    from recond.identity import accounts, security_log

    check_policy(password, email=user.email, name=user.name)
    user.password_hash = generate_password_hash(
        password, method=current_app.config["PASSWORD_HASH_METHOD"])
    accounts.end_sessions(user, actor=actor or user)
    security_log.record("password_changed", actor=actor or user, subject=user, address=address)
