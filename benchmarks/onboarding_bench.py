"""The company import at scale: a generated group workbook, its dry run and its apply.

    DATABASE_URL=postgres://…/scratch .venv/bin/python benchmarks/onboarding_bench.py \
        [--projects 200] [--rooms 300000] [--residents 500000]

Target (issue: onboarding a real company): dry run and apply each under 3 minutes on
PostgreSQL, peak memory under 1 GiB. Prints the seconds of each step and the peak resident
memory of this process (ru_maxrss) after each. The database must be a scratch one: the company
BENCH is imported into it (run it twice to measure an apply that changes nothing).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "propdesk.settings")


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def workbook(path: Path, projects: int, rooms: int, residents: int) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    places = book.create_sheet("地区与项目")
    places.append(["地区编码", "地区名称", "项目编码", "项目名称"])
    for p in range(projects):
        places.append([f"R{p % 10}", f"地区{p % 10}", f"P{p:04d}", f"项目{p}"])
    sheet = book.create_sheet("房屋")
    sheet.append(["项目编码", "楼栋", "单元", "房号", "建筑面积(㎡)", "用途", "已入住"])
    per_project = max(rooms // projects, 1)
    keys = []
    for r in range(rooms):
        project, i = divmod(r, per_project)
        project = min(project, projects - 1)
        building, rest = divmod(i, 200)
        unit, number = divmod(rest, 100)
        key = (f"P{project:04d}", str(building + 1), str(unit + 1), str(1000 + number))
        keys.append(key)
        sheet.append([*key, 89.5, "住宅", "是"])
    people = book.create_sheet("住户")
    people.append(["姓名", "手机", "项目编码", "楼栋", "单元", "房号", "与房屋关系"])
    for n in range(residents):
        people.append([f"住户{n}", f"139{n:08d}", *keys[n % len(keys)], "业主"])
    book.save(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--rooms", type=int, default=300_000)
    parser.add_argument("--residents", type=int, default=500_000)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings

    from propdesk.org.models import Company
    from propdesk.residents.onboarding import services as onboarding

    settings.IMPORT_MAX_BYTES = 1 << 30
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "group.xlsx"
        started = time.perf_counter()
        workbook(path, args.projects, args.rooms, args.residents)
        size, took = path.stat().st_size / 2**20, time.perf_counter() - started
        print(f"workbook: {size:.1f} MiB in {took:.1f} s")
        company, _ = Company.objects.get_or_create(code="BENCH", defaults={"name": "基准集团"})
        for step in (onboarding.dry_run, onboarding.apply):
            started = time.perf_counter()
            plan = step(company, path)
            took = time.perf_counter() - started
            print(
                f"{step.__name__}: {took:.1f} s, peak {peak_mib():.0f} MiB,"
                f" {plan.changes} changes, {plan.problem_count} problems"
            )


if __name__ == "__main__":
    main()
