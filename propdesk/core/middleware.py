"""The API answers every refusal in JSON, the wrong HTTP method included."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


class ApiMethodNotAllowed:
    """Django Ninja answers a method a path does not take with a plain-text 405; a program
    reading ``detail`` and ``code`` like every other API error gets them here too, with the
    ``Allow`` header kept."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code != 405
            or not request.path.startswith(API_PREFIX)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        allowed = response.get("Allow", "")
        answer = JsonResponse(
            {
                "detail": _("该接口不支持 %(method)s 请求;可用:%(allowed)s")
                % {"method": request.method, "allowed": allowed or "—"},
                "code": "method_not_allowed",
            },
            status=405,
            json_dumps_params={"ensure_ascii": False},
        )
        if allowed:
            answer["Allow"] = allowed
        return answer
