"""The admin's side of login throttling: its own login goes through org.logins.sign_in like the
console's (the same counters and locks), and administrators lift locks on accounts and
addresses."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from propdesk.core.errors import NotAuthenticated
from propdesk.core.requests import client_ip

from .logins import sign_in, unlock_address, unlock_user
from .models import LoginAddress, User


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    """Django's admin login form, checked by sign_in: failures count, locks hold."""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = sign_in(username, password, ip=client_ip(self.request))
            except NotAuthenticated as refused:
                raise ValidationError(refused.message, code="invalid_login") from None
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


admin.site.login_form = ThrottledAdminLoginForm


@admin.action(description=_("解除登录锁定"), permissions=["change"])
def unlock_logins(modeladmin, request: HttpRequest, queryset: QuerySet[User]) -> None:
    count = sum(unlock_user(request.user, user) for user in queryset)
    modeladmin.message_user(
        request,
        ngettext("已解除 %(n)d 个账号的登录锁定", "已解除 %(n)d 个账号的登录锁定", count)
        % {"n": count},
        messages.SUCCESS,
    )


@admin.register(LoginAddress)
class LoginAddressAdmin(admin.ModelAdmin):
    list_display = ["ip", "failures", "counting_since", "locked_until"]
    search_fields = ["ip"]
    readonly_fields = ["ip", "failures", "counting_since", "locked_until"]
    actions = ["unlock"]

    def has_add_permission(self, request: HttpRequest) -> bool:  # rows come from failed logins
        return False

    @admin.action(description=_("解除登录锁定"), permissions=["change"])
    def unlock(self, request: HttpRequest, queryset: QuerySet[LoginAddress]) -> None:
        for address in queryset:
            unlock_address(request.user, address)
        self.message_user(
            request,
            ngettext(
                "已解除 %(n)d 个地址的登录锁定", "已解除 %(n)d 个地址的登录锁定", len(queryset)
            )
            % {"n": len(queryset)},
            messages.SUCCESS,
        )
