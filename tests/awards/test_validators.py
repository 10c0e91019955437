import pytest
from hypothesis import given, strategies as st

from awards.validators import (CREDIT_CHARSET, credit_code_check_char, id_check_char, mask_id_number, mask_phone,
                               validate_credit_code, validate_id_number)
from core.errors import DomainError


def test_credit_code_with_the_right_check_character_passes():
    assert validate_credit_code("91350100M000100Y43") == "91350100M000100Y43"


def test_wrong_check_character_is_refused_with_a_message_saying_so():
    with pytest.raises(DomainError, match="校验位不正确"):
        validate_credit_code("91350100M000100Y44")
    with pytest.raises(DomainError, match="应为18位"):
        validate_credit_code("9135010")


def test_id_number_check_digit():
    assert validate_id_number("11010519491231002X") == "11010519491231002X"
    with pytest.raises(DomainError, match="校验位不正确"):
        validate_id_number("110105194912310021")
    with pytest.raises(DomainError, match="出生日期无效"):
        validate_id_number("110105194913310021")


def test_masks():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_phone("13812345678") == "138****5678"


@given(st.text(alphabet=CREDIT_CHARSET, min_size=17, max_size=17))
def test_generated_credit_codes_validate_and_any_other_check_char_fails(first17):
    good = first17 + credit_code_check_char(first17)
    assert validate_credit_code(good) == good
    for other in CREDIT_CHARSET[:5]:
        if other != good[-1]:
            with pytest.raises(DomainError):
                validate_credit_code(first17 + other)


@given(st.text(max_size=30))
def test_arbitrary_input_only_ever_raises_domain_errors(text):
    for fn in (validate_credit_code, validate_id_number):
        try:
            fn(text)
        except DomainError:
            pass


@given(st.from_regex(r"[0-9]{17}", fullmatch=True))
def test_id_check_digit_roundtrip(first17):
    number = first17 + id_check_char(first17)
    try:
        validate_id_number(number)
    except DomainError as exc:
        assert "出生日期" in exc.message


@pytest.mark.django_db
def test_id_and_phone_numbers_are_ciphertext_in_the_database_and_unique_by_blind_index():
    from django.db import connection

    from awards import services
    from jurisdictions.models import Jurisdiction
    from tests.awards.factories import staff

    county = Jurisdiction.objects.get(code="152501")
    user = staff("person-1", None, None)
    person = services.applicant_register_individual(user=user, name="王建国", id_number="11010519491231002X", county=county,
                                                    employer="二连浩特市示例公司", quality_work_years=8, phone="13912345678")
    with connection.cursor() as cur:
        cur.execute("SELECT id_number, phone FROM awards_applicant WHERE id = %s", [person.pk])
        raw_id, raw_phone = cur.fetchone()
    assert "11010519491231002X" not in raw_id and "13912345678" not in raw_phone
    person.refresh_from_db()
    assert (person.id_number, person.phone) == ("11010519491231002X", "13912345678")
    with pytest.raises(DomainError, match="已注册"):
        services.applicant_register_individual(user=staff("person-2", None, None), name="王建国", id_number="11010519491231002x",
                                               county=county, employer="x", quality_work_years=8)
