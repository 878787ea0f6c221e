"""Recall and precision at 10 of word search on a fixed set (issue 20, "Performance"), and
jieba against rjieba: the same tokens, and how fast, on a larger corpus.

    .venv/bin/python benchmarks/search_recall.py [--database-url sqlite:///var/search_recall.sqlite3]

A scratch database (SQLite by default, dropped first) gets one project and the tickets of
``TICKETS`` through ``register_ticket``, so each is indexed by the lifecycle subscriber as in
production. Each query of ``QUERIES`` lists the tickets it must find (by key); recall is the
share of those found, precision at 10 the share of the first ten results that are listed.
The segmenter comparison reads the demo's ticket texts and the seed documents
(/work/shared/seeds, if present), one line per text.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: key → (category, description)
TICKETS = {
    "elevator_trapped": ("FAC-ELEV", "3栋电梯困人,住户被困二十分钟"),
    "elevator_fault": ("FAC-ELEV", "电梯故障停在12楼,按钮没反应"),
    "elevator_noise": ("FAC-ELEV", "电梯运行有异响,轿厢晃动"),
    "leak_upstairs": ("DISP", "楼上漏水,我家卫生间天花板一直滴水"),
    "leak_pipe": ("HOUSE", "厨房水管漏水,地面全是水"),
    "seepage": ("HOUSE", "下雨后外墙渗水,墙面发霉"),
    "parking_taken": ("SEC", "我的停车位被别人占用了好几天"),
    "fire_lane": ("SEC", "消防通道被车辆长期占用"),
    "gate": ("FAC", "车库道闸抬杆不灵,进不了地下车库"),
    "intercom": ("FAC", "可视对讲没有图像,门禁卡也刷不开单元门"),
    "throwing": ("DISP", "楼上住户高空抛物,砸坏了楼下的车"),
    "noise": ("DISP", "隔壁装修噪音超时,周末早上七点就开始"),
    "garbage": ("ENV", "垃圾清运不及时,楼下有异味"),
    "fee": ("FEE", "物业费账单金额有疑问,多收了一个月管理费"),
    "drain": ("HOUSE", "卫生间下水道堵塞返水"),
    "water_cut": ("FAC", "今天停水没有提前通知"),
    "praise": ("OTHER", "表扬维修师傅上门及时,态度很好"),
}
#: query → the tickets it must find
QUERIES = {
    "电梯": {"elevator_trapped", "elevator_fault", "elevator_noise"},
    "电梯困人": {"elevator_trapped"},
    "困人": {"elevator_trapped"},
    "电梯 故障": {"elevator_fault"},
    "漏水": {"leak_upstairs", "leak_pipe"},
    "漏水 楼上": {"leak_upstairs"},
    "楼上漏水": {"leak_upstairs"},
    "水管": {"leak_pipe"},
    "渗水": {"seepage"},
    "停车位": {"parking_taken"},
    "车位 占用": {"parking_taken"},
    "占用": {"parking_taken", "fire_lane"},
    "消防通道": {"fire_lane"},
    "道闸": {"gate"},
    "车库": {"gate"},
    "对讲": {"intercom"},
    "门禁卡": {"intercom"},
    "高空抛物": {"throwing"},
    "装修 噪音": {"noise"},
    "垃圾": {"garbage"},
    "物业费": {"fee"},
    "管理费": {"fee"},
    "下水道 堵塞": {"drain"},
    "停水": {"water_cut"},
    "维修师傅": {"praise"},
}


def scratch(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "propdesk.settings")
    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def recall(url: str) -> None:
    scratch(url)
    from datetime import timedelta

    from django.utils import timezone

    from propdesk.org.choices import Role, ScopeLevel
    from propdesk.org.models import Company, Project, Region, User
    from propdesk.search import services
    from propdesk.tickets.services import NewTicket, register_ticket

    company = Company.objects.create(code="RC", name="召回物业")
    region = Region.objects.create(company=company, code="R", name="地区")
    Project.objects.create(company=company, region=region, code="RCP", name="召回苑")
    agent = User.objects.create_user(
        "recall", role=Role.HQ, company=company, scope_level=ScopeLevel.COMPANY
    )
    now = timezone.now() - timedelta(days=1)
    numbers = {}
    for i, (key, (category, text)) in enumerate(TICKETS.items()):
        ticket, _ = register_ticket(
            agent,
            NewTicket(
                kind="complaint", channel="phone", category=category, description=text,
                project="RCP", contact_name="业主", contact_phone="13800000000", place="公共区域",
                reporter_type="contact",
            ),
            now=now + timedelta(minutes=i),
        )  # fmt: skip
        numbers[ticket.number] = key
    print("| query | must find | found | recall | precision@10 |")
    print("|---|---|---|---|---|")
    recalls, precisions = [], []
    for query, wanted in QUERIES.items():
        found = [numbers[h.item.number] for h in services.find_tickets(agent, query).hits]
        top = found[:10]
        r = len(wanted & set(found)) / len(wanted)
        p = len([k for k in top if k in wanted]) / len(top) if top else 0.0
        recalls.append(r)
        precisions.append(p)
        print(f"| {query} | {', '.join(sorted(wanted))} | {', '.join(found)} | {r:.0%} | {p:.0%} |")
    print(
        f"\nqueries: {len(QUERIES)}, mean recall {sum(recalls) / len(recalls):.1%}, "
        f"mean precision@10 {sum(precisions) / len(precisions):.1%}, "
        f"queries at 100% recall: {sum(1 for r in recalls if r == 1)}"
    )


def corpus() -> list[str]:
    from propdesk.demo import (
        texts_disputes,
        texts_facilities,
        texts_fees,
        texts_help,
        texts_other,
        texts_repairs,
    )

    lines: list[str] = []
    for module in (
        texts_disputes, texts_facilities, texts_fees, texts_help, texts_other, texts_repairs,
    ):  # fmt: skip
        for name, value in vars(module).items():
            if not name.startswith("_"):  # the module's own texts, not its dunders
                lines.extend(_strings(value))
    seeds = Path("/work/shared/seeds")
    if seeds.is_dir():
        for path in sorted(seeds.glob("*.txt")):
            lines.extend(line for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line.strip()]


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def segmenters() -> None:
    import jieba

    from propdesk.search import segment

    texts = corpus()
    chars = sum(len(t) for t in texts)
    reference = jieba.Tokenizer()
    for word in segment.PROPERTY_WORDS:
        reference.add_word(word)
    reference.initialize()

    def by_jieba(text):
        found = reference.cut_for_search(segment.normalise(text))
        return [w for w in (t.strip() for t in found) if w and not segment._NOT_A_WORD.match(w)]

    segment.words("预热")  # build rjieba's dictionary before timing
    timings = {}
    outputs = {}
    for name, cut in (("jieba", by_jieba), ("rjieba", segment.words)):
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            out = [cut(t) for t in texts]
            best = min(best, time.perf_counter() - started)
        timings[name], outputs[name] = best, out
    same = sum(1 for a, b in zip(outputs["jieba"], outputs["rjieba"], strict=True) if a == b)
    tokens = sum(len(o) for o in outputs["jieba"])
    print(f"\ncorpus: {len(texts):,} texts, {chars:,} characters, {tokens:,} jieba tokens")
    for name in ("jieba", "rjieba"):
        print(
            f"{name}: {timings[name] * 1000:.0f} ms (best of 3), "
            f"{chars / timings[name] / 1e6:.2f} M characters/s"
        )
    print(f"rjieba is {timings['jieba'] / timings['rjieba']:.1f}x faster")
    print(f"identical token lists: {same:,} of {len(texts):,} texts")
    shown = 0
    for text, a, b in zip(texts, outputs["jieba"], outputs["rjieba"], strict=True):
        if a != b and shown < 5:
            shown += 1
            print(f"  differs: {text[:40]!r}\n    jieba  {a[:12]}\n    rjieba {b[:12]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="sqlite:///var/search_recall.sqlite3")
    parser.add_argument("--skip-segmenters", action="store_true")
    args = parser.parse_args()
    recall(args.database_url)
    if not args.skip_segmenters:
        segmenters()


if __name__ == "__main__":
    main()
