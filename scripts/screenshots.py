"""Screenshots of the staff console for the README and docs, taken from the demo company.

Usage: ``.venv/bin/python scripts/screenshots.py`` (writes docs/screenshots/*.png).

Everything runs against a scratch SQLite database in a temporary directory: the script
migrates it, loads the demo (``propdesk demo``, about 30 s), serves it with ``propdesk
runserver`` on a free local port, and drives Debian's Chromium (/usr/bin/chromium) with
Playwright in Chinese (Accept-Language: zh-CN). The server is stopped and the temporary
directory deleted at the end, whatever happens. Nothing in the repository but
docs/screenshots/ is written.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
OFFICE = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
#: A full-page shot larger than this is taken again as a viewport shot.
MAX_BYTES = 600 * 1024
TIMEOUT_MS = 20_000


@dataclass(frozen=True)
class Login:
    username: str
    password: str


@dataclass(frozen=True)
class Plan:
    """Who to log in as and what to open, chosen from the demo database."""

    agent: Login
    resident_phone: str
    resident_name: str
    category_filter: str
    description: str
    expectation: str
    ticket_user: Login
    ticket_number: str
    dashboard_user: Login
    handler: Login
    order_path: str
    queue_user: Login


def scratch_environment(tmp: Path) -> dict[str, str]:
    """The environment for every propdesk process: its own database, media and var/."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp / 'shots.sqlite3'}",
        MEDIA_ROOT=str(tmp / "media"),
        PROPDESK_VAR_DIR=str(tmp / "var"),  # no secret key or static dir in the repo's var/
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="1",  # runserver serves the console's static files
        DJANGO_SETTINGS_MODULE="propdesk.settings",
        LOG_LEVEL="WARNING",
    )
    return env


def propdesk(env: dict[str, str], *args: str) -> None:
    print("$ propdesk", " ".join(args), flush=True)
    subprocess.run([str(BIN / "propdesk"), *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"runserver exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (local URL)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"runserver did not answer at {url} within {seconds:.0f} s")


def stop(server: subprocess.Popen) -> None:
    """Stop the server this script started, by its PID."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def upstairs(room) -> str:
    """The room one floor up (802 → 902) when the demo has it, else just 楼上."""
    floor = str(room.floor or "")
    if floor and room.number.startswith(floor) and len(room.number) > len(floor):
        number = f"{room.floor + 1}{room.number[len(floor) :]}"
        if type(room).objects.filter(unit=room.unit, number=number).exists():
            return f"楼上{number}"
    return "楼上"


def choose(env: dict[str, str]) -> Plan:
    """Pick the people and records worth showing, with Django's ORM on the scratch database."""
    os.environ.update(env)
    import django

    django.setup()
    from django.db.models import Case, Count, Exists, OuterRef, Q, When
    from django.db.models.functions import Now

    from propdesk.demo.logins import DEMO_LOGINS
    from propdesk.org.choices import Role
    from propdesk.org.models import User
    from propdesk.residents.models import Resident
    from propdesk.sla.choices import ClockKind, ClockState
    from propdesk.sla.models import SlaClock
    from propdesk.tickets.choices import ACTIVE_WORK_ORDER_STATUSES, Status
    from propdesk.tickets.models import Ticket
    from propdesk.tickets.views.handler import _my_orders  # the list /my-orders/ shows

    logins = {d.username: d for d in DEMO_LOGINS}

    def login(username: str) -> Login:
        return Login(username, logins[username].password)

    def project_login(role: str, project_code: str) -> Login:
        for d in DEMO_LOGINS:
            if d.role == role and d.project == project_code:
                return login(d.username)
        raise LookupError(f"no demo {role} for project {project_code}")

    # 1. Intake: a resident with one active home, a phone nobody else has, an open request
    #    and a few older ones, so the household file has something to say.
    open_statuses = [
        Status.REGISTERED,
        Status.ACCEPTED,
        Status.DISPATCHED,
        Status.IN_PROGRESS,
        Status.RESOLVED,
    ]
    residents = (
        Resident.objects.exclude(phone="")
        .annotate(
            homes=Count("residencies", filter=Q(residencies__is_active=True), distinct=True),
            tickets_total=Count("tickets", distinct=True),
            tickets_open=Count(
                "tickets", filter=Q(tickets__status__in=open_statuses), distinct=True
            ),
        )
        .filter(homes=1, tickets_open__gte=1)
        .order_by("-tickets_total", "pk")
    )
    resident = next(r for r in residents if Resident.objects.filter(phone=r.phone).count() == 1)
    residency = resident.residencies.select_related(
        "room__building", "room__unit", "room__project"
    ).get(is_active=True)
    room = residency.room
    agent = project_login(Role.AGENT, room.project.code)

    # 2. Ticket page: an open ticket well on its way (dispatched … resolved) with the longest
    #    history, in a project that has a demo supervisor.
    ticket = (
        Ticket.objects.filter(
            status__in=[Status.DISPATCHED, Status.IN_PROGRESS, Status.RESOLVED],
            project__code__in={d.project for d in DEMO_LOGINS if d.role == Role.SUPERVISOR},
        )
        .annotate(
            orders=Count("work_orders", distinct=True), history=Count("events", distinct=True)
        )
        .filter(orders__gte=1)
        .order_by("-history", "-orders", "number")
        .select_related("project")
        .first()
    )
    if ticket is None:
        raise LookupError("the demo has no dispatched or resolved ticket with a work order")

    # 4. Handler: the project handler with the most open work orders; on the phone, the order
    #    of theirs that shows the most: past its deadline (flagged), with a phone to call, the
    #    most progress notes (in progress before just dispatched).
    best = None
    for d in DEMO_LOGINS:
        if d.role != Role.HANDLER or not d.project:
            continue
        orders = _my_orders(User.objects.get(username=d.username))
        count = orders.count()
        if count and (best is None or count > best[1]):
            best = (d.username, count, orders)
    if best is None:
        raise LookupError("no demo handler has an open work order")
    handler_name, _count, orders = best
    # Past its deadline by its own clock, as the page flags it (paused on hold is not).
    late = SlaClock.objects.filter(work_order=OuterRef("pk"), kind=ClockKind.WORK_ORDER).filter(
        Q(state=ClockState.RUNNING, due_at__lte=Now())
        | Q(state=ClockState.BREACHED, met_at__isnull=True)
    )
    order = (
        orders.annotate(
            notes=Count("progressnote", distinct=True),  # the notes on its page
            overdue=Exists(late),
            phone=Case(When(ticket__contact_phone="", then=0), default=1),
        )
        .filter(status__in=ACTIVE_WORK_ORDER_STATUSES)
        .order_by("-overdue", "-phone", "-notes", "-status", "deadline")  # in_progress after
        .first()
    )

    return Plan(
        agent=agent,
        resident_phone=resident.phone,
        resident_name=resident.name,
        category_filter="漏水",
        description=(
            f"{room.label}{residency.get_relation_display()}{resident.name}来电反映:"
            f"卫生间天花板这几天一直在滴水,吊顶已经发黄起泡,怀疑是{upstairs(room)}"
            "卫生间防水坏了,自己上楼敲门没人应。"
        ),
        expectation="尽快联系楼上业主一起上门查看,今天下班前回个电话",
        ticket_user=project_login(Role.SUPERVISOR, ticket.project.code),
        ticket_number=ticket.number,
        dashboard_user=login("hq"),  # 总部客服: every project of the company
        handler=login(handler_name),
        order_path=f"/my-orders/{order.ticket.number}/{order.sequence}/",
        queue_user=project_login(Role.SUPERVISOR, ticket.project.code),
    )


class Shooter:
    """One browser; a fresh context (own cookies) per demo user and viewport."""

    def __init__(self, browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url

    def page_as(self, user: Login, viewport=OFFICE, scale: float = 1):
        context = self.browser.new_context(
            viewport=viewport,
            device_scale_factor=scale,
            base_url=self.base_url,
            extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.goto("/login/")
        page.fill("#username", user.username)
        page.fill("#password", user.password)
        page.click("#login-submit")
        page.wait_for_url(lambda url: "/login/" not in url)
        return page

    @staticmethod
    def save(page, name: str, full_page: bool = False) -> None:
        path = OUT / name
        page.screenshot(path=str(path), full_page=full_page)
        if full_page and path.stat().st_size > MAX_BYTES:
            page.screenshot(path=str(path))
        print(f"  {path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB", flush=True)


def shoot(plan: Plan, base_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            shots = Shooter(browser, base_url)

            # 1. Intake: caller found by phone, household file, category, read-back.
            page = shots.page_as(plan.agent)
            page.goto("/intake/")
            page.fill("#lookup-phone", plan.resident_phone)
            pick = page.locator("#phone-matches [data-pick]").first
            expect(pick).to_contain_text("选择")
            pick.click()
            expect(page.locator("#household-file")).to_be_visible()
            page.fill("#f-category-filter", plan.category_filter)
            page.fill("#f-description", plan.description)
            page.fill("#f-expectation", plan.expectation)
            page.click("#review")
            expect(page.locator("#readback")).to_contain_text(plan.resident_name)
            # The read-back is a new page: it loads the household file again beside the form.
            expect(page.locator("#household-file")).to_be_visible()
            page.wait_for_load_state("networkidle")
            page.locator("#readback").scroll_into_view_if_needed()
            shots.save(page, "intake.png")
            page.context.close()

            # 2. One ticket with its work orders and timeline.
            page = shots.page_as(plan.ticket_user)
            page.goto(f"/tickets/{plan.ticket_number}/")
            expect(page.locator("#timeline")).to_be_visible()
            page.wait_for_load_state("networkidle")
            shots.save(page, "ticket.png", full_page=True)
            page.context.close()

            # 3. Dashboard of every project, once ECharts has drawn.
            page = shots.page_as(plan.dashboard_user)
            page.goto("/")
            expect(page.locator("#chart-status canvas")).to_have_count(1)
            page.wait_for_timeout(1500)
            shots.save(page, "dashboard.png")
            page.context.close()

            # 4. The handler's phone: my work orders, then one of them.
            page = shots.page_as(plan.handler, viewport=PHONE, scale=2)
            page.goto("/my-orders/")
            expect(page.locator("#orders a").first).to_be_visible()
            shots.save(page, "handler-phone.png")
            page.goto(plan.order_path)
            expect(page.locator("#order-status")).to_be_visible()
            shots.save(page, "handler-order-phone.png")
            page.context.close()

            # 5. The supervisor's queue of all open requests.
            page = shots.page_as(plan.queue_user)
            page.goto("/queues/all/")
            expect(page.locator("#rows")).to_be_visible()
            page.wait_for_load_state("networkidle")
            shots.save(page, "queue.png")
            page.context.close()
        finally:
            browser.close()


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="propdesk-shots-"))
    server = None
    try:
        env = scratch_environment(tmp)
        propdesk(env, "migrate", "--noinput", "-v0")
        propdesk(env, "demo")
        plan = choose(env)
        print(
            f"intake as {plan.agent.username} for {plan.resident_name}; "
            f"ticket {plan.ticket_number} as {plan.ticket_user.username}; "
            f"dashboard as {plan.dashboard_user.username}; "
            f"{plan.order_path} as {plan.handler.username}; "
            f"queue as {plan.queue_user.username}",
            flush=True,
        )

        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        with (tmp / "runserver.log").open("w") as log:
            server = subprocess.Popen(  # noqa: S603
                [str(BIN / "propdesk"), "runserver", f"127.0.0.1:{port}", "--noreload"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        print(f"runserver pid {server.pid} on {base_url}", flush=True)
        wait_until_up(f"{base_url}/login/", server)
        shoot(plan, base_url)
    except Exception:
        if (tmp / "runserver.log").exists():
            sys.stderr.write((tmp / "runserver.log").read_text()[-4000:])
        raise
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
