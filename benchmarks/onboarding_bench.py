"""The company import at scale: a generated group workbook, its dry run, its apply, and the same
apply again (nothing changes: the import is idempotent).

    DATABASE_URL=postgres://…/scratch .venv/bin/python benchmarks/onboarding_bench.py \
        [--projects 200] [--rooms 300000] [--residents 500000] [--scale 0.1] \
        [--workbook PATH] [--steps dry_run,apply,reapply] [--profile DIR]

Target (issue: onboarding a real company): dry run and apply each under 3 minutes on
PostgreSQL, peak memory under 1 GiB. Prints the seconds of each step (wall clock, and the CPU
time of this process: the figure to compare when other work shares the machine) and the peak
resident memory of this process (ru_maxrss) after each. The database must be a scratch one:
the company BENCH is imported into it. ``--scale`` multiplies the three sizes (0.1: a tenth of
the group). ``--workbook PATH`` keeps the generated workbook there and reuses it when it exists
(generating the full group takes a minute and a half). ``--profile DIR`` writes a cProfile of
each step to ``DIR/<step>.prof`` and prints its top functions (profiling slows a step down).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def timed(name: str, step: Callable[[], Any], profile: Path | None) -> Any:
    profiler = cProfile.Profile() if profile else None
    started, cpu = time.perf_counter(), time.process_time()
    result = profiler.runcall(step) if profiler else step()
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"{name}: {took:.1f} s (cpu {cpu:.1f} s), peak {peak_mib():.0f} MiB", end="", flush=True)
    if profiler and profile:
        profile.mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(profile / f"{name}.prof")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--rooms", type=int, default=300_000)
    parser.add_argument("--residents", type=int, default=500_000)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--workbook", type=Path, default=None)
    parser.add_argument("--steps", default="dry_run,apply,reapply")
    parser.add_argument("--profile", type=Path, default=None)
    args = parser.parse_args()
    projects = max(int(args.projects * args.scale), 1)
    rooms = max(int(args.rooms * args.scale), 1)
    residents = max(int(args.residents * args.scale), 1)
    import django

    django.setup()
    from django.conf import settings

    from propdesk.org.models import Company
    from propdesk.residents.onboarding import services as onboarding

    settings.IMPORT_MAX_BYTES = 1 << 30
    print(f"group: {projects} projects, {rooms} rooms, {residents} residents")
    with tempfile.TemporaryDirectory() as folder:
        path = args.workbook or Path(folder) / "group.xlsx"
        if not path.exists():
            timed("workbook", lambda: workbook(path, projects, rooms, residents), None)
            print(f", {path.stat().st_size / 2**20:.1f} MiB")
        company, _ = Company.objects.get_or_create(code="BENCH", defaults={"name": "基准集团"})
        steps = {
            "dry_run": onboarding.dry_run,
            "apply": onboarding.apply,
            "reapply": onboarding.apply,
        }
        for name in args.steps.split(","):
            step = steps[name]
            plan = timed(name, lambda step=step: step(company, path), args.profile)
            print(f", {plan.changes} changes, {plan.problem_count} problems")
            if args.profile:
                stats = pstats.Stats(str(args.profile / f"{name}.prof"))
                stats.sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
