import re

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    """At least three of: lower case, upper case, digits, other characters (等保 password policy)."""

    classes = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")

    def validate(self, password, user=None):
        found = sum(1 for pattern in self.classes if re.search(pattern, password or ""))
        if found < 3:
            raise ValidationError("密码须包含大写字母、小写字母、数字、符号中的至少三类。", code="password_classes")
        if user is not None and user.get_username() and user.get_username().lower() in (password or "").lower():
            raise ValidationError("密码不能包含用户名。", code="password_username")

    def get_help_text(self):
        return "密码至少 8 位，包含大写字母、小写字母、数字、符号中的至少三类，且不含用户名。"


class MinimumLengthValidator:
    """At least `min_length` characters, with a Chinese message (Django's zh-hans catalogue lacks one)."""

    def __init__(self, min_length: int = 8):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password or "") < self.min_length:
            raise ValidationError(f"密码太短，至少需要 {self.min_length} 个字符。", code="password_too_short",
                                  params={"min_length": self.min_length})

    def get_help_text(self):
        return f"密码至少 {self.min_length} 个字符。"
