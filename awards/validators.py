"""Identity numbers: 统一社会信用代码 (GB 32100-2015) and 居民身份证号码 (GB 11643-1999)."""
import datetime as dt

from core.errors import DomainError

CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> str:
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise DomainError(f"统一社会信用代码应为18位，您输入了{len(code)}位。", field="credit_code")
    bad = [c for c in code if c not in CREDIT_CHARSET]
    if bad:
        raise DomainError(f"统一社会信用代码含有不允许的字符“{bad[0]}”（不使用 I、O、Z、S、V）。", field="credit_code")
    if credit_code_check_char(code[:17]) != code[17]:
        raise DomainError("统一社会信用代码校验位不正确，请核对营业执照上的代码。", field="credit_code")
    return code


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def validate_id_number(value: str) -> str:
    number = (value or "").strip().upper()
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise DomainError("居民身份证号码应为18位：前17位为数字，最后一位为数字或 X。", field="id_number")
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise DomainError("居民身份证号码中的出生日期无效。", field="id_number") from None
    if id_check_char(number[:17]) != number[17]:
        raise DomainError("居民身份证号码校验位不正确，请核对。", field="id_number")
    return number


def mask_id_number(value: str) -> str:
    return value[:6] + "*" * 8 + value[-4:] if value and len(value) == 18 else ("*" * len(value or ""))


def mask_phone(value: str) -> str:
    return value[:3] + "****" + value[-4:] if value and len(value) >= 11 else ("*" * len(value or ""))
