"""Password hashing: Argon2id by default, werkzeug's scrypt and PBKDF2 hashes still verify.

``PASSWORD_HASH_METHOD`` names the method for new hashes:

- ``argon2id:MEMORY_KIB:TIME:PARALLELISM`` (default ``argon2id:19456:2:1``, OWASP's first
  recommendation: 19 MiB, 2 passes, 1 lane);
- any werkzeug method, e.g. ``scrypt:65536:8:2`` or ``pbkdf2:sha256:600000``.

A hash made with another method or other parameters still verifies; :func:`needs_rehash`
tells the log-in to store a new one, so a changed setting reaches every account that logs in.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash, generate_password_hash

ARGON2_PREFIX = "$argon2"
# Verification reads the parameters from the hash itself, so any hasher verifies any hash.
_VERIFIER = PasswordHasher()


class HashMethodError(ValueError):
    """``PASSWORD_HASH_METHOD`` cannot be understood."""


@cache
def _argon2(method: str) -> PasswordHasher:
    try:
        name, memory, time_cost, lanes = method.split(":")
        if name != "argon2id":
            raise ValueError(name)
        return PasswordHasher(memory_cost=int(memory), time_cost=int(time_cost),
                              parallelism=int(lanes), type=Type.ID)
    except ValueError as exc:
        raise HashMethodError(
            f"PASSWORD_HASH_METHOD={method!r}: expected argon2id:MEMORY_KIB:TIME:PARALLELISM"
        ) from exc


def check_method(method: str) -> None:
    """Raise :class:`HashMethodError` when ``method`` cannot make hashes."""
    if method.startswith("argon2"):
        _argon2(method)
    elif not method.startswith(("scrypt", "pbkdf2")):
        raise HashMethodError(f"PASSWORD_HASH_METHOD={method!r}: use argon2id, scrypt or pbkdf2")


def make_hash(password: str, method: str) -> str:
    """A new hash of ``password`` with ``method``."""
    if method.startswith("argon2"):
        return _argon2(method).hash(password)
    return generate_password_hash(password, method=method)


def verify(stored: str | None, password: str | None) -> bool:
    """Whether ``password`` matches the stored hash (of any supported method)."""
    if not stored:
        return False
    if stored.startswith(ARGON2_PREFIX):
        try:
            return _VERIFIER.verify(stored, password or "")
        except (VerificationError, InvalidHashError):
            return False
    try:
        return check_password_hash(stored, password or "")
    except ValueError:
        # A damaged or unknown hash is a failed log-in, not a 500.
        return False


def needs_rehash(stored: str, method: str) -> bool:
    """Whether a hash that just verified should be replaced by one made with ``method``."""
    if method.startswith("argon2"):
        if not stored.startswith(ARGON2_PREFIX):
            return True
        try:
            return _argon2(method).check_needs_rehash(stored)
        except (InvalidHashError, ValueError):
            return True
    # werkzeug hashes begin with their method: "scrypt:32768:8:1$salt$hash".
    return stored.split("$", 1)[0] != method
