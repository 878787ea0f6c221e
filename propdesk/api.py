"""The REST API at /api/v1/ (Django Ninja; OpenAPI docs at /api/v1/docs, linked from /api/docs).

Auth: the browser's session, or ``Authorization: Bearer <token>`` for programs
(``propdesk token create --user NAME``). Errors are JSON with a ``detail`` a person can read,
and ``field`` when one field was wrong.
"""

from __future__ import annotations

from datetime import datetime

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from propdesk.core.api_docs import document_error_answers
from propdesk.core.api_input import refuse_unstorable
from propdesk.core.errors import DomainError, PermissionDenied
from propdesk.org.services import user_for_token


class LocalTimeEncoder(NinjaJSONEncoder):
    """Times go out in the company's time zone with their offset (2026-09-09T10:00:00+08:00).

    They are the same instants as UTC, but a person reading the JSON sees the clock time the
    resident and staff saw, and a naive time sent in (read as local time) comes back unchanged.
    """

    def default(self, o):
        if isinstance(o, datetime) and timezone.is_aware(o):
            o = timezone.localtime(o)
        return super().default(o)


class ReadableJSONRenderer(JSONRenderer):
    """UTF-8 JSON with Chinese kept readable instead of \\u escapes."""

    encoder_class = LocalTimeEncoder
    json_dumps_params = {"ensure_ascii": False}


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class SessionWithCsrf(SessionAuth):
    """The browser's login session; a write needs the CSRF token as well.

    Ninja's own ``django_auth`` checks CSRF *before* it knows whether anybody is logged in, so a
    program that sent no credentials or a revoked token got "403 CSRF check Failed" instead of
    "401 log in or send a token". Here the CSRF check applies only to a real session.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if (
            self.csrf
            and not getattr(request, "_ninja_csrf_exempt", False)
            and check_csrf(request) is not None
        ):
            raise CsrfFailed(
                _("CSRF 校验失败:浏览器提交须带 X-CSRFToken 请求头(取自 csrftoken Cookie)")
            )
        return user


class CsrfFailed(PermissionDenied):
    code = "csrf_failed"


class PropDeskAPI(NinjaAPI):
    """Ninja's API whose OpenAPI document lists every operation's error answers too."""

    def get_openapi_schema(self, **kwargs):
        return document_error_answers(super().get_openapi_schema(**kwargs))


api = PropDeskAPI(
    title="PropDesk API",
    version="1",
    description=_("物业客服中心诉求管理系统 API:登记、派单、处理、回访、关闭,以及查询。"),
    auth=[BearerToken(), SessionWithCsrf()],
    docs_url="/docs",
    urls_namespace="api-v1",
    renderer=ReadableJSONRenderer(),
)
# Text and numbers no database column holds (a lone surrogate, NUL, ints past 64 bits) are a
# 422 naming the field, before any view runs (core.api_input).
api.add_decorator(refuse_unstorable, mode="operation")


#: Where ninja says a value came from: the first part of an error's ``loc``, not a field.
_SOURCES = {"body", "query", "path", "form", "file", "header", "cookie"}
#: Names of whole-body parameters of our operations: also not a field the caller sent.
_BODY_PARAMS = {"payload"}


def _field_of(loc: tuple | list) -> str:
    """("body", "payload", "fee_items", 0, "quantity") → "fee_items[0].quantity"."""
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in _BODY_PARAMS:
        parts = parts[1:]
    field = ""
    for part in parts:
        if isinstance(part, int):
            field += f"[{part}]"
        else:
            field += f".{part}" if field else str(part)
    return field


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status_code)


#: pydantic's error types in words a member of staff understands; others keep pydantic's text.
_PYDANTIC_MESSAGES = {
    "missing": gettext_lazy("必须填写"),
    "string_type": gettext_lazy("应为文字"),
    "int_parsing": gettext_lazy("应为整数"),
    "int_type": gettext_lazy("应为整数"),
    "int_from_float": gettext_lazy("应为整数"),
    "float_parsing": gettext_lazy("应为数字"),
    "decimal_parsing": gettext_lazy("应为数字"),
    "decimal_type": gettext_lazy("应为数字"),
    "bool_parsing": gettext_lazy("应为 true 或 false"),
    "bool_type": gettext_lazy("应为 true 或 false"),
    "datetime_parsing": gettext_lazy("应为日期时间,如 2026-09-09T10:00:00+08:00"),
    "datetime_from_date_parsing": gettext_lazy("应为日期时间,如 2026-09-09T10:00:00+08:00"),
    "datetime_type": gettext_lazy("应为日期时间,如 2026-09-09T10:00:00+08:00"),
    "date_parsing": gettext_lazy("应为日期,如 2026-09-09"),
    "date_from_datetime_parsing": gettext_lazy("应为日期,如 2026-09-09"),
    "date_type": gettext_lazy("应为日期,如 2026-09-09"),
    "list_type": gettext_lazy("应为列表"),
    "dict_type": gettext_lazy("应为 JSON 对象"),
    "model_type": gettext_lazy("应为 JSON 对象"),
    "model_attributes_type": gettext_lazy("应为 JSON 对象"),
    # Bounds declared in a schema (Field(ge=…, le=…, max_length=…)); the limit from ``ctx``.
    "greater_than_equal": gettext_lazy("应不小于 %(ge)s"),
    "greater_than": gettext_lazy("应大于 %(gt)s"),
    "less_than_equal": gettext_lazy("应不大于 %(le)s"),
    "less_than": gettext_lazy("应小于 %(lt)s"),
    "string_too_long": gettext_lazy("最多 %(max_length)s 个字"),
    "too_long": gettext_lazy("最多 %(max_length)s 项"),
    "finite_number": gettext_lazy("应为有限的数字"),
}


def _message_of(error: dict) -> str:
    known = _PYDANTIC_MESSAGES.get(error.get("type", ""))
    if known is None:
        return str(error.get("msg", ""))
    try:
        return str(known) % error.get("ctx", {})
    except (KeyError, TypeError, ValueError):
        return str(error.get("msg", ""))


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError):
    errors = [{"field": _field_of(e.get("loc", ())), "message": _message_of(e)} for e in exc.errors]
    first = errors[0] if errors else {"field": "", "message": ""}
    detail = _("字段“%(field)s”有误:%(message)s") % first if first["field"] else first["message"]
    return api.create_response(
        request,
        {"detail": detail, "code": "invalid_input", "field": first["field"], "errors": errors},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(
        request,
        {"detail": _("请先登录,或提供有效的 API 令牌"), "code": "unauthenticated"},
        status=401,
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404):
    return api.create_response(
        request, {"detail": str(exc) or _("未找到"), "code": "not_found"}, status=404
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    detail = str(exc)
    if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
        # Ninja's words for a body that is not JSON (or not the declared form).
        detail = _("请求内容无法解析:请发送 JSON 格式的请求体")
    code = _HTTP_CODES.get(exc.status_code, "error")
    return api.create_response(request, {"detail": detail, "code": code}, status=exc.status_code)


_HTTP_CODES = {
    400: "invalid_input",
    401: "unauthenticated",
    403: "permission_denied",
    404: "not_found",
    409: "conflict",
    429: "throttled",
}


#: Unknown addresses under /api/v1/ answer in JSON too, not with Django's HTML page.
fallback = Router(tags=["other"])


@fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False
)
def unknown_path(request: HttpRequest, rest: str):
    raise Http404(_("没有这个接口:/api/v1/%(path)s") % {"path": rest})


def _mount() -> None:
    from propdesk.callbacks.api import router as callbacks_router
    from propdesk.callbacks.api_visits import router as visits_router
    from propdesk.casework.api import router as casework_router
    from propdesk.casework.claims_api import router as claims_router
    from propdesk.hotissues.api import router as hot_issues_router
    from propdesk.improvement.api import router as actions_router
    from propdesk.knowledge.api import router as knowledge_router
    from propdesk.notify.api import router as notify_router
    from propdesk.org.api import router as org_router
    from propdesk.org.api_tokens import router as tokens_router
    from propdesk.residents.api import router as residents_router
    from propdesk.residents.api_onboarding import router as onboarding_router
    from propdesk.search.api import router as search_router
    from propdesk.sla.api import router as sla_router
    from propdesk.stats.api import router as stats_router
    from propdesk.stats.api_reports import router as reports_router
    from propdesk.suggest.api import router as suggest_router
    from propdesk.surveys.api import router as surveys_router
    from propdesk.taxonomy import router as taxonomy_router
    from propdesk.tickets.api import router as tickets_router
    from propdesk.tickets.api_household import router as household_router

    api.add_router("/", org_router)
    api.add_router("/", taxonomy_router)
    api.add_router("/", tokens_router)
    api.add_router("/", residents_router)
    api.add_router("/", onboarding_router)
    api.add_router("/", household_router)
    api.add_router("/", tickets_router)
    api.add_router("/", sla_router)
    api.add_router("/", notify_router)
    api.add_router("/", hot_issues_router)
    api.add_router("/", callbacks_router)
    api.add_router("/", visits_router)
    api.add_router("/", surveys_router)
    api.add_router("/", knowledge_router)
    api.add_router("/", casework_router)
    api.add_router("/", actions_router)
    api.add_router("/", claims_router)
    api.add_router("/", suggest_router)
    api.add_router("/", search_router)
    api.add_router("/", stats_router)
    api.add_router("/", reports_router)
    api.add_router("/", fallback)  # last: it matches any address the others did not


_mount()
