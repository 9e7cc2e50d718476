"""Secrets of the facility: a card's QR payload and a gate device's token.

Both are opaque random strings from ``secrets`` (no personal data, nothing derivable from the card).
A QR payload is 192 bits, stored as is (the reader sends it back verbatim and a lookup must find the
card); a device token is a credential, so only its SHA-256 digest is stored and the clear token is
shown once, as for users' API tokens.
"""

import hashlib
import secrets

QR_PREFIX = "cbq_"
DEVICE_TOKEN_PREFIX = "cbgate_"
# 24 random bytes: 192 bits, above the 128 the QR payload must carry at least.
RANDOM_BYTES = 24


def new_qr_payload() -> str:
    return QR_PREFIX + secrets.token_urlsafe(RANDOM_BYTES)


def new_device_token() -> str:
    return DEVICE_TOKEN_PREFIX + secrets.token_urlsafe(RANDOM_BYTES)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
