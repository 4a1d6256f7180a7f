"""Account rules: authentication, passwords, account creation and resets."""

from __future__ import annotations

import secrets

from flask import current_app
from sqlalchemy import select

from lms import audit
from lms.auth import passwords
from lms.auth.models import ACCOUNT_ROLES, User
from lms.extensions import db
from lms.models_base import utcnow
from lms.normalize import InvalidValue, clean_name, fold, normalize_phone

# No look-alike characters (0/O, 1/l/I): temporary passwords are read off paper slips.
TEMP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
MIN_PASSWORD_LENGTH = 8

# A hash to compare against when the phone is unknown, so both paths cost the same time.
_DUMMY_HASH: dict[str, str] = {}


class AuthError(Exception):
    """A domain error with a message key the views translate."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def hash_password(password: str) -> str:
    """Hash with the configured KDF (Argon2id at OWASP cost by default)."""
    return passwords.make_hash(password, current_app.config["PASSWORD_HASH_METHOD"])


def find_by_phone(phone: str) -> User | None:
    """The user with this phone in any accepted spelling, or ``None``."""
    try:
        normalised = normalize_phone(phone)
    except InvalidValue:
        return None
    return db.session.scalar(select(User).where(User.phone == normalised))


def authenticate(phone: str, password: str) -> User | None:
    """Return the user when phone and password match an active account; else ``None``.

    The same answer (``None``) for an unknown phone, a wrong password or a disabled account.
    """
    user = find_by_phone(phone)
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if user is None or not user.password_hash:
        if method not in _DUMMY_HASH:
            _DUMMY_HASH[method] = passwords.make_hash(secrets.token_hex(8), method)
        passwords.verify(_DUMMY_HASH[method], password)
        return None
    if not passwords.verify(user.password_hash, password):
        return None
    if not user.active:
        return None
    if passwords.needs_rehash(user.password_hash, method):
        # Made with an older method or cost: the password is at hand, so store a current hash.
        user.password_hash = passwords.make_hash(password, method)
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def validate_new_password(password: str, user: User | None = None) -> None:
    """Raise :class:`AuthError` when a chosen password is too weak."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AuthError("too_short")
    if user is not None:
        digits = user.phone.replace("+84", "0")
        if password in (digits, user.phone, digits[1:]):
            raise AuthError("is_phone")
    if password.lower() in {"12345678", "123456789", "password", "matkhau123", "11111111"}:
        raise AuthError("too_common")


def check_password(user: User, password: str | None) -> bool:
    """Whether ``password`` is the user's current password."""
    return passwords.verify(user.password_hash, password)


def change_password(user: User, current: str | None, new: str, keep_session: str | None = None,
                    *, proven: bool = False) -> None:
    """Change a password after checking the current one; every session of the account except
    ``keep_session`` (the one making the change) ends.

    ``proven``: the current (temporary) password was typed moments ago at log-in, so it is not
    asked again; it still may not be reused."""
    if not proven and not check_password(user, current):
        raise AuthError("wrong_current")
    if check_password(user, new):
        raise AuthError("same_as_old")
    validate_new_password(new, user)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.password_changed_at = utcnow()
    from lms.auth.sessions import end_sessions

    end_sessions(user.id, except_token=keep_session)
    audit.record("user.password_change", "user", user.id, actor_id=user.id)
    db.session.commit()


def temporary_password() -> str:
    """A random 10-character temporary password without look-alike characters."""
    return "".join(secrets.choice(TEMP_ALPHABET) for _ in range(10))


def set_temporary_password(user: User, *, actor_id: int | None = None,
                           commune_id: int | None = None, action: str = "user.password_reset",
                           ) -> str:
    """Give ``user`` a new temporary password they must change at first login; return it.

    Every other session of the account ends. Audited as ``action`` (``user.password_reset``,
    or ``user.slip`` for a printed log-in slip); the caller commits.
    """
    from lms.auth.sessions import end_sessions

    password = temporary_password()
    had_password = bool(user.password_hash)
    user.password_hash = hash_password(password)
    user.must_change_password = True
    if user.id is not None:
        end_sessions(user.id)
        audit.record(action, "user", user.id, actor_id=actor_id, commune_id=commune_id,
                     before={"had_password": had_password}, after={"temporary": True})
    return password


def create_account(
    *,
    full_name: str,
    phone: str,
    account_role: str = "member",
    commune_id: int | None = None,
    birth_year: int | None = None,
    gender: str | None = None,
    occupation: str | None = None,
    locale: str = "vi",
    actor_id: int | None = None,
) -> tuple[User, str]:
    """Create an account with a temporary password. Returns ``(user, temporary_password)``.

    ``commune_id`` is the commune the account is created for (an officer's workplace, or the
    commune whose team a new member joins). Audited as ``user.create``; the caller commits.
    Raises :class:`AuthError` for a bad or already used phone.
    """
    try:
        normalised = normalize_phone(phone)
    except InvalidValue as exc:
        raise AuthError("bad_phone") from exc
    if db.session.scalar(select(User.id).where(User.phone == normalised)):
        raise AuthError("phone_taken")
    if account_role not in ACCOUNT_ROLES:
        raise AuthError("bad_role")
    name = clean_name(full_name)
    if not name:
        raise AuthError("name_required")
    user = User(
        full_name=name,
        name_folded=fold(name),
        phone=normalised,
        account_role=account_role,
        commune_id=commune_id,
        birth_year=birth_year,
        gender=gender,
        occupation=clean_name(occupation) or None,
        locale=locale,
    )
    password = set_temporary_password(user)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", "user", user.id, actor_id=actor_id, commune_id=commune_id,
                 after={"full_name": user.full_name, "account_role": account_role})
    return user, password


def set_locale(user: User | None, locale: str) -> None:
    """Keep the chosen interface language on the account."""
    if user is not None and locale in current_app.config["LANGUAGES"]:
        user.locale = locale
        db.session.commit()
