"""The survey operations of the cross-project walk (test_no_data_across_projects): each with
ids of 丽苑 (GZLY) sent by a user of 华苑 (SZHY), and the same request with 华苑's own ids."""

from __future__ import annotations

from collections.abc import Callable

from .scene import Call, Case, Scene


def _plan(s: Scene, **overrides) -> dict:
    from django.utils import timezone

    today = timezone.localdate()
    body = {"name": "华苑调查", "period_start": str(today), "period_end": str(today),
            "projects": ["SZHY"]}  # fmt: skip
    body.update(overrides)
    return body


def _campaign(path: str, until: str, body: Callable[[Scene], dict], *, foreign: bool = False,
              method: str = "", unit: str = "department") -> Callable:  # fmt: skip
    def build(s: Scene) -> Call:
        campaign = s.campaign(until, foreign=foreign, unit=unit)
        return f"/surveys/campaigns/{campaign.pk}{path}", body(s)

    return build


def _survey_cases(op: str, path: str, until: str, body: Callable[[Scene], dict],
                  unit: str = "department") -> list[Case]:  # fmt: skip
    return [Case(op, "a survey of 丽苑", _campaign(path, until, body, foreign=True, unit=unit),
                 _campaign(path, until, body, unit=unit))]  # fmt: skip


def _item(path_of: Callable[[int], str], body: dict | None, *, foreign: bool) -> Callable:
    def build(s: Scene) -> Call:
        return path_of(s.item(s.campaign("draft", foreign=foreign)).pk), body

    return build


def _paper(s: Scene, campaign, *, room=None, item=None) -> dict:
    item = item or s.item(campaign)
    return {"room_id": (room or s.world.room).pk,
            "answers": [{"item": item.pk, "level": "satisfied"}]}  # fmt: skip


def _responses(room: str = "ours", item: str = "ours", foreign: bool = False) -> Callable:
    def build(s: Scene) -> Call:
        campaign = s.campaign("issued", foreign=foreign)
        the_room = s.world.other_room if room == "foreign" or foreign else s.world.room
        the_item = s.item(s.campaign("draft", foreign=True)) if item == "foreign" else None
        return f"/surveys/campaigns/{campaign.pk}/responses", _paper(
            s, campaign, room=the_room, item=the_item
        )

    return build


def _open_action(project: str = "SZHY", owner: str = "handler", item: str = "ours",
                 foreign: bool = False) -> Callable:  # fmt: skip
    def build(s: Scene) -> Call:
        from django.utils import timezone

        campaign = s.campaign("issued", foreign=foreign)
        the_item = s.item(s.campaign("draft", foreign=True) if item == "foreign" else campaign)
        body = {
            "project": "GZLY" if foreign else project,
            "owner": owner,
            "cause": "人手不足",
            "measure": "增派前台",
            "due_on": str(timezone.localdate()),
            "item": the_item.pk,
        }
        return f"/surveys/campaigns/{campaign.pk}/actions", body

    return build


def _new_action(source: str, foreign: str = "") -> Callable:
    """POST /actions from ``source``, with the one named reference (``foreign``) of 丽苑."""

    def build(s: Scene) -> Call:
        from django.utils import timezone

        body = {"source": source, "owner": "handler", "cause": "人手不足",
                "measure": "增派前台", "due_on": str(timezone.localdate())}  # fmt: skip
        if source == "ticket":
            body["ticket"] = s.ticket("accepted", foreign=foreign == "ticket").number
        elif source == "hot_issue":
            body["hot_issue"] = s.hot_issue(foreign=foreign == "hot_issue").pk
        elif source == "survey_item":
            body["campaign"] = s.campaign("issued", foreign=foreign == "campaign").pk
            body["project"] = "GZLY" if foreign == "campaign" else "SZHY"
        else:
            body["project"] = "GZLY" if foreign == "project" else "SZHY"
        if foreign == "owner":
            body["owner"] = "gz_handler"
        return "/actions", body

    return build


def _link(item: str) -> Callable:
    def build(s: Scene) -> Call:
        campaign = s.campaign("issued")
        the_item = s.item(s.campaign("draft", foreign=True) if item == "foreign" else campaign)
        return f"/surveys/answer/{s.token(campaign)}", {
            "answers": [{"item": the_item.pk, "level": "satisfied"}]
        }

    return build


CAMPAIGN = "/api/v1/surveys/campaigns/{pk}"
SURVEY_CASES: list[Case] = [
    Case("POST /api/v1/surveys/campaigns", "projects: 丽苑",
         lambda s: ("/surveys/campaigns", _plan(s, projects=["GZLY"])),
         lambda s: ("/surveys/campaigns", _plan(s))),
    Case("POST /api/v1/surveys/campaigns", "buildings: one of 丽苑",
         lambda s: ("/surveys/campaigns", _plan(s, buildings=[s.other_building.pk])),
         lambda s: ("/surveys/campaigns", _plan(s, buildings=[s.world.room.building_id]))),
    *_survey_cases(f"PATCH {CAMPAIGN}", "", "draft", lambda s: {"name": "改名"}),
    Case(f"PATCH {CAMPAIGN}", "projects: 丽苑",
         _campaign("", "draft", lambda s: {"projects": ["GZLY"]}),
         _campaign("", "draft", lambda s: {"projects": ["SZHY"]})),
    Case(f"PATCH {CAMPAIGN}", "buildings: one of 丽苑",
         _campaign("", "draft", lambda s: {"buildings": [s.other_building.pk]}),
         _campaign("", "draft", lambda s: {"buildings": [s.world.room.building_id]})),
    *_survey_cases(f"POST {CAMPAIGN}/items", "/items", "draft",
                   lambda s: {"area": "cleaning", "text": "公共区域清洁"}),
    Case("PATCH /api/v1/surveys/items/{item_id}", "an item of 丽苑's survey",
         _item(lambda pk: f"/surveys/items/{pk}", {"text": "改"}, foreign=True),
         _item(lambda pk: f"/surveys/items/{pk}", {"text": "改"}, foreign=False)),
    Case("DELETE /api/v1/surveys/items/{item_id}", "an item of 丽苑's survey",
         _item(lambda pk: f"/surveys/items/{pk}", None, foreign=True),
         _item(lambda pk: f"/surveys/items/{pk}", None, foreign=False)),
    *_survey_cases(f"POST {CAMPAIGN}/submit", "/submit", "draft", lambda s: {}),
    *_survey_cases(f"POST {CAMPAIGN}/return", "/return", "submitted",
                   lambda s: {"reason": "再改改"}),
    *_survey_cases(f"POST {CAMPAIGN}/approve", "/approve", "submitted", lambda s: {}),
    *_survey_cases(f"POST {CAMPAIGN}/review", "/review", "submitted", lambda s: {"note": "可"},
                   unit="quality"),
    *_survey_cases(f"POST {CAMPAIGN}/approve", "/approve", "reviewed", lambda s: {},
                   unit="quality"),
    *_survey_cases(f"POST {CAMPAIGN}/report/review", "/report/review", "closed",
                   lambda s: {"note": "同意分发"}),
    *_survey_cases(f"POST {CAMPAIGN}/report/distribute", "/report/distribute",
                   "report_reviewed", lambda s: {"departments": []}),
    Case(f"POST {CAMPAIGN}/report/distribute", "departments: one of 丽苑",
         _campaign("/report/distribute", "report_reviewed",
                   lambda s: {"departments": ["GZLY-ENG"]}),
         _campaign("/report/distribute", "report_reviewed",
                   lambda s: {"departments": ["SZHY-ENG"]})),
    *_survey_cases(f"POST {CAMPAIGN}/report/acknowledge", "/report/acknowledge", "distributed",
                   lambda s: {}),
    *_survey_cases(f"POST {CAMPAIGN}/issue", "/issue", "approved", lambda s: {}),
    *_survey_cases(f"POST {CAMPAIGN}/close", "/close", "issued", lambda s: {}),
    Case(f"POST {CAMPAIGN}/responses", "a survey and a room of 丽苑",
         _responses(foreign=True), _responses()),
    Case(f"POST {CAMPAIGN}/responses", "room_id of 丽苑", _responses(room="foreign"),
         _responses()),
    Case(f"POST {CAMPAIGN}/responses", "an item of 丽苑's survey", _responses(item="foreign"),
         _responses()),
    Case(f"POST {CAMPAIGN}/actions", "a survey of 丽苑", _open_action(foreign=True),
         _open_action()),
    Case(f"POST {CAMPAIGN}/actions", "project 丽苑", _open_action(project="GZLY"),
         _open_action()),
    Case(f"POST {CAMPAIGN}/actions", "owner of 丽苑", _open_action(owner="gz_handler"),
         _open_action()),
    Case(f"POST {CAMPAIGN}/actions", "an item of 丽苑's survey", _open_action(item="foreign"),
         _open_action()),
    Case("POST /api/v1/surveys/actions/{pk}/done", "an action of 丽苑",
         lambda s: (f"/surveys/actions/{s.action(foreign=True).pk}/done", {"note": "已做"}),
         lambda s: (f"/surveys/actions/{s.action().pk}/done", {"note": "已做"})),
    Case("POST /api/v1/surveys/actions/{pk}/verify", "an action of 丽苑",
         lambda s: (f"/surveys/actions/{s.action(foreign=True, done=True).pk}/verify",
                    {"effective": True, "note": "有效"}),
         lambda s: (f"/surveys/actions/{s.action(done=True).pk}/verify",
                    {"effective": True, "note": "有效"})),
    # Corrective and preventive actions (improvement), from each source.
    Case("POST /api/v1/actions", "ticket: a request of 丽苑", _new_action("ticket", "ticket"),
         _new_action("ticket")),
    Case("POST /api/v1/actions", "hot_issue of 丽苑", _new_action("hot_issue", "hot_issue"),
         _new_action("hot_issue")),
    Case("POST /api/v1/actions", "a survey of 丽苑", _new_action("survey_item", "campaign"),
         _new_action("survey_item")),
    Case("POST /api/v1/actions", "project 丽苑", _new_action("other", "project"),
         _new_action("other")),
    Case("POST /api/v1/actions", "owner of 丽苑", _new_action("other", "owner"),
         _new_action("other")),
    Case("POST /api/v1/actions/{pk}/done", "an action of 丽苑",
         lambda s: (f"/actions/{s.action(foreign=True).pk}/done", {"note": "已做"}),
         lambda s: (f"/actions/{s.action().pk}/done", {"note": "已做"})),
    Case("POST /api/v1/actions/{pk}/verify", "an action of 丽苑",
         lambda s: (f"/actions/{s.action(foreign=True, done=True).pk}/verify",
                    {"effective": True, "note": "有效"}),
         lambda s: (f"/actions/{s.action(done=True).pk}/verify",
                    {"effective": True, "note": "有效"})),
    # The resident's link: the token is the credential; an item must be the token's survey's.
    Case("POST /api/v1/surveys/answer/{token}", "an item of 丽苑's survey", _link("foreign"),
         _link("ours")),
    Case("POST /api/v1/surveys/answer/{token}", "a token that is nobody's",
         lambda s: ("/surveys/answer/no-such-token", {"answers": []}), None),
]  # fmt: skip
