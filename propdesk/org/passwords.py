"""Password rules in the company's language: Django's minimum-length rule says so only in
English (its Chinese catalogue lacks the plural message), so staff setting a password on the
first-login page would read English in a Chinese page."""

from __future__ import annotations

from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


class MinimumLength(MinimumLengthValidator):
    def _message(self) -> str:
        return ngettext(
            "密码太短,至少需要 %(min_length)d 个字符。",
            "密码太短,至少需要 %(min_length)d 个字符。",
            self.min_length,
        ) % {"min_length": self.min_length}

    def validate(self, password, user=None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(self._message(), code="password_too_short")

    def get_help_text(self) -> str:
        return ngettext(
            "密码至少需要 %(min_length)d 个字符。",
            "密码至少需要 %(min_length)d 个字符。",
            self.min_length,
        ) % {"min_length": self.min_length}
