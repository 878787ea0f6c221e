"""The REST API at /api/v1/ (Django Ninja; OpenAPI docs at /api/v1/docs, linked from /api/docs).

Auth: the browser's session, or ``Authorization: Bearer <token>`` for programs
(``propdesk token create --user NAME``). Errors are JSON with a ``detail`` a person can read,
and ``field`` when one field was wrong.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer, django_auth

from propdesk.core.errors import DomainError
from propdesk.org.services import user_for_token


class ReadableJSONRenderer(JSONRenderer):
    """UTF-8 JSON with Chinese kept readable instead of \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="PropDesk API",
    version="1",
    description=_("物业客服中心诉求管理系统 API:登记、派单、处理、回访、关闭,以及查询。"),
    auth=[BearerToken(), django_auth],
    docs_url="/docs",
    urls_namespace="api-v1",
    renderer=ReadableJSONRenderer(),
)


def _field_of(loc: tuple | list) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path", "form", "data")]
    return ".".join(parts)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status_code)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError):
    errors = [
        {"field": _field_of(e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors
    ]
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
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


def _mount() -> None:
    from propdesk.org.api import router as org_router
    from propdesk.residents.api import router as residents_router
    from propdesk.tickets.api import router as tickets_router

    api.add_router("/", org_router)
    api.add_router("/", residents_router)
    api.add_router("/", tickets_router)


_mount()
