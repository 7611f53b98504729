"""Password hashing and the random secrets trainers are handed.

Passwords get argon2id, a memory-hard KDF, so a stolen data file is slow to crack.
Tokens, session ids and setup codes are long random values, so a plain SHA-256 of
them is enough: the file keeps only the digest, never the secret itself.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# No 0/O, 1/I/L: a code read off a projector or a phone screen is typed right first time.
SETUP_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SETUP_CODE_LENGTH = 8
TOKEN_BYTES = 32


def default_hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's defaults: RFC 9106's low-memory profile (64 MiB, t=3)."""
    return PasswordHasher()


def hash_password(hasher: PasswordHasher, password: str) -> str:
    return hasher.hash(password)


def verify_password(hasher: PasswordHasher, stored_hash: str, password: str) -> bool:
    """True if `password` matches; a mismatch or an unreadable stored hash is False."""
    try:
        return hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(hasher: PasswordHasher, stored_hash: str) -> bool:
    """True when the stored hash was made with other parameters than `hasher` uses now."""
    try:
        return hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def new_token() -> str:
    """A 32-byte random secret, URL-safe, for API tokens and session ids."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_setup_code() -> str:
    return "".join(secrets.choice(SETUP_CODE_ALPHABET) for _ in range(SETUP_CODE_LENGTH))


def normalize_setup_code(code: str) -> str:
    """Forgive what people do when typing a code: spaces, dashes, lower case."""
    return "".join(code.split()).replace("-", "").upper()


def digest(secret: str) -> str:
    """SHA-256 hex digest: what the database keeps instead of a token or code."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def digests_match(left: str, right: str) -> bool:
    return hmac.compare_digest(left.encode("ascii"), right.encode("ascii"))
