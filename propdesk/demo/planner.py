"""The planner: picks each ticket's scenario, project, household, reporter, channel, times,
path and detours, and writes the record's text (see plans.py for what a plan holds)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from propdesk.residents.choices import Relation
from propdesk.tickets.choices import Channel, Kind, Status

from .catalogue import BY_KIND
from .context import ANONYMOUS_WHO, build_context, opening, who_for_resident
from .org import OrgData, ProjectData
from .people import GUARD_TITLES, Household, NameMaker, People, honorific
from .phrases import EXTRAS
from .plans import (
    ANSWER,
    BEYOND,
    CHANNEL_WEIGHTS,
    DISAGREEMENT,
    FEMALE_LABELS,
    FINAL_SATISFACTION,
    HOME_CONTACTS,
    KIND_CHANNELS,
    KIND_WEIGHTS,
    NO_CONTACT,
    ON_SPOT,
    SATISFIED,
    SENSITIVE,
    SITE_CONTACTS,
    TARGET_WEIGHTS,
    Plan,
    fit_target,
    weighted,
)
from .scenarios import (
    ANONYMOUS,
    CONTACT,
    HOME,
    MEDIA,
    RESIDENT,
    Scenario,
    aligned,
    render,
)
from .timing import received_time, registration_delay

S = Status


@dataclass
class Planner:
    """Collects the plans; every choice is drawn from ``rng``, so a seed gives the same demo."""

    rng: random.Random
    org: OrgData
    people: People
    now: datetime
    names: NameMaker
    plans: list[Plan] = field(default_factory=list)

    def add(
        self,
        kind: str | None = None,
        target: str | None = None,
        *,
        path: str | None = None,
        channel: str | None = None,
        reporter: str | None = None,
        flags: tuple[str, ...] | None = None,
        satisfaction: str | None = None,
        scenario_filter: Callable[[Scenario], bool] | None = None,
        project: str | None = None,
    ) -> Plan:
        """Plan one ticket; anything not given is drawn at random, within what fits the rest
        (a forced path or reporter narrows the scenarios that can tell it)."""
        rng = self.rng
        kind = kind or weighted(rng, KIND_WEIGHTS)
        candidates = [s for s in BY_KIND[kind] if scenario_filter is None or scenario_filter(s)]
        if path == ANSWER:
            candidates = [s for s in candidates if s.answers]
        elif path is not None and path != BEYOND:
            candidates = [s for s in candidates if s.results]
        if path == DISAGREEMENT:
            candidates = [s for s in candidates if s.disagreement]
        elif path == BEYOND:
            candidates = [s for s in candidates if s.beyond]
        if channel == Channel.PATROL:
            candidates = [s for s in candidates if s.patrol]
        if reporter:
            candidates = [s for s in candidates if reporter in s.reporters]
        scenario = rng.choices(candidates, weights=[s.weight for s in candidates])[0]
        project = self.org.projects[project] if project else self._project(scenario)
        target = target or weighted(rng, TARGET_WEIGHTS[kind])
        if reporter is None:
            others = scenario.reporters[1:]
            reporter = (
                rng.choice(others) if others and rng.random() < 0.3 else scenario.reporters[0]
            )
        channel = channel or self._channel(scenario, reporter)
        if channel == Channel.PATROL or channel == Channel.MEDIA:
            reporter = CONTACT
        elif channel == Channel.CALLBACK:
            reporter = RESIDENT
        path = path or self._path(scenario, reporter, channel)
        target = fit_target(scenario, path, target)
        chosen = set(flags) if flags is not None else self._random_flags(scenario, path)
        if flags is None and target == S.REOPENED and path == SATISFIED and rng.random() < 0.6:
            chosen.add("reopen_after_close")  # closed, then the resident came back
        household = self._household(project, scenario)
        plan = self._make(scenario, project, household, channel, reporter, target, path, chosen)
        if satisfaction:
            plan.satisfaction = satisfaction
        if plan.path in (SATISFIED, DISAGREEMENT) and not plan.reachable:
            # Nobody to call back: the ticket can only close as "no contact".
            plan.path = NO_CONTACT
            plan.target = fit_target(scenario, NO_CONTACT, plan.target)
        self.plans.append(plan)
        hot = scenario.hot and scenario.where != HOME and target not in (S.REGISTERED, S.CANCELLED)
        if hot and ("dup" in chosen or (flags is None and rng.random() < 0.35)):
            self.add_duplicate(plan)
        return plan

    def _random_flags(self, scenario: Scenario, path: str) -> set[str]:
        """Detours a real ticket sometimes takes: a wrong department, waiting, a second team."""
        rng = self.rng
        flags = set()
        if scenario.wrong and rng.random() < 0.35:
            flags.add("return" if scenario.wrong != "CS" and rng.random() < 0.6 else "transfer")
        if scenario.also and rng.random() < 0.5:
            flags.add("second")
        if scenario.suspend and rng.random() < 0.3:
            flags.add("suspend")
        if path == SATISFIED and scenario.kind in (Kind.COMPLAINT, Kind.REPAIR):
            if rng.random() < 0.08:
                flags.add("rework")
            elif rng.random() < 0.03:
                flags.add("reopen_after_close")
        if scenario.kind == Kind.COMPLAINT and rng.random() < 0.06:
            flags.add("reclassify")
        if not scenario.emergency and rng.random() < 0.05:
            flags.add("late")  # the desk lets this one slip: its clocks are missed
        if scenario.kind == Kind.COMPLAINT and rng.random() < 0.08:
            flags.add("case")
        return flags

    def add_duplicate(self, survivor: Plan) -> Plan | None:
        """Another household reporting the same fault a little later: merged into the first."""
        rng = self.rng
        if survivor.registered_at > self.now - timedelta(hours=4):
            return None  # too recent for a second report to have come in and been merged
        scenario = survivor.scenario
        same_building = [
            h
            for h in self.people.households[survivor.project.code]
            if h.room.building_id == survivor.room.building_id and h.room != survivor.room
        ] or self.people.households[survivor.project.code]
        household = rng.choice(same_building)
        plan = self._make(
            scenario,
            survivor.project,
            household,
            rng.choice((Channel.PHONE, Channel.WECHAT)),
            RESIDENT,
            S.MERGED,
            SATISFIED,
            set(),
            # Received after the first report was recorded: the later one is the duplicate.
            after=survivor.registered_at + timedelta(minutes=rng.randint(8, 180)),
        )
        plan.merge_into = survivor
        self.plans.append(plan)
        return plan

    def _project(self, scenario: Scenario) -> ProjectData:
        projects = [
            p for p in self.org.projects.values() if p.spec.has_elevator or not scenario.elevator
        ]
        weights = [{"SZHY": 30, "SZJH": 20, "GZLY": 25, "GZTH": 25}[p.code] for p in projects]
        return self.rng.choices(projects, weights=weights)[0]

    def _household(self, project: ProjectData, scenario: Scenario) -> Household:
        households = self.people.households[project.code]
        if scenario.owners_only:
            households = [h for h in households if Relation.OWNER in h.relations]
        texts = "".join(scenario.descriptions + scenario.results)
        if "{up" in texts:
            top = project.spec.floors[-1]
            households = [h for h in households if (h.room.floor or 0) < top]
        return self.rng.choice(households)

    def _channel(self, scenario: Scenario, reporter: str) -> str:
        rng = self.rng
        weights = dict(CHANNEL_WEIGHTS)
        if scenario.channels:
            weights = {c: w for c, w in weights.items() if c in scenario.channels}
        if not scenario.patrol:
            weights.pop(Channel.PATROL, None)
        if scenario.kind not in (Kind.COMPLAINT, Kind.SUGGESTION) or reporter != RESIDENT:
            weights.pop(Channel.CALLBACK, None)
        if scenario.kind != Kind.COMPLAINT or not (
            scenario.hot or Channel.MEDIA in scenario.channels
        ):
            weights.pop(Channel.MEDIA, None)
        weights = {c: w for c, w in weights.items() if c in KIND_CHANNELS[scenario.kind]}
        if scenario.kind == Kind.HELP:
            weights[Channel.PHONE] = 150  # someone in trouble calls
        weights = weights or {Channel.PHONE: 1}
        if reporter == ANONYMOUS:
            # A keeper on WeChat knows who is writing: anonymous reports come by other ways.
            anonymous_ways = (Channel.PHONE, Channel.LETTER, Channel.WEB, Channel.GOVERNMENT)
            weights = {c: w for c, w in weights.items() if c in anonymous_ways} or {
                Channel.PHONE: 1
            }
        if reporter == CONTACT:
            weights = {
                c: w
                for c, w in weights.items()
                if c in (Channel.PHONE, Channel.VISIT, Channel.PATROL)
            } or {Channel.PHONE: 1}
        return weighted(rng, weights)

    def _path(self, scenario: Scenario, reporter: str, channel: str) -> str:
        rng = self.rng
        kind = scenario.kind
        if kind in (Kind.CONSULTATION, Kind.PRAISE):
            return ANSWER
        if (
            kind == Kind.SUGGESTION
            and scenario.answers
            and reporter != ANONYMOUS
            and rng.random() < 0.4
        ):
            return ANSWER
        if not scenario.results:
            return BEYOND
        if reporter == ANONYMOUS:
            return NO_CONTACT
        if channel == Channel.PATROL:
            return ON_SPOT
        if scenario.beyond and rng.random() < 0.35:
            return BEYOND
        if scenario.disagreement and rng.random() < 0.35:
            return DISAGREEMENT
        if kind == Kind.COMPLAINT and rng.random() < 0.03:
            return SENSITIVE
        if kind == Kind.HELP:
            return ON_SPOT if rng.random() < 0.6 else SATISFIED
        if kind == Kind.REPAIR:
            return ON_SPOT if rng.random() < 0.4 else SATISFIED
        return SATISFIED

    def _make(
        self,
        scenario: Scenario,
        project: ProjectData,
        household: Household,
        channel: str,
        reporter: str,
        target: str,
        path: str,
        flags: set[str],
        *,
        after: datetime | None = None,
    ) -> Plan:
        rng = self.rng
        room = household.room
        # A dispute left reopened by its callback is recent; one that was closed took weeks.
        long_path = bool(flags & {"rework", "reopen_after_close"}) or (
            path == DISAGREEMENT and target != S.REOPENED
        )
        if after is not None:
            received = min(after, self.now - timedelta(minutes=20))
        else:
            received = received_time(
                rng, self.now, target, scenario, long_path=long_path, late="late" in flags
            )
        registered = min(
            received + registration_delay(rng, channel, scenario), self.now - timedelta(minutes=2)
        )
        count = len(scenario.descriptions)
        if channel == Channel.PATROL:
            texts = scenario.patrol
            variant = rng.choice([i for i, text in enumerate(texts) if text])
        else:
            texts = scenario.descriptions
            variant = rng.randrange(count)
        place = scenario.places[variant] if len(scenario.places) == count else scenario.place
        ctx = build_context(rng, project.code, project.spec, room, received, place)
        plan = Plan(
            scenario,
            project,
            room,
            channel,
            reporter,
            target,
            path,
            received,
            registered,
            ctx,
            flags=flags,
            variant=variant,
            variants=count,
        )
        plan.satisfaction = weighted(rng, FINAL_SATISFACTION)
        who = self._reporter(plan, household)
        body = render(texts[variant], ctx)
        extras = EXTRAS.get(scenario.kind, ())
        if extras and channel != Channel.PATROL and rng.random() < 0.45:
            body += rng.choice(extras)
        plan.description = (
            opening(
                rng,
                channel,
                scenario.kind,
                who,
                anonymous=reporter == ANONYMOUS,
                project_name=project.spec.name,
                received_at=received,
            )
            + body
        )
        if channel != Channel.PATROL and rng.random() < 0.9:
            plan.expectation = aligned(rng, scenario.expectations, ctx, variant, count)
        return plan

    def _reporter(self, plan: Plan, household: Household) -> str:
        """Fill in who reported it and return how the record names them."""
        rng = self.rng
        if plan.channel == Channel.PATROL:
            plan.contact_name = rng.choice(GUARD_TITLES) + self.names.name()
            return plan.contact_name
        if plan.channel == Channel.MEDIA:
            name = honorific(self.names.name())
            plan.contact_name = f"{rng.choice(MEDIA[plan.project.spec.region])}记者{name}"
            plan.contact_phone = self.names.phone()
            return plan.contact_name
        if plan.reporter_type == ANONYMOUS:
            return (
                "市民(未留姓名)"
                if plan.channel == Channel.GOVERNMENT
                else rng.choice(ANONYMOUS_WHO)
            )
        if plan.reporter_type == CONTACT:
            label = plan.scenario.contact or rng.choice(
                HOME_CONTACTS if plan.scenario.where == HOME else SITE_CONTACTS
            )
            name = honorific(self.names.name(female=label.endswith(FEMALE_LABELS) or None))
            plan.contact_name = f"{name}({label})"
            plan.contact_phone = self.names.phone() if rng.random() < 0.85 else ""
            return f"{label}{name}"
        if plan.scenario.owners_only:
            index = household.relations.index(Relation.OWNER)
        else:
            index = 0 if rng.random() < 0.8 else rng.randrange(len(household.members))
        plan.resident = household.members[index]
        return who_for_resident(household.room, household.relations[index], plan.resident.name)
