"""Field encryption (item 5): AES-GCM by default, SM4 (gmssl) as option, raw SQL shows only ciphertext,
blind index for exact lookups, file encryption, masking."""
import pytest
from django.db import connection, models
from django.template import Context, Template
from django.test.utils import isolate_apps
from hypothesis import given, settings as hsettings, strategies as st

from core import crypto
from core.crypto import (CryptoError, EncryptedTextField, blind_index, decrypt_bytes, decrypt_str, encrypt_bytes,
                         encrypt_str, mask_id_number, mask_phone)

ID = "110101199003074512"


@pytest.fixture(params=["aes", "sm4"])
def cipher(request, settings):
    settings.FIELD_CIPHER = request.param
    return request.param


def test_round_trip_and_randomised(cipher):
    a, b = encrypt_str(ID), encrypt_str(ID)
    assert a != b and ID not in a
    assert a.startswith("enc1:a:" if cipher == "aes" else "enc1:s:")
    assert decrypt_str(a) == decrypt_str(b) == ID
    assert decrypt_str(encrypt_str("张三 · 联系电话")) == "张三 · 联系电话"
    assert decrypt_str(encrypt_str("")) == ""


def test_values_stay_readable_after_switching_cipher(settings):
    settings.FIELD_CIPHER = "aes"
    old = encrypt_str(ID)
    settings.FIELD_CIPHER = "sm4"
    assert decrypt_str(old) == ID and decrypt_str(encrypt_str(ID)) == ID


def test_tampering_and_wrong_key_are_detected(cipher, settings):
    token = encrypt_str(ID)
    prefix, body = token[:7], token[7:]
    flipped = body[:10] + ("A" if body[10] != "A" else "B") + body[11:]  # mid-string: every bit is data
    with pytest.raises(CryptoError):
        decrypt_str(prefix + flipped)
    settings.FIELD_ENCRYPTION_KEY = "another-key-entirely"
    with pytest.raises(CryptoError):
        decrypt_str(token)
    with pytest.raises(CryptoError):
        decrypt_str("plain text")


def test_unknown_cipher_setting_is_refused(settings):
    settings.FIELD_CIPHER = "des"
    with pytest.raises(CryptoError):
        encrypt_str("x")


def test_bytes_round_trip(cipher):
    data = b"%PDF-1.7 trade secret \x00\xff" * 300
    blob = encrypt_bytes(data)
    assert blob.startswith(b"ZLJENC1") and b"trade secret" not in blob
    assert decrypt_bytes(blob) == data
    with pytest.raises(CryptoError):
        decrypt_bytes(blob[:-1])
    with pytest.raises(CryptoError):
        decrypt_bytes(data)


@hsettings(max_examples=40, deadline=None)
@given(st.binary(max_size=200))
def test_decrypting_arbitrary_bytes_only_raises_crypto_error(blob):
    for candidate in (blob, b"ZLJENC1a" + blob, b"ZLJENC1s" + blob):
        try:
            decrypt_bytes(candidate)
        except CryptoError:
            pass


def test_blind_index_is_stable_keyed_and_normalised(settings):
    assert blind_index(ID) == blind_index(f" {ID} ") == blind_index(ID.lower())
    assert len(blind_index(ID)) == 64 and blind_index(ID) != blind_index("110101199003074513")
    before = blind_index(ID)
    settings.FIELD_CIPHER = "sm4"
    assert blind_index(ID) == before
    settings.FIELD_ENCRYPTION_KEY = "another-key-entirely"
    assert blind_index(ID) != before


@pytest.mark.django_db(transaction=True)
def test_raw_sql_sees_only_ciphertext_and_orm_sees_plaintext(cipher):
    with isolate_apps("core"):
        class Person(models.Model):
            id_number = EncryptedTextField(blank=True)
            id_index = models.CharField(max_length=64, db_index=True, blank=True)
            phone = EncryptedTextField(null=True)

            class Meta:
                app_label = "core"
                db_table = "core_test_encrypted_person"

        with connection.schema_editor() as editor:
            editor.create_model(Person)
        try:
            person = Person.objects.create(id_number=ID, id_index=blind_index(ID), phone="13812345678")
            with connection.cursor() as cur:
                cur.execute("SELECT id_number, phone FROM core_test_encrypted_person WHERE id = %s", [person.pk])
                raw_id, raw_phone = cur.fetchone()
            assert raw_id.startswith("enc1:") and ID not in raw_id
            assert raw_phone.startswith("enc1:") and "13812345678" not in raw_phone
            fetched = Person.objects.get(id_index=blind_index(ID))
            assert (fetched.id_number, fetched.phone) == (ID, "13812345678")
            fetched.save()  # saving again re-encrypts the plaintext, never double-encrypts
            assert Person.objects.get(pk=person.pk).id_number == ID
            assert Person.objects.filter(phone__isnull=False).count() == 1
            with pytest.raises(Exception, match="Unsupported lookup"):
                Person.objects.filter(id_number=ID).count()
            Person.objects.create(id_number="", phone=None)
            with connection.cursor() as cur:
                cur.execute("SELECT id_number, phone FROM core_test_encrypted_person ORDER BY id DESC LIMIT 1")
                assert cur.fetchone() == ("", None)
        finally:
            with connection.schema_editor() as editor:
                editor.delete_model(Person)


def test_masking():
    assert mask_id_number("110101199003074512") == "110101********4512"
    assert mask_id_number("11010119900307X") == "110101*****307X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == mask_id_number(None) == ""
    rendered = Template("{% load masking %}{{ i|mask_id }} {{ p|mask_phone }}").render(
        Context({"i": ID, "p": "13812345678"}))
    assert rendered == "110101********4512 138****5678"
