"""Field and file encryption, blind indexes for exact lookups, and display masking.

Keys: everything is derived from settings.FIELD_ENCRYPTION_KEY (kept outside the database) with a
separate sub-key per purpose. Cipher: settings.FIELD_CIPHER selects what new values are written with:

- "aes" (default): AES-256-GCM (`cryptography`), 96-bit random nonce, authenticated.
- "sm4": SM4-CBC (`gmssl`) with a random IV, then HMAC-SM3 over header, IV and ciphertext
  (encrypt-then-MAC), for deployments that must use the Chinese commercial algorithms (商用密码).

Every ciphertext names its algorithm, so values written under one setting stay readable after switching.
Text values look like ``enc1:a:<base64url>`` / ``enc1:s:<base64url>``; byte blobs start with
``ZLJENC1`` and one algorithm letter.

`blind_index(value)` is an HMAC-SHA256 of the normalised value (trimmed, upper-cased) under its own
sub-key: store it next to an EncryptedTextField and filter on it for exact matches. It does not depend on
FIELD_CIPHER, so switching ciphers never invalidates stored indexes.
"""
import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

TEXT_PREFIX = "enc1:"
BYTES_MAGIC = b"ZLJENC1"
_AAD = b"zlj-cycles/field/v1"
_ALG_LETTERS = {"aes": "a", "sm4": "s"}


class CryptoError(ValueError):
    """Ciphertext was tampered with, truncated, or made under another key."""


# ---- keys -------------------------------------------------------------------------------------------

def _master() -> bytes:
    key = settings.FIELD_ENCRYPTION_KEY
    if not key:
        raise CryptoError("FIELD_ENCRYPTION_KEY is not set")
    return key.encode("utf-8")


@lru_cache(maxsize=16)
def _hkdf(master: bytes, label: str, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=b"zlj-cycles", info=label.encode()).derive(master)


def _hmac_sm3(key: bytes, message: bytes) -> bytes:
    """HMAC (RFC 2104) over SM3, block size 64 bytes."""
    from gmssl import func, sm3

    def h(data: bytes) -> bytes:
        return bytes.fromhex(sm3.sm3_hash(func.bytes_to_list(data)))

    if len(key) > 64:
        key = h(key)
    key = key.ljust(64, b"\0")
    inner = h(bytes(b ^ 0x36 for b in key) + message)
    return h(bytes(b ^ 0x5C for b in key) + inner)


@lru_cache(maxsize=16)
def _sm4_keys(master: bytes) -> tuple[bytes, bytes]:
    """SM4 encryption key (16 bytes) and HMAC-SM3 key, derived with HMAC-SM3 (all-SM path)."""
    return _hmac_sm3(master, b"zlj-cycles/sm4/enc")[:16], _hmac_sm3(master, b"zlj-cycles/sm4/mac")


def _cipher_name() -> str:
    name = (getattr(settings, "FIELD_CIPHER", "aes") or "aes").lower()
    if name not in _ALG_LETTERS:
        raise CryptoError(f"FIELD_CIPHER must be 'aes' or 'sm4', not {name!r}")
    return name


# ---- raw algorithms ---------------------------------------------------------------------------------

def _aes_encrypt(plain: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(_hkdf(_master(), "aes-gcm")).encrypt(nonce, plain, _AAD)


def _aes_decrypt(blob: bytes) -> bytes:
    if len(blob) < 12 + 16:
        raise CryptoError("ciphertext too short")
    try:
        return AESGCM(_hkdf(_master(), "aes-gcm")).decrypt(blob[:12], blob[12:], _AAD)
    except InvalidTag as exc:
        raise CryptoError("ciphertext failed authentication") from exc


def _sm4_encrypt(plain: bytes) -> bytes:
    from gmssl.sm4 import SM4_ENCRYPT, CryptSM4

    enc_key, mac_key = _sm4_keys(_master())
    iv = os.urandom(16)
    sm4 = CryptSM4()
    sm4.set_key(enc_key, SM4_ENCRYPT)
    body = iv + sm4.crypt_cbc(iv, plain)
    return body + _hmac_sm3(mac_key, _AAD + body)


def _sm4_decrypt(blob: bytes) -> bytes:
    from gmssl.sm4 import SM4_DECRYPT, CryptSM4

    enc_key, mac_key = _sm4_keys(_master())
    if len(blob) < 16 + 16 + 32 or (len(blob) - 32) % 16:
        raise CryptoError("ciphertext too short")
    body, tag = blob[:-32], blob[-32:]
    if not hmac.compare_digest(tag, _hmac_sm3(mac_key, _AAD + body)):
        raise CryptoError("ciphertext failed authentication")
    sm4 = CryptSM4()
    sm4.set_key(enc_key, SM4_DECRYPT)
    return sm4.crypt_cbc(body[:16], body[16:])


_ENCRYPT = {"a": _aes_encrypt, "s": _sm4_encrypt}
_DECRYPT = {"a": _aes_decrypt, "s": _sm4_decrypt}


# ---- public API -------------------------------------------------------------------------------------

def is_ciphertext(value) -> bool:
    return isinstance(value, str) and value.startswith(TEXT_PREFIX)


def encrypt_str(value: str) -> str:
    letter = _ALG_LETTERS[_cipher_name()]
    blob = _ENCRYPT[letter](value.encode("utf-8"))
    return f"{TEXT_PREFIX}{letter}:{base64.urlsafe_b64encode(blob).decode('ascii')}"


def decrypt_str(token: str) -> str:
    if not is_ciphertext(token) or token[len(TEXT_PREFIX) + 1:len(TEXT_PREFIX) + 2] != ":":
        raise CryptoError("not a field ciphertext")
    letter = token[len(TEXT_PREFIX)]
    if letter not in _DECRYPT:
        raise CryptoError(f"unknown cipher {letter!r}")
    try:
        blob = base64.urlsafe_b64decode(token[len(TEXT_PREFIX) + 2:].encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise CryptoError("ciphertext is not base64") from exc
    try:
        return _DECRYPT[letter](blob).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CryptoError("plaintext is not UTF-8") from exc


def encrypt_bytes(data: bytes) -> bytes:
    """For trade-secret files: the whole file, authenticated (files are at most UPLOAD_MAX_FILE_BYTES)."""
    letter = _ALG_LETTERS[_cipher_name()]
    return BYTES_MAGIC + letter.encode("ascii") + _ENCRYPT[letter](bytes(data))


def decrypt_bytes(blob: bytes) -> bytes:
    blob = bytes(blob)
    if not blob.startswith(BYTES_MAGIC) or len(blob) <= len(BYTES_MAGIC):
        raise CryptoError("not an encrypted file")
    letter = chr(blob[len(BYTES_MAGIC)])
    if letter not in _DECRYPT:
        raise CryptoError(f"unknown cipher {letter!r}")
    return _DECRYPT[letter](blob[len(BYTES_MAGIC) + 1:])


def is_encrypted_bytes(blob: bytes) -> bool:
    return bytes(blob[:len(BYTES_MAGIC)]) == BYTES_MAGIC


def normalise_for_index(value: str) -> str:
    return "".join(str(value).split()).upper()


def blind_index(value: str) -> str:
    """64 hex characters; equal for values equal after trimming whitespace and upper-casing."""
    key = _hkdf(_master(), "blind-index")
    return hmac.new(key, normalise_for_index(value).encode("utf-8"), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Stores ciphertext, gives plaintext in Python. Only `isnull` lookups work (the ciphertext is
    randomised); pair it with a `blind_index` column for exact matches. Empty strings stay empty."""

    description = "加密文本"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        if not is_ciphertext(value):
            return value  # rows written before the column was encrypted
        return decrypt_str(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_str(str(value))

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


# ---- masking for display ----------------------------------------------------------------------------

def mask_id_number(value: str | None) -> str:
    """110101199003074512 -> 110101********4512 (first six, last four shown)."""
    value = (value or "").strip()
    if len(value) > 10:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    if len(value) > 4:
        return value[:2] + "*" * (len(value) - 4) + value[-2:]
    return "*" * len(value)


def mask_phone(value: str | None) -> str:
    """13812345678 -> 138****5678 (first three, last four shown)."""
    value = (value or "").strip()
    if len(value) >= 8:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    if len(value) > 2:
        return "*" * (len(value) - 2) + value[-2:]
    return "*" * len(value)
