"""Two projects side by side, for the cross-project tests (no tests here).

华苑 (SZHY) is the caller's; 丽苑 (GZLY) is another project of the same company. Each has the
same things — requests in every state, a hot issue, a routine-visit plan, surveys at every
stage, a corrective action, a notification — so a request can be made once with this
project's ids (it must go through) and once with the other's (it must be refused, read
nothing back and write nothing). The caller is an administrator by role, so no refusal comes
from the role: only the scope decides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from typing import Any

from django.apps import apps
from django.test import Client
from django.utils import timezone

from conftest import make_room, make_user
from propdesk.callbacks import services as callback_services
from propdesk.callbacks import visits
from propdesk.hotissues.detection import detect
from propdesk.hotissues.models import HotIssue
from propdesk.improvement import services as improvement
from propdesk.improvement.models import CorrectiveAction
from propdesk.notify.choices import Event
from propdesk.notify.models import Notification
from propdesk.org.choices import Role
from propdesk.org.models import User
from propdesk.residents.models import Residency, Resident, Room
from propdesk.surveys import services as surveys
from propdesk.surveys.models import Campaign, Invitation, Item
from propdesk.tickets import services
from propdesk.tickets.models import Ticket

#: What the other project's people are called and reached at: never in an answer to the caller.
SECRETS = ("李娜", "13987654321", "139****4321", "丽苑", "Gz_Handler", "丽苑的秘密")


def database_state() -> dict[str, list]:
    """Every row of every PropDesk table: a refused request must leave all of them as they were
    (no row written, none changed, no event, no audit entry)."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
        if model.__module__.startswith("propdesk.") and not model._meta.proxy
    }


class Scene:
    """The world of conftest, a caller scoped to 华苑, and the same objects in both projects.
    Objects are made when first asked for, in the past (the API reads the real clock)."""

    def __init__(self, world) -> None:
        self.world = world
        self.boss = make_user("boss", Role.ADMIN, world.company, projects=[world.project])
        self.gz_handler = make_user(
            "gz_handler", Role.HANDLER, world.company,
            projects=[world.other_project], department=world.other_engineering,
        )  # fmt: skip
        self.client = Client()
        self.client.force_login(self.boss)
        self._t0 = timezone.now() - timedelta(hours=3)
        self._ticks = 0

    # --- time and requests -----------------------------------------------------------------

    def tick(self):
        """A moment in the past, ten seconds after the previous one."""
        self._ticks += 1
        return self._t0 + timedelta(seconds=10 * self._ticks)

    def later(self, **delta) -> str:
        return (timezone.now() + timedelta(**delta)).isoformat()

    def send(self, method: str, path: str, body: Any = None):
        import json

        if isinstance(body, dict) and any(hasattr(v, "read") for v in body.values()):
            return self.client.post(path, body)  # multipart: an upload
        payload = json.dumps(body if body is not None else {}, default=str)
        call = getattr(self.client, method.lower())
        if method == "DELETE":
            return call(path)
        return call(path, payload, content_type="application/json")

    def ticket(self, state: str, *, foreign: bool = False, **overrides) -> Ticket:
        """A request of 华苑 (or of 丽苑) brought to ``state`` by HQ through the services."""
        w, hq = self.world, self.world.hq
        data = {
            "kind": "complaint",
            "channel": "phone",
            "category": "FAC-ELEV",
            "description": "丽苑的秘密:李娜家楼上漏水" if foreign else "华苑3栋电梯停在12楼",
            "room_id": (w.other_room if foreign else w.room).pk,
            "resident_id": (w.neighbour if foreign else w.resident).pk,
        }
        data.update(overrides)
        t, _ = services.register_ticket(hq, services.NewTicket(**data), now=self.tick())
        department = "GZLY-ENG" if foreign else "SZHY-ENG"
        steps = [
            ("accepted", lambda: services.accept(hq, t, now=self.tick())),
            ("dispatched", lambda: services.dispatch(
                hq, t, department=department, deadline=timezone.now() + timedelta(days=2),
                now=self.tick(),
            )),
            ("in_progress", lambda: services.start(hq, t, work_order=1, now=self.tick())),
            ("resolved", lambda: services.resolve(hq, t, result="已修好", now=self.tick())),
            ("callback_done", lambda: callback_services.record_callback(
                hq, t, satisfaction="satisfied", now=self.tick()
            )),
            ("closed", lambda: services.close(hq, t, reason="satisfied", now=self.tick())),
        ]  # fmt: skip
        if state == "suspended":
            suspend = (
                "suspended",
                lambda: services.suspend(hq, t, reason="等配件", now=self.tick()),
            )
            steps = [*steps[:2], suspend]
        for reached, step in steps:
            if state == "registered":
                break
            step()
            if reached == state:
                break
        return Ticket.objects.get(pk=t.pk)

    # --- the other things ids point at ------------------------------------------------------

    @cached_property
    def other_building(self):
        return self.world.other_room.building

    @cached_property
    def extra_room(self) -> Room:
        """A second home of 华苑, to move a request to."""
        return make_room(self.world.project, "3", "2", "1102")

    def notification(self, user: User) -> Notification:
        return Notification.objects.create(
            user=user, event=Event.values[0], title="提醒", body="提醒", created_at=self.tick()
        )

    def hot_issue(self, *, foreign: bool = False) -> HotIssue:
        """Two households of one building reporting the stairway lights: a hot issue."""
        room = self.world.other_room if foreign else self.world.room
        first = self._report(room, 1)
        second = self._report(room, 2)
        issue = detect(second.pk, self.tick())
        assert issue is not None and first.pk in issue.members.values_list("ticket", flat=True)
        return issue

    def _report(self, room: Room, n: int) -> Ticket:
        person = Resident.objects.create(
            company=self.world.company, name=f"住户{room.pk}-{n}", phone=f"1370{room.pk:03d}{n:04d}"
        )
        Residency.objects.create(resident=person, room=room, relation="family")
        return self.ticket(
            "registered",
            foreign=room.project_id != self.world.project.pk,
            category="FAC-LIGHT",
            description=f"楼道灯不亮,晚上看不见路(第{n}户)",
            resident_id=person.pk,
        )

    def plan(self, *, foreign: bool = False, year: int | None = None):
        project = self.world.other_project if foreign else self.world.project
        year = year or timezone.localdate().year
        return visits.generate_plan(self.world.hq, project, year, now=self.tick())

    def handling_plan(self, *, foreign: bool = False):
        """A plan of a 一级 complaint, waiting for the project manager (casework)."""
        from propdesk.casework import services as casework

        ticket = self.ticket("dispatched", foreign=foreign)
        Ticket.objects.filter(pk=ticket.pk).update(grade_level="1")
        ticket.refresh_from_db()
        return casework.submit_plan(
            self.world.hq, ticket, text="先行维修,三日内书面答复", amount="200", now=self.tick()
        )

    #: How far ``claim`` walks a compensation claim, in order (casework.claims).
    CLAIM_STEPS = ("gathering", "pending", "approved", "letter_issued", "signed",
                   "payment_requested", "paid", "charge_back")  # fmt: skip

    def claim(self, *, foreign: bool = False, until: str = "gathering"):
        """A compensation claim on a request of 华苑 (or 丽苑), walked by HQ and the project's
        manager up to ``until`` (a claim status, or "charge_back": paid and charged back)."""
        from django.core.files.uploadedfile import SimpleUploadedFile

        from propdesk.casework import claims, claims_payment

        hq, ticket = self.world.hq, self.ticket("dispatched", foreign=foreign)
        text = "丽苑的秘密:李娜家地板泡水" if foreign else "吊顶泡水,要求赔偿"
        claim = claims.open_claim(hq, ticket, description=text, now=self.tick())
        scan = SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n%%EOF\n")
        steps = {
            "pending": lambda: claims.assess(hq, claim, amount="800", basis="报价单",
                                             now=self.tick()),
            "approved": lambda: claims.decide(self.world.manager, claim, "approved",
                                              now=self.tick()),
            "letter_issued": lambda: claims_payment.issue_letter(hq, claim, now=self.tick()),
            "signed": lambda: claims_payment.add_signed_letter(hq, claim, scan, now=self.tick()),
            "payment_requested": lambda: claims_payment.request_payment(
                hq, claim, amount="800", payee="张伟", now=self.tick()),
            # Paid on the day of the move: the scene's moments are three hours back, which
            # is yesterday between midnight and three in Beijing, and a payment can't be
            # dated after its own recording.
            "paid": lambda: (lambda at: claims_payment.record_paid(
                hq, claim, paid_on=timezone.localdate(at), reference="FK1", now=at))(self.tick()),
            "charge_back": lambda: claims_payment.open_charge_back(
                hq, claim, party_kind="contractor", party_name="安装公司", amount="800",
                reason="安装不当", now=self.tick()),
        }  # fmt: skip
        for step in self.CLAIM_STEPS[1 : self.CLAIM_STEPS.index(until) + 1]:
            steps[step]()
        claim.refresh_from_db()
        return claim

    def household(self, plan):
        return plan.households.order_by("pk").first()

    def campaign(self, until: str, *, foreign: bool = False, unit: str = "department") -> Campaign:
        """A survey of one project, by HQ, taken to ``until`` (draft, submitted, reviewed — a
        品质部 plan's —, approved, issued, closed, report_reviewed, distributed). No officer is
        designated, so the company's administrator stands in for them; the caller is made a
        deputy general manager, so a distributed report of 华苑 reaches them."""
        hq, admin = self.world.hq, self.world.admin
        project = self.world.other_project if foreign else self.world.project
        today = timezone.localdate()
        campaign = surveys.create_campaign(
            hq, name="丽苑的秘密调查" if foreign else "华苑满意度调查",
            period_start=today - timedelta(days=1), period_end=today + timedelta(days=30),
            project_ids=[project.pk], now=self.tick(), unit=unit,
        )  # fmt: skip
        surveys.add_item(hq, campaign.pk, area="customer_service", text="前台接待态度")
        moves = [
            ("submitted", lambda pk, now: surveys.submit(hq, pk, now=now)),
            ("reviewed", lambda pk, now: surveys.review(admin, pk, now=now)),
            ("approved", lambda pk, now: surveys.approve(admin, pk, now=now)),
            ("issued", lambda pk, now: surveys.issue(hq, pk, now=now)),
            ("closed", lambda pk, now: surveys.close(hq, pk, now=now)),
            ("report_reviewed", lambda pk, now: surveys.review_report(admin, pk, now=now)),
            ("distributed", lambda pk, now: self._distribute(pk, now)),
        ]
        if unit != "quality":
            moves.pop(1)
        for reached, move in moves:
            if until == "draft":
                break
            move(campaign.pk, self.tick())
            if reached == until:
                break
        return Campaign.objects.get(pk=campaign.pk)

    def _distribute(self, pk: int, now) -> None:
        from propdesk.org.models import CompanyOfficer

        CompanyOfficer.objects.get_or_create(
            company=self.world.company, user=self.boss, title="deputy_general_manager"
        )
        surveys.distribute(self.world.hq, pk, now=now)

    def item(self, campaign: Campaign) -> Item:
        return campaign.items.order_by("pk").first()

    def token(self, campaign: Campaign) -> str:
        return Invitation.objects.filter(campaign=campaign).order_by("pk").first().token

    def action(self, *, foreign: bool = False, done: bool = False) -> CorrectiveAction:
        hq = self.world.hq
        campaign = self.campaign("issued", foreign=foreign)
        owner = self.gz_handler if foreign else self.world.handler
        action = improvement.open_action(
            hq, improvement.Source("survey_item", campaign_id=campaign.pk),
            project_id=campaign.projects.get().pk, owner_id=owner.pk,
            cause="前台人手不足", measure="增派一名前台",
            due_on=timezone.localdate() + timedelta(days=30), now=self.tick(),
        )  # fmt: skip
        if done:
            improvement.mark_done(hq, action.pk, note="已增派", now=self.tick())
        return action


#: path and body of one request
Call = tuple[str, Any]


@dataclass(frozen=True)
class Case:
    op: str  # "POST /api/v1/tickets", as the schema names it
    what: str  # which id is another project's
    foreign: Callable[[Scene], Call]
    own: Callable[[Scene], Call] | None  # the same request with this project's ids
    action: str = ""  # the ticket action, for POST …/actions/{action}
    refusals: tuple[int, ...] = (400, 403, 404)
    #: Rows the refusal writes by design (a failed sign-in counts towards the lockout).
    writes: bool = False
