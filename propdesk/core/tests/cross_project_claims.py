"""The compensation-claim operations of the cross-project walk (test_no_data_across_projects):
each with a claim of 丽苑 (GZLY) sent by a user of 华苑 (SZHY), and the same step of 华苑's own
claim brought to the state the step needs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from .scene import Case, Scene

API = "/api/v1"


def png() -> SimpleUploadedFile:
    """A small real PNG, as a photo upload (the walk's evidence and attachments)."""
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "PNG")
    return SimpleUploadedFile("photo.png", out.getvalue(), content_type="image/png")


CLAIM = "/claims/{pk}"


def _claim_case(path: str, until: str, body: Callable[[Scene], Any] = lambda s: {},
                *, refusals: tuple[int, ...] = (400, 403, 404)) -> Case:  # fmt: skip
    """A step of a claim of 丽苑, then the same step of 华苑's claim brought to ``until``."""
    return Case(
        f"POST {API}{CLAIM}{path}", "a claim of 丽苑",
        lambda s: (f"/claims/{s.claim(foreign=True).pk}{path}", body(s)),
        lambda s: (f"/claims/{s.claim(until=until).pk}{path}", body(s)),
        refusals=refusals,
    )  # fmt: skip


CLAIM_CASES: list[Case] = [
    Case("POST /api/v1/claims", "a request of 丽苑",
         lambda s: ("/claims", {"ticket": s.ticket("registered", foreign=True).number,
                                "description": "地板泡水"}),
         lambda s: ("/claims", {"ticket": s.ticket("registered").number,
                                "description": "地板泡水"})),
    _claim_case("/evidence", "gathering", lambda s: {"kind": "photo", "file": png()}),
    _claim_case("/assess", "gathering", lambda s: {"amount": "800", "basis": "报价单"}),
    _claim_case("/letter", "approved"),
    _claim_case("/signed-letter", "letter_issued",
                lambda s: {"file": SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n%%EOF\n")}),
    _claim_case("/payment-request", "signed", lambda s: {"amount": "800", "payee": "张伟"}),
    _claim_case("/paid", "payment_requested",
                lambda s: {"paid_on": str(s.tick().date()), "reference": "FK1"}),
    _claim_case("/withdraw", "gathering", lambda s: {"note": "业主撤回"}),
    _claim_case("/charge-back", "approved", lambda s: {
        "party_kind": "contractor", "party_name": "安装公司", "amount": "800", "reason": "安装不当",
    }),
    # Only the step's approver decides: the caller (an administrator) is refused in both.
    Case(f"POST {API}{CLAIM}/decision", "a claim of 丽苑",
         lambda s: (f"/claims/{s.claim(foreign=True, until='pending').pk}/decision",
                    {"decision": "approved"}),
         None, refusals=(403,)),
    Case(f"POST {API}{CLAIM}/charge-back/{{move}}", "a claim of 丽苑",
         lambda s: (f"/claims/{s.claim(foreign=True).pk}/charge-back/agree", {}),
         lambda s: (f"/claims/{s.claim(until='charge_back').pk}/charge-back/agree", {})),
]  # fmt: skip
