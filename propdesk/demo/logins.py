"""The demo's staff accounts: the one list the loader, the command's login table, the README
and the tests all read, so a username or password is changed in one place only."""

from __future__ import annotations

from dataclasses import dataclass

from propdesk.org.choices import Role, ScopeLevel

from .org import HQ_DEPARTMENTS, PROJECT_DEPARTMENTS, PROJECTS, REGIONS

#: Department names by code suffix (ENG → 工程部, LEGAL → 法务部).
DEPARTMENT_NAMES = {
    **{code.split("-")[-1]: name for code, name, _kind in HQ_DEPARTMENTS},
    **{suffix: name for suffix, name, _kind in PROJECT_DEPARTMENTS},
}

#: One password per role: easy to remember in a demo, and no demo user can log in as another
#: role by guessing a shared word. None is in Django's common-password list and all are ≥ 8.
ROLE_PASSWORDS: dict[str, str] = {
    Role.AGENT: "demo-agent-2026",
    Role.SUPERVISOR: "demo-supervisor-2026",
    Role.HANDLER: "demo-handler-2026",
    Role.PROJECT_MANAGER: "demo-manager-2026",
    Role.REGION: "demo-region-2026",
    Role.HQ: "demo-hq-2026",
    Role.QUALITY: "demo-quality-2026",
    Role.ADMIN: "demo-admin-2026",
}


@dataclass(frozen=True)
class DemoLogin:
    """A demo staff account: who it is, what it may see, and how to log in."""

    username: str
    role: str
    display_name: str
    scope_level: str = ScopeLevel.PROJECTS
    project: str = ""  # project code, for project-scoped staff
    region: str = ""  # region code, for region-scoped staff
    department: str = ""  # department code, for handlers and HQ staff

    @property
    def password(self) -> str:
        return ROLE_PASSWORDS[self.role]

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)

    @property
    def scope_label(self) -> str:
        """How the login table describes the scope, in the company's own names; a handler's
        department is named too, since that is whose work orders they see."""
        if self.scope_level == ScopeLevel.COMPANY:
            scope = "全集团"
        elif self.scope_level == ScopeLevel.REGION:
            scope = REGIONS[self.region][0]
        else:
            scope = PROJECTS[self.project].name
        if self.role == Role.HANDLER:
            return f"{scope} {DEPARTMENT_NAMES[self.department.rsplit('-', 1)[-1]]}"
        return scope


def _project_staff(code: str, names: tuple[str, str, str, str, str, str]) -> list[DemoLogin]:
    low = code.lower()
    agent, supervisor, manager, eng, sec, env = names
    return [
        DemoLogin(f"agent_{low}", Role.AGENT, agent, project=code, department=f"{code}-CS"),
        DemoLogin(
            f"supervisor_{low}", Role.SUPERVISOR, supervisor, project=code, department=f"{code}-CS"
        ),
        DemoLogin(f"pm_{low}", Role.PROJECT_MANAGER, manager, project=code),
        DemoLogin(f"eng_{low}", Role.HANDLER, eng, project=code, department=f"{code}-ENG"),
        DemoLogin(f"sec_{low}", Role.HANDLER, sec, project=code, department=f"{code}-SEC"),
        DemoLogin(f"env_{low}", Role.HANDLER, env, project=code, department=f"{code}-ENV"),
    ]


COMPANY = ScopeLevel.COMPANY

DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("admin", Role.ADMIN, "系统管理员", COMPANY),
    DemoLogin("hq", Role.HQ, "罗慧敏", COMPANY, department="HQ-CS"),
    DemoLogin("quality", Role.QUALITY, "钟建平", COMPANY, department="HQ-QA"),
    # The company's officers (seed 001 篇4; designated in people.designate_officers): the
    # general manager, a deputy and the management representative, who approve survey plans
    # and receive the surveys' analysis reports.
    DemoLogin("gm", Role.HQ, "高振宇", COMPANY),
    DemoLogin("dgm", Role.HQ, "陈卫国", COMPANY),
    DemoLogin("mr", Role.QUALITY, "方志诚", COMPANY, department="HQ-QA"),
    DemoLogin(
        "region_sz", Role.REGION, "温志刚", ScopeLevel.REGION, region="SZ", department="SZ-CS"
    ),
    DemoLogin(
        "region_gz", Role.REGION, "区嘉欣", ScopeLevel.REGION, region="GZ", department="GZ-CS"
    ),
    *_project_staff("SZHY", ("陈静", "刘晓峰", "黄国栋", "李建华", "王海涛", "张秀英")),
    *_project_staff("SZJH", ("林婉婷", "周志明", "吴振华", "郑伟", "赵勇", "何桂芳")),
    *_project_staff("GZLY", ("梁诗琪", "谭家豪", "冯永强", "邓卫东", "卢志坚", "莫丽萍")),
    *_project_staff("GZTH", ("苏晓燕", "麦浩文", "叶国华", "曾庆荣", "潘俊杰", "黎凤英")),
    DemoLogin("legal", Role.HANDLER, "孙明远", COMPANY, department="HQ-LEGAL"),
    DemoLogin("hr", Role.HANDLER, "杜雅琴", COMPANY, department="HQ-HR"),
    DemoLogin("dev", Role.HANDLER, "邱立新", COMPANY, department="HQ-DEV"),
)


def login_table() -> list[tuple[str, str, str, str]]:
    """Rows of (username, password, role, scope) for printing."""
    return [(d.username, d.password, d.role_label, d.scope_label) for d in DEMO_LOGINS]
