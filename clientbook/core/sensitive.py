"""Sensitive values (identity numbers): encrypted at rest, found by a keyed hash, shown masked.

A model declares a sensitive field as ``EncryptedField(kind="…")`` with two companion columns
declared *before* it, ``<name>_digest`` and ``<name>_last4`` (see ``companion_fields``). The
column holds ``v1.<base64 of nonce + AES-GCM ciphertext>``; the digest is an HMAC-SHA256 of the
normalised value, so an exact value can be looked up (``digest_of``) without decrypting anything;
the last four characters are kept for display.

On the instance the field's value is a ``SensitiveValue`` (or ``""`` when empty). Its ``str`` is
the kind's mask, so every channel that formats a value — templates, exports, error messages, the
audit trail — shows the mask unless the code asks for ``reveal()``, which only the reveal paths do.

Both keys are derived (HKDF-SHA256) from ``settings.CLIENTBOOK_FIELD_KEY``. Rotation limits: the
ciphertexts and digests depend on that one key, so a new key makes every stored value unreadable
and every digest stale; there is no second key to fall back on. Changing the key means decrypting
every value with the old key and writing it again with the new one while both are known.
"""

import base64
import hashlib
import hmac
import os
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.db.models.query_utils import DeferredAttribute

TOKEN_PREFIX = "v1."
NONCE_BYTES = 12
MINIMUM_KEY_LENGTH = 32


@dataclass(frozen=True)
class SensitiveKind:
    """One kind of sensitive value: how it is normalised, validated and masked.

    ``compact(text)``: the stored form (upper case, no spaces); ``validate(compact)`` raises
    ``ValidationError`` with a message that never repeats the value; ``mask(compact)``: what is shown.
    """

    key: str
    label: str
    compact: Callable[[str], str]
    validate: Callable[[str], None]
    mask: Callable[[str], str]


_KINDS: dict[str, SensitiveKind] = {}


def register_kind(kind: SensitiveKind) -> SensitiveKind:
    _KINDS[kind.key] = kind
    return kind


def kind_for(key: str) -> SensitiveKind:
    try:
        return _KINDS[key]
    except KeyError:
        raise LookupError(f"No sensitive kind {key!r} is registered.") from None


# --- Keys ----------------------------------------------------------------------------------------------


@cache
def _keys(secret: str) -> tuple[bytes, bytes]:
    if len(secret) < MINIMUM_KEY_LENGTH:
        raise ImproperlyConfigured(f"CLIENTBOOK_FIELD_KEY must be at least {MINIMUM_KEY_LENGTH} characters long.")
    material = HKDF(algorithm=hashes.SHA256(), length=64, salt=None, info=b"clientbook sensitive fields v1").derive(
        secret.encode()
    )
    return material[:32], material[32:]


def _encryption_key() -> bytes:
    return _keys(settings.CLIENTBOOK_FIELD_KEY)[0]


def _digest_key() -> bytes:
    return _keys(settings.CLIENTBOOK_FIELD_KEY)[1]


def encrypt(plain: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_encryption_key()).encrypt(nonce, plain.encode(), None)
    return TOKEN_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(token: str) -> str:
    if not token.startswith(TOKEN_PREFIX):
        raise ValueError("Not an encrypted value.")
    raw = base64.urlsafe_b64decode(token[len(TOKEN_PREFIX) :])
    try:
        return AESGCM(_encryption_key()).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None).decode()
    except InvalidTag:
        raise ValueError("An encrypted value does not open with CLIENTBOOK_FIELD_KEY (was the key changed?).") from None


def digest_of(kind: str, text: str) -> str:
    """The keyed hash of a value as typed (normalised first): what an exact look-up compares."""
    compact = kind_for(kind).compact(text)
    return hmac.new(_digest_key(), f"{kind}:{compact}".encode(), hashlib.sha256).hexdigest()


# --- The value ---------------------------------------------------------------------------------------


class SensitiveValue:
    """A sensitive value in memory: formats as its mask, opens only through ``reveal()``.

    From the database it holds the ciphertext alone and decrypts on first use.
    """

    __slots__ = ("_kind", "_owner", "_plain", "_token")

    def __init__(self, kind: str, *, plain: str | None = None, token: str | None = None) -> None:
        self._kind = kind
        self._plain = plain
        self._token = token
        # The instance a value read from the database was loaded into (its first assignment).
        self._owner: weakref.ref[Any] | None = None

    @property
    def kind(self) -> SensitiveKind:
        return kind_for(self._kind)

    def stored_in(self, instance: Any) -> bool:
        """Whether this value was read from the database into ``instance``, whose companions then hold
        its digest already; the first assignment of a value just read claims it."""
        if self._token is None or (self._plain is not None and self._owner is None):
            return False
        if self._owner is None:
            self._owner = weakref.ref(instance)
            return True
        return self._owner() is instance

    def reveal(self) -> str:
        if self._plain is None:
            assert self._token is not None
            self._plain = decrypt(self._token)
        return self._plain

    def token(self) -> str:
        if self._token is None:
            self._token = encrypt(self.reveal())
        return self._token

    @property
    def masked(self) -> str:
        try:
            return self.kind.mask(self.reveal())
        except Exception:
            # A value the kind cannot mask (an invalid one typed into a form) shows as a plain mask.
            return "•" * 6

    @property
    def digest(self) -> str:
        return digest_of(self._kind, self.reveal())

    @property
    def last4(self) -> str:
        return self.reveal()[-4:]

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"<SensitiveValue {self._kind} {self.masked}>"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SensitiveValue):
            return self._kind == other._kind and self.reveal() == other.reveal()
        return False

    def __hash__(self) -> int:
        return hash((self._kind, self.reveal()))

    def __len__(self) -> int:
        return len(self.reveal())


def reveal(value: Any) -> str:
    """The plain text of a field's value ("" when empty)."""
    if isinstance(value, SensitiveValue):
        return value.reveal()
    return str(value or "")


def masked(value: Any) -> str:
    """A field's value as everyone sees it: the mask, or "" when empty."""
    return value.masked if isinstance(value, SensitiveValue) else ""


REVEALED = "_revealed_values"


def attach_revealed(obj: models.Model, values: dict[str, str]) -> None:
    """Mark values of ``obj`` as revealed for this one answer (the API's ``?reveal=``, already audited)."""
    setattr(obj, REVEALED, {**getattr(obj, REVEALED, {}), **values})


def shown(obj: models.Model, name: str) -> str:
    """What an answer shows of field ``name``: the value when revealed for it, else the mask ("" when empty)."""
    revealed = getattr(obj, REVEALED, {})
    if name in revealed:
        return str(revealed[name])
    return masked(getattr(obj, name))


# --- The model field ---------------------------------------------------------------------------------


def companion_fields(name: str) -> tuple[str, str]:
    """The columns kept with sensitive field ``name``: its digest and its last four characters."""
    return f"{name}_digest", f"{name}_last4"


class SensitiveAttribute(DeferredAttribute):
    """Wraps what is assigned in a ``SensitiveValue`` and keeps the companion columns in step.

    A value read from the database into this instance (stored with its companions) leaves them as they
    are; one typed, or taken from another record, sets them.
    """

    field: "EncryptedField"

    def __set__(self, instance: models.Model, value: Any) -> None:
        wrapped = self.field.wrap(value)
        instance.__dict__[self.field.attname] = wrapped
        if isinstance(wrapped, SensitiveValue) and wrapped.stored_in(instance):
            return
        digest_name, last_name = companion_fields(self.field.attname)
        if not isinstance(wrapped, SensitiveValue):
            instance.__dict__[digest_name] = ""
            instance.__dict__[last_name] = ""
        else:
            instance.__dict__[digest_name] = wrapped.digest
            instance.__dict__[last_name] = wrapped.last4


class EncryptedField(models.TextField):
    """A text column holding an AES-GCM ciphertext of a ``SensitiveKind``'s value.

    Declare ``<name>_digest`` and ``<name>_last4`` (``digest_column()``, ``last4_column()``) before
    it: Django sets fields in declaration order, so the value assigned last sets them.
    """

    descriptor_class = SensitiveAttribute

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        self.kind_key = kind
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind_key
        return name, path, args, kwargs

    def wrap(self, value: Any) -> "SensitiveValue | str":
        if isinstance(value, SensitiveValue) or value is None:
            return value if value is not None else ""
        text = str(value).strip()
        if not text:
            return ""
        return SensitiveValue(self.kind_key, plain=kind_for(self.kind_key).compact(text))

    def to_python(self, value: Any) -> Any:
        return self.wrap(value)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if not value:
            return ""
        return SensitiveValue(self.kind_key, token=value)

    def get_prep_value(self, value: Any) -> Any:
        wrapped = self.wrap(value)
        return wrapped.token() if isinstance(wrapped, SensitiveValue) else ""

    def run_validators(self, value: Any) -> None:
        if isinstance(value, SensitiveValue):
            kind_for(self.kind_key).validate(value.reveal())
        super().run_validators(value.reveal() if isinstance(value, SensitiveValue) else value)

    def value_to_string(self, obj: models.Model) -> str:
        return masked(self.value_from_object(obj))


def exact_condition(field: EncryptedField, text: str) -> models.Q | None:
    """ "``field`` holds ``text``" by its digest, or None when ``text`` is not a valid value of its kind."""
    kind = kind_for(field.kind_key)
    compact = kind.compact(text.strip())
    try:
        kind.validate(compact)
    except ValidationError:
        return None
    return models.Q(**{companion_fields(field.attname)[0]: digest_of(field.kind_key, compact)})


def digest_column() -> models.CharField:
    """The keyed hash's column; give it a partial index on the non-empty values (``digest_index``)."""
    return models.CharField(max_length=64, blank=True, default="", editable=False)


def digest_index(model_name: str, field_name: str) -> models.Index:
    """The index of exact look-ups by ``<field_name>_digest`` (rows with a value only)."""
    digest_name = companion_fields(field_name)[0]
    return models.Index(
        fields=[digest_name], name=f"{model_name}_{digest_name}", condition=~models.Q(**{digest_name: ""})
    )


def last4_column() -> models.CharField:
    return models.CharField(max_length=4, blank=True, default="", editable=False)


def encrypted_fields(model: type[models.Model]) -> list[EncryptedField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, EncryptedField)]
