"""The resident portal's pages at /h5/<project code>/ (SPEC §12), and the staff's poster.

Thin: each page reads who is asking (the session holds the phone proven by SMS, per project),
calls one service and draws the answer. A refusal from a service is shown on the page."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from propdesk.core import clock
from propdesk.core.errors import DomainError, NotFound
from propdesk.core.requests import client_ip
from propdesk.core.web import console_view
from propdesk.org.access import check_project_scope
from propdesk.org.models import Project
from propdesk.tickets.choices import Kind, Satisfaction
from propdesk.tickets.models import Attachment, Ticket

from . import qr, services, signin, timeline, wechat

SESSION_KEY = "portal"
OPENID_KEY = "portal_openid"
STATE_KEY = "portal_wechat_state"


# --- who is asking ---------------------------------------------------------------------------


def _phone(request: HttpRequest, project: Project) -> str:
    return str(request.session.get(SESSION_KEY, {}).get(str(project.pk), ""))


def _sign_in(request: HttpRequest, project: Project, phone: str) -> None:
    signed = dict(request.session.get(SESSION_KEY, {}))
    request.session.cycle_key()  # a new session id once proven: no fixation
    signed[str(project.pk)] = phone
    request.session[SESSION_KEY] = signed
    request.session.set_expiry(settings.PORTAL_SESSION_DAYS * 24 * 3600)


def portal_page(view: Callable) -> Callable:
    """A page of one project's portal: the project from the address, the visitor from the
    session; an unknown project or request is the portal's own 404 page."""

    @never_cache
    @wraps(view)
    def wrapped(request: HttpRequest, code: str, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            project = services.project_by_code(code)
        except NotFound as missing:
            return render(request, "portal/404.html", {"reason": missing.message}, status=404)
        who = services.visitor(project, _phone(request, project))
        try:
            return view(request, who, *args, **kwargs)
        except NotFound as missing:
            context = {"project": project, "reason": missing.message}
            return render(request, "portal/404.html", context, status=404)

    return wrapped


def _back(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _home(who: services.Visitor) -> str:
    return reverse("portal:home", args=[who.project.code])


def _base(who: services.Visitor, **more: Any) -> dict[str, Any]:
    return {
        "project": who.project,
        "who": who,
        "portal_settings": services.settings_of(who.project),
        "wechat": wechat.enabled(),
        **more,
    }


# --- pages -----------------------------------------------------------------------------------


@portal_page
def home(request: HttpRequest, who: services.Visitor) -> HttpResponse:
    """The household's requests, newest first, and the way to a new one."""
    if not who.signed_in:
        return render(request, "portal/welcome.html", _base(who))
    tickets = list(services.household_tickets(who)[:50])
    rows = [(t, timeline.status_words(t)) for t in tickets]
    return render(
        request,
        "portal/home.html",
        _base(
            who,
            rows=rows,
            surveys=services.surveys_open(who),
            accepts_messages=services.accepts_messages(who),
        ),
    )


@require_POST
@portal_page
def messages(request: HttpRequest, who: services.Visitor) -> HttpResponse:
    """The resident turns our SMS/WeChat notices on or off."""
    if not who.signed_in:
        return redirect("portal:login", who.project.code)
    if who.on_file:  # the page offers the setting only then
        services.set_messages(who, request.POST.get("allowed") == "1")
    return redirect("portal:home", who.project.code)


@portal_page
def login(request: HttpRequest, who: services.Visitor) -> HttpResponse:
    """Step one: the phone; step two: the code sent to it."""
    context = _base(who, next=_back(request, ""), phone=request.POST.get("phone", ""))
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "send":
                signin.send_code(who.project, context["phone"], address=client_ip(request))
                context["sent"] = True
            elif step == "verify":
                context["sent"] = True
                phone = signin.verify_code(
                    who.project, context["phone"], request.POST.get("code", "")
                )
                openid = request.session.pop(OPENID_KEY, None)
                if openid:
                    signin.bind_wechat(who.project, openid, phone)
                _sign_in(request, who.project, phone)
                return redirect(_back(request, _home(who)))
        except DomainError as refused:
            context["error"] = refused
            if getattr(refused, "field", None) == "code":
                context["sent"] = True
    return render(request, "portal/login.html", context)


@require_POST
@portal_page
def logout(request: HttpRequest, who: services.Visitor) -> HttpResponse:
    signed = dict(request.session.get(SESSION_KEY, {}))
    signed.pop(str(who.project.pk), None)
    request.session[SESSION_KEY] = signed
    return redirect(_home(who))


@portal_page
def new_request(request: HttpRequest, who: services.Visitor) -> HttpResponse:
    """The form of a new request; anonymous only where the project allows it."""
    anonymous = not who.signed_in and request.GET.get("anonymous") == "1"
    if not who.signed_in and not (anonymous and services.settings_of(who.project).allow_anonymous):
        login_url = reverse("portal:login", args=[who.project.code])
        return redirect(f"{login_url}?next={request.path}")
    context = _base(
        who,
        anonymous=anonymous,
        kinds=[(k.value, k.label) for k in services.PORTAL_KINDS],
        categories=services.categories(),
        ref=secrets.token_hex(12),
        values=request.POST,
        max_photos=services.MAX_PHOTOS,
    )
    if request.method == "POST":
        room = request.POST.get("room_id", "")
        data = services.Request(
            kind=request.POST.get("kind", ""),
            category=request.POST.get("category", ""),
            description=request.POST.get("description", ""),
            place=request.POST.get("place", ""),
            room_id=int(room) if room.isdigit() else None,
            preferred_time=request.POST.get("preferred_time", ""),
            may_call=request.POST.get("may_call") == "1",
            contact_name=request.POST.get("contact_name", ""),
            ref=request.POST.get("ref", ""),
            photos=request.FILES.getlist("photos"),
        )
        try:
            ticket, submission = services.submit(who, data, anonymous=anonymous)
        except DomainError as refused:
            context["error"] = refused
            context["ref"] = data.ref
            return render(request, "portal/new.html", context, status=400)
        if anonymous:
            return redirect("portal:follow", who.project.code, submission.token)
        return redirect("portal:ticket", who.project.code, ticket.number)
    return render(request, "portal/new.html", context)


def _photo_urls(who: services.Visitor, ticket: Ticket, token: str) -> list[str]:
    """Where the resident's own photos of the request are read: by its number when signed in,
    by the private link's token when followed anonymously."""
    code = who.project.code
    return [
        reverse("portal:follow_photo", args=[code, token, photo.pk])
        if token
        else reverse("portal:photo", args=[code, ticket.number, photo.pk])
        for photo in services.resident_photos(ticket)
    ]


def _ticket_context(
    who: services.Visitor, ticket: Ticket, *, token: str = "", **more: Any
) -> dict[str, Any]:
    now = clock.now()
    return _base(
        who,
        ticket=ticket,
        status=timeline.status_words(ticket),
        stage=timeline.stage_of(ticket),
        stages=list(timeline.stage_labels().items()),
        steps=timeline.steps(ticket),
        promises=timeline.promises(ticket, now),
        may_answer=services.may_answer(ticket, now=now),
        may_reopen=services.may_reopen(ticket, now=now),
        photos=_photo_urls(who, ticket, token),
        is_open=not ticket.is_terminal,
        levels=list(Satisfaction.choices),
        chips=list(services.REASON_CHIPS.items()),
        confirm_days=settings.PORTAL_CONFIRM_DAYS,
        **more,
    )


@portal_page
def ticket_page(request: HttpRequest, who: services.Visitor, number: str) -> HttpResponse:
    if not who.signed_in:
        login_url = reverse("portal:login", args=[who.project.code])
        return redirect(f"{login_url}?next={request.path}")
    ticket = services.ticket_of(who, number)
    return render(request, "portal/ticket.html", _ticket_context(who, ticket))


ACTIONS = {"add", "confirm", "not_done", "rate"}


@require_POST
@portal_page
def ticket_action(
    request: HttpRequest, who: services.Visitor, number: str, action: str
) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    ticket = services.ticket_of(who, number)  # NotFound for anyone else's
    try:
        if action == "add":
            services.add_information(
                who, ticket, text=request.POST.get("text", ""),
                photos=request.FILES.getlist("photos"),
            )  # fmt: skip
        elif action == "confirm":
            services.confirm_done(who, ticket)
            return redirect(
                reverse("portal:ticket", args=[who.project.code, number]) + "?rate=1#rate"
            )
        elif action == "not_done":
            services.not_done(who, ticket, reason=request.POST.get("reason", ""))
        else:
            services.rate(
                who,
                ticket,
                satisfaction=request.POST.get("satisfaction", ""),
                reasons=request.POST.getlist("reasons"),
                comment=request.POST.get("comment", ""),
            )
    except DomainError as refused:
        ticket = services.ticket_of(who, number)
        context = _ticket_context(who, ticket, error=refused)
        return render(request, "portal/ticket.html", context, status=refused.status_code)
    return redirect("portal:ticket", who.project.code, number)


@portal_page
def follow(request: HttpRequest, who: services.Visitor, token: str) -> HttpResponse:
    """An anonymous request followed by its private link: the number and the timeline."""
    ticket = services.ticket_by_token(who.project, token)
    return render(
        request,
        "portal/follow.html",
        _ticket_context(who, ticket, token=token, link=request.build_absolute_uri()),
    )


def _photo_response(photo: Attachment) -> FileResponse:
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    # Private to this resident: no shared cache keeps it.
    response["Cache-Control"] = "private, max-age=3600"
    return response


@portal_page
def photo(request: HttpRequest, who: services.Visitor, number: str, photo_id: int) -> HttpResponse:
    """One photo the resident added to a request of their household."""
    ticket = services.ticket_of(who, number)  # NotFound for anyone else's
    return _photo_response(services.resident_photo(ticket, photo_id))


@portal_page
def follow_photo(
    request: HttpRequest, who: services.Visitor, token: str, photo_id: int
) -> HttpResponse:
    """One photo of an anonymous request, read by its private link."""
    ticket = services.ticket_by_token(who.project, token)
    return _photo_response(services.resident_photo(ticket, photo_id))


# --- WeChat ----------------------------------------------------------------------------------


@portal_page
def wechat_start(request: HttpRequest, who: services.Visitor) -> HttpResponse:
    if not wechat.enabled():
        raise NotFound(_no_wechat())
    state = secrets.token_urlsafe(16)
    request.session[STATE_KEY] = state
    back = request.build_absolute_uri(reverse("portal:wechat_back", args=[who.project.code]))
    return redirect(wechat.authorize_url(back, state))


def _no_wechat() -> str:
    from django.utils.translation import gettext as _

    return _("本项目未开通微信登录")


@portal_page
def wechat_back(request: HttpRequest, who: services.Visitor) -> HttpResponse:
    """WeChat's return: the openid, then the bound phone (signed in) or the SMS step (bind)."""
    if not wechat.enabled():
        raise NotFound(_no_wechat())
    expected = request.session.pop(STATE_KEY, None)
    code = request.GET.get("code", "")
    if not code or not expected or request.GET.get("state") != expected:
        return redirect("portal:login", who.project.code)
    try:
        openid = wechat.openid_for(code)
    except DomainError as refused:
        return render(request, "portal/login.html", _base(who, error=refused), status=502)
    phone = signin.phone_of_wechat(who.project, openid)
    if phone:
        _sign_in(request, who.project, phone)
        return redirect(_home(who))
    request.session[OPENID_KEY] = openid
    return redirect("portal:login", who.project.code)


# --- the QR code and the staff's poster ------------------------------------------------------


def portal_url(request: HttpRequest, project: Project) -> str:
    """The address residents open: under PUBLIC_URL, like every link sent to them."""
    return settings.PUBLIC_URL.rstrip("/") + reverse("portal:home", args=[project.code])


def qr_svg(request: HttpRequest, code: str) -> HttpResponse:
    """The QR code of a project's portal address (public: it says only what the poster says)."""
    try:
        project = services.project_by_code(code)
    except NotFound:
        raise Http404 from None
    response = HttpResponse(qr.svg(portal_url(request, project)), content_type="image/svg+xml")
    response["Cache-Control"] = "max-age=3600"
    return response


@console_view
def posters(request: HttpRequest) -> HttpResponse:
    """The projects of the user's scope, each with its portal poster to print."""
    projects = Project.objects.for_user(request.user).filter(is_active=True).order_by("code")
    rows = [(p, portal_url(request, p)) for p in projects]
    return render(request, "portal/posters.html", {"rows": rows})


@console_view
def poster(request: HttpRequest, code: str) -> HttpResponse:
    """A printable A4 poster: project name, QR code, three lines of instructions."""
    project = Project.objects.filter(code=code).first()
    if project is None:
        raise NotFound("")
    check_project_scope(request.user, project)
    context = {
        "project": project,
        "url": portal_url(request, project),
        "allow_anonymous": services.settings_of(project).allow_anonymous,
        "kinds": [Kind(k).label for k in services.PORTAL_KINDS],
    }
    return render(request, "portal/poster.html", context)
