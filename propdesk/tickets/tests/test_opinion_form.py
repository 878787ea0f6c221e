"""投诉意见处理表 (seed 001 篇5 4.2, SPEC §11) from the record: a complaint with its grade,
dispatch, approved plan, result, callback and the sign-off lines, each beside who did that
step in the system; printable and as a PDF, both audited; another project's complaint is 403
(as its ticket page); a request that is not a complaint has no such form."""

from __future__ import annotations

import subprocess
import tempfile

import pytest

from propdesk.callbacks import services as callback_services
from propdesk.casework import services as casework
from propdesk.core.models import AuditAction, AuditLog
from propdesk.core.tests.scene import Scene
from propdesk.stats.tests.test_exports import pdf_tool
from propdesk.tickets import services
from propdesk.tickets.opinion import opinion_form

pytestmark = pytest.mark.django_db


def _handled_complaint(scene: Scene):
    """A 一级 complaint of 华苑: plan approved by the project manager, handled by the
    engineering handler, called back by the agent, closed by the supervisor."""
    w = scene.world
    plan = scene.handling_plan()
    ticket = plan.ticket
    casework.decide(w.manager, plan, "approved", now=scene.tick())
    plan.refresh_from_db()
    assert plan.status == "approved"
    services.start(w.handler, ticket, work_order=1, now=scene.tick())
    services.resolve(w.handler, ticket, result="更换电梯主板,当天恢复运行", now=scene.tick())
    callback_services.record_callback(
        w.agent, ticket, satisfaction="satisfied", comment="师傅来得很快", now=scene.tick()
    )
    services.close(w.supervisor, ticket, reason="satisfied", now=scene.tick())
    ticket.refresh_from_db()
    return ticket


def test_the_form_holds_the_complaint_its_handling_and_who_did_each_step(world, client):
    scene = Scene(world)
    ticket = _handled_complaint(scene)
    form = opinion_form(ticket, world.supervisor)
    signed = {s.label: (s.name, s.step) for s in form["sign_offs"]}
    assert signed["经办人/处理人"] == ("Handler", "解决")
    assert signed["部门负责人"] == ("", "处理部门:工程部")  # the record knows no head
    assert signed["客服主管审核"] == ("Supervisor", "关闭")
    assert signed["项目经理审核"] == ("Manager", "处理方案批准")
    assert form["plan_approved_by"] == "Manager"
    assert [(o["department"], o["handler"], o["role"]) for o in form["dispatch"]] == [
        ("工程部", "Handler", "部门处理人")
    ]

    client.force_login(world.supervisor)
    page = client.get(f"/tickets/{ticket.number}/print/opinion/").content.decode()
    flat = " ".join(page.split())
    assert "华苑 投诉意见处理表" in flat and ticket.number in page
    assert "华苑3栋电梯停在12楼" in page  # the complaint
    assert "电话" in page and "138****5678" in page and "13812345678" not in page
    assert "一级" in page and "工程部" in page
    assert "先行维修,三日内书面答复" in page and "Manager 于" in page  # the approved plan
    assert "更换电梯主板,当天恢复运行" in page
    assert "师傅来得很快" in page and "满意" in page
    signs = page.split('id="sign-offs"')[1].split("</table>")[0]
    for label in ("经办人/处理人", "部门负责人", "客服主管审核", "项目经理审核"):
        assert label in signs
    assert "系统记录:Supervisor" in signs and "系统记录:Manager" in signs
    assert signs.count("签字") == 4  # a line to sign by hand under each
    assert AuditLog.objects.filter(
        action=AuditAction.EXPORT, object_type="ticket", object_id=ticket.number,
        detail__format="print",
    ).count() == 1  # fmt: skip


def test_the_form_prints_as_a_pdf_with_the_record_in_it_and_the_export_is_audited(world, client):
    ticket = _handled_complaint(Scene(world))
    client.force_login(world.manager)
    answer = client.get(f"/tickets/{ticket.number}/print/opinion/", {"format": "pdf"})
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    assert f"opinion-{ticket.number}.pdf" in answer["Content-Disposition"]
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(answer.content)
        pdf.flush()
        text = subprocess.run(  # noqa: S603 — a fixed tool on a file this test wrote
            [pdf_tool("pdftotext"), pdf.name, "-"], capture_output=True, text=True, check=True
        ).stdout
    flat = "".join(text.split())
    assert "投诉意见处理表" in flat and ticket.number in flat
    assert "更换电梯主板" in flat and "138****5678" in flat and "13812345678" not in flat
    assert "项目经理审核" in flat and "系统记录:Manager" in flat
    assert AuditLog.objects.filter(
        action=AuditAction.EXPORT, user=world.manager, object_id=ticket.number,
        detail__format="pdf",
    ).exists()  # fmt: skip


def test_another_projects_complaint_is_404_and_a_repair_has_no_opinion_form(world, client):
    scene = Scene(world)
    foreign = scene.ticket("resolved", foreign=True)
    client.force_login(world.supervisor)
    for query in ({}, {"format": "pdf"}):
        answer = client.get(f"/tickets/{foreign.number}/print/opinion/", query)
        assert answer.status_code == 403  # out of scope, as the ticket page (SPEC §1)
        assert "李娜" not in answer.content.decode(errors="replace")
    repair = scene.ticket("resolved", kind="repair", category="FAC-ELEV")
    assert client.get(f"/tickets/{repair.number}/print/opinion/").status_code == 404
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()
    # The ticket page offers the form for a complaint only.
    complaint = scene.ticket("resolved")
    assert "打印投诉意见处理表" in client.get(f"/tickets/{complaint.number}/").content.decode()
    assert "打印投诉意见处理表" not in client.get(f"/tickets/{repair.number}/").content.decode()
