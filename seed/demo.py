"""Deterministic generator of the demo "W community".

`python -m seed.demo [--residents N] [--seed S]` fills an empty database with a roster of N
residents (default 1,500) in 12 buildings, about one account per five residents, staff
accounts, responsible actors, a census baseline, and activity whose distribution is
realistically unequal: a small group of active retirees does much of the talking. The same
seed gives the same community; dates are placed relative to `now`, so the demo stays current.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert
from sqlmodel import select

from core.accounts.passwords import hash_password
from core.audit import record
from core.principal import SYSTEM
from db.engine import write_session
from db.models import (
    ActivitySignup,
    Actor,
    Announcement,
    Ballot,
    Building,
    CensusBaseline,
    Comment,
    CommentFlag,
    Community,
    Hearing,
    HearingAttendance,
    HearingProposal,
    HearingRegistration,
    Organisation,
    OrganisationActivity,
    OrganisationMember,
    ParticipationEvent,
    Poll,
    PollOption,
    Proposal,
    ProposalStatusChange,
    Resident,
    Support,
    Testimony,
    User,
    VolunteerRecord,
    VoterRoll,
)
from db.models.base import table_of, utcnow
from db.models.hearings import SpeakerRole
from db.models.people import Role
from seed import demo_content as content
from seed.demo_organisations import build_organisations
from seed.demo_surveys import SURVEY_TABLES, build_surveys

DEMO_PASSWORD = "yishiting-demo-2026"
STAFF = [
    ("admin", "系统管理员", "admin"),
    ("moderator", "居委会 李敏", "moderator"),
    ("researcher", "研究员 陈静", "researcher"),
]
AGE_WEIGHTS = {"18-29": 0.17, "30-44": 0.31, "45-59": 0.22, "60-74": 0.21, "75+": 0.09}
RESIDENCY_WEIGHTS = {"local_registered": 0.46, "migrant": 0.34, "renter": 0.20}
EDUCATION_WEIGHTS = {
    "primary": 0.12,
    "secondary": 0.33,
    "vocational": 0.22,
    "bachelor": 0.28,
    "postgraduate": 0.05,
}
# How likely a resident of each age band is to have an account.
ACCOUNT_LIKELIHOOD = {"18-29": 0.9, "30-44": 1.0, "45-59": 0.8, "60-74": 1.1, "75+": 0.25}
LIFECYCLE = [
    "submitted",
    "under_review",
    "open_for_discussion",
    "in_hearing",
    "voting",
    "accepted",
    "in_progress",
    "implemented",
]
BASELINE_SOURCE = "Synthetic demo baseline (the generator's sampling shares), not official data"


@dataclass(frozen=True)
class Plan:
    """Exact amounts of activity for one community, where the demo's own proportions (about
    40 proposals, 17 comments each and 2 polls per 1,500 residents) are not wanted: the
    district benchmark asks for 10,000 proposals, 100,000 comments, 200 polls and 300,000
    ballots over 10 communities."""

    proposals: int
    comments: int
    polls: int
    ballots: int


class Demo:
    def __init__(
        self,
        *,
        residents: int,
        seed: int,
        now: datetime,
        progress: Callable[[float, str], None] | None,
        plan: Plan | None = None,
    ):
        self.rng = random.Random(seed)
        # A second stream for later additions, so that they leave the first one's draws as
        # they were (the demo's figures stay the same for a seed).
        self.extra_rng = random.Random(seed + 1)
        self.n_residents = residents
        self.plan = plan
        self.now = now
        self.progress = progress or (lambda fraction, label: None)
        self.rows: dict[type, list[dict]] = {}
        self.ids: dict[type, int] = {}

    # -- helpers --------------------------------------------------------------------------
    def add(self, model, **values) -> int:
        next_id = self.ids.get(model, 0) + 1
        self.ids[model] = next_id
        values.setdefault("id", next_id)
        self.rows.setdefault(model, []).append(values)
        return next_id

    def pick(self, weights: dict[str, float]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def ago(self, max_days: float, min_days: float = 0.0) -> datetime:
        return self.now - timedelta(days=self.rng.uniform(min_days, max_days))

    def event(
        self,
        kind,
        resident_id,
        user_id,
        at,
        channel="online",
        object_type=None,
        object_id=None,
        amount=1.0,
    ):
        self.add(
            ParticipationEvent,
            community_id=1,
            resident_id=resident_id,
            user_id=user_id,
            kind=kind,
            channel=channel,
            object_type=object_type,
            object_id=object_id,
            amount=amount,
            at=at,
        )

    # -- the community ----------------------------------------------------------------------
    def build_structure(self):
        self.add(
            Community,
            name="W社区",
            timezone="Asia/Shanghai",
            support_threshold=0.05,
            created_at=self.now - timedelta(days=400),
        )
        for number in range(1, 13):
            self.add(
                Building,
                community_id=1,
                code=f"B{number:02d}",
                name=f"{number}号楼",
                created_at=self.now - timedelta(days=400),
            )
        for name, kind in content.ACTORS:
            self.add(
                Actor,
                community_id=1,
                name=name,
                kind=kind,
                active=True,
                created_at=self.now - timedelta(days=400),
            )
        for dimension, weights in (
            ("age_band", AGE_WEIGHTS),
            ("residency_status", RESIDENCY_WEIGHTS),
            ("education", EDUCATION_WEIGHTS),
        ):
            for group, share in weights.items():
                self.add(
                    CensusBaseline,
                    community_id=1,
                    dimension=dimension,
                    group=group,
                    share=share,
                    source=BASELINE_SOURCE,
                    year=2020,
                )

    def build_roster(self):
        rng = self.rng
        self.residents: list[dict] = []
        building_weights = [rng.uniform(0.6, 1.4) for _ in range(12)]
        for index in range(self.n_residents):
            age = self.pick(AGE_WEIGHTS)
            residency = self.pick(RESIDENCY_WEIGHTS)
            if age in ("60-74", "75+"):
                occupation = "retired" if rng.random() < 0.85 else "self_employed"
            elif age == "18-29" and rng.random() < 0.25:
                occupation = "student"
            else:
                occupation = rng.choices(
                    ["employed", "self_employed", "unemployed", "homemaker"],
                    [0.68, 0.17, 0.06, 0.09],
                )[0]
            years = rng.randint(0, 40) if residency == "local_registered" else rng.randint(0, 8)
            consent = rng.random() < 0.7
            building = rng.choices(range(1, 13), building_weights)[0]
            row = dict(
                community_id=1,
                building_id=building,
                full_name=rng.choice(content.SURNAMES) + rng.choice(content.GIVEN),
                unit=f"{rng.randint(1, 6)}{rng.randint(1, 4):02d}",
                age_band=age,
                gender=rng.choice(["female", "male"]),
                education=self.pick(EDUCATION_WEIGHTS)
                if age != "75+"
                else rng.choice(["primary", "secondary"]),
                occupation=occupation,
                residency_status=residency,
                years_in_community=years,
                research_consent=consent,
                research_consent_at=self.now - timedelta(days=300) if consent else None,
                invitation_consent=self.extra_rng.random() < 0.45,
                source="roster",
                verified_at=self.now - timedelta(days=300),
                created_at=self.now - timedelta(days=380),
            )
            row["id"] = self.add(Resident, **row)
            self.residents.append(row)
            if index % 5000 == 0:
                self.progress(0.3 * index / self.n_residents, "roster")

    def build_accounts(self):
        rng = self.rng
        password_hash = hash_password(DEMO_PASSWORD)
        for username, name, role in STAFF:
            self.add(
                User,
                community_id=1,
                username=username,
                display_name=name,
                password_hash=password_hash,
                role=role,
                locale="zh-CN",
                active=True,
                created_at=self.now - timedelta(days=390),
            )
        self.account_of: dict[int, int] = {}
        target = max(1, self.n_residents // 5)
        weights = [ACCOUNT_LIKELIHOOD[r["age_band"]] for r in self.residents]
        drawn: set[int] = set()
        while len(drawn) < target:
            drawn.update(r["id"] for r in rng.choices(self.residents, weights, k=target))
        chosen = sorted(drawn)[:target] if len(drawn) > target else sorted(drawn)
        for position, resident_id in enumerate(chosen):
            resident = self.residents[resident_id - 1]
            username = "resident" if position == 0 else f"r{resident_id:06d}"
            user_id = self.add(
                User,
                community_id=1,
                username=username,
                display_name=resident["full_name"],
                password_hash=password_hash,
                role=Role.RESIDENT,
                locale="zh-CN",
                resident_id=resident_id,
                active=True,
                created_at=self.now - timedelta(days=rng.uniform(30, 370)),
            )
            self.account_of[resident_id] = user_id
        # Activity weights: a few active retirees talk most; others follow a heavy tail.
        self.weight: dict[int, float] = {}
        retirees = [
            rid
            for rid in self.account_of
            if self.residents[rid - 1]["age_band"] == "60-74"
            and self.residents[rid - 1]["occupation"] == "retired"
        ]
        elite = set(rng.sample(retirees, min(len(retirees), max(5, len(self.account_of) // 12))))
        for rid in self.account_of:
            self.weight[rid] = 25.0 if rid in elite else rng.paretovariate(1.6) - 0.7
        self.account_holders = list(self.account_of)
        self.account_weights = [max(0.05, self.weight[r]) for r in self.account_holders]

    def someone(self) -> int:
        return self.rng.choices(self.account_holders, self.account_weights)[0]

    def some_people(self, k: int) -> list[int]:
        people = set()
        for _ in range(k * 3):
            people.add(self.someone())
            if len(people) >= k:
                break
        return list(people)

    # -- activity -----------------------------------------------------------------------------
    def build_proposals(self):
        rng = self.rng
        count = self.plan.proposals if self.plan else max(12, round(40 * self.n_residents / 1500))
        quota = self.comment_quota(count)
        self.proposals = []
        for index in range(count):
            kind, category, title, body, actor = content.PROPOSALS[index % len(content.PROPOSALS)]
            author = self.someone()
            resident = self.residents[author - 1]
            building_code = f"{resident['building_id']}号楼"
            created = self.ago(180, 3)
            final = rng.choices(LIFECYCLE + ["rejected"], [6, 5, 8, 2, 2, 3, 3, 3, 2])[0]
            path = (
                LIFECYCLE[: LIFECYCLE.index(final) + 1]
                if final != "rejected"
                else ["submitted", "under_review", "open_for_discussion", "rejected"]
            )
            pid = self.ids.get(Proposal, 0) + 1
            at = created
            history = []
            for previous, status in zip([None, *path[:-1]], path, strict=True):
                history.append(
                    dict(
                        proposal_id=pid,
                        from_status=previous,
                        to_status=status,
                        reason="不符合社区公共利益范围，转交业主大会讨论"
                        if status == "rejected"
                        else None,
                        by_user_id=2 if previous else self.account_of[author],
                        at=at,
                    )
                )
                at = min(self.now, at + timedelta(days=rng.uniform(1, 12)))
            assigned = history[1]["at"] if len(history) > 1 else None
            answered = len(path) >= 3
            self.add(
                Proposal,
                community_id=1,
                kind=kind,
                category=category,
                title=title.format(b=building_code)[:120],
                body=body.format(b=building_code),
                building_id=resident["building_id"] if "{b}" in title + body else None,
                author_id=self.account_of[author],
                status=final,
                actor_id=actor + 1 if assigned else None,
                assigned_at=assigned,
                clock_started_at=assigned,
                answer_text="已收到，正在与相关单位协调，预计一个月内答复具体方案。"
                if answered
                else None,
                answered_at=history[2]["at"] if answered else None,
                progress_pct={"in_progress": 40, "implemented": 100}.get(final, 0),
                created_at=created,
                updated_at=at,
            )
            for change in history:
                self.add(ProposalStatusChange, **change)
            self.event(
                kind,
                author,
                self.account_of[author],
                created,
                object_type="proposal",
                object_id=pid,
            )
            self.proposals.append(dict(id=pid, created=created, author=author))
            self.build_thread(pid, created, author, quota[index] if quota else None)
        self.progress(0.6, "proposals")

    def comment_quota(self, proposals: int) -> list[int] | None:
        """The planned comments split over the proposals, heavy-tailed (a few threads draw
        most of them) and summing exactly to the plan; None without a plan."""
        if not self.plan:
            return None
        weights = [self.extra_rng.paretovariate(1.3) for _ in range(proposals)]
        total = sum(weights)
        quota = [int(self.plan.comments * w / total) for w in weights]
        for index in self.extra_rng.sample(range(proposals), self.plan.comments - sum(quota)):
            quota[index] += 1
        return quota

    def build_thread(self, pid: int, created: datetime, author: int, planned: int | None = None):
        rng = self.rng
        supporters = self.some_people(int(rng.paretovariate(1.2) * 6))
        support_count = 0
        for resident_id in supporters:
            if resident_id == author:
                continue
            at = min(self.now, created + timedelta(days=rng.uniform(0, 30)))
            self.add(
                Support,
                proposal_id=pid,
                resident_id=resident_id,
                user_id=self.account_of[resident_id],
                channel="online",
                created_at=at,
            )
            self.event(
                "support", resident_id, self.account_of[resident_id], at, "online", "proposal", pid
            )
            support_count += 1
        comments: list[int] = []
        depth: dict[int, int] = {}
        count = int(rng.paretovariate(1.3) * 4)
        for _ in range(count if planned is None else planned):
            writer = self.someone()
            at = min(self.now, created + timedelta(days=rng.uniform(0, 40)))
            parent = rng.choice(comments) if comments and rng.random() < 0.35 else None
            cid = self.ids.get(Comment, 0) + 1
            depth[cid] = depth[parent] + 1 if parent else 0
            self.add(
                Comment,
                proposal_id=pid,
                parent_id=parent,
                depth=depth[cid],
                author_id=self.account_of[writer],
                body=rng.choice(content.COMMENTS),
                agree_count=rng.randint(0, 6),
                disagree_count=rng.randint(0, 2),
                created_at=at,
            )
            comments.append(cid)
            self.event("comment", writer, self.account_of[writer], at, "online", "comment", cid)
        if comments and rng.random() < 0.15:
            flagger = self.someone()
            self.add(
                CommentFlag,
                comment_id=comments[-1],
                user_id=self.account_of[flagger],
                reason="言辞不当",
                created_at=self.now - timedelta(hours=rng.uniform(1, 48)),
            )
        row = self.rows[Proposal][pid - 1]
        row["support_count"], row["comment_count"] = support_count, len(comments)

    def build_hearings(self):
        rng = self.rng
        plans = [("minutes_published", -20), ("open", 10), ("registration_closed", 3)]
        for (kind, title, description, place), (status, days) in zip(
            content.HEARINGS, plans, strict=True
        ):
            starts = (self.now + timedelta(days=days)).replace(
                hour=2, minute=0, second=0, microsecond=0
            )
            hid = self.add(
                Hearing,
                community_id=1,
                kind=kind,
                title=title,
                description=description,
                status=status,
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                place=place,
                capacity=max(30, self.n_residents // 30),
                registration_deadline=starts - timedelta(days=1),
                audience="community",
                minutes_md=(
                    "## 会议纪要\n\n与会居民就方案充分发言，形成以下意见：\n\n- 同意进入投票程序\n"
                )
                if status == "minutes_published"
                else None,
                minutes_published_at=starts + timedelta(days=2)
                if status == "minutes_published"
                else None,
                created_by=2,
                created_at=starts - timedelta(days=20),
            )
            if self.proposals:
                self.add(
                    HearingProposal,
                    hearing_id=hid,
                    proposal_id=rng.choice(self.proposals)["id"],
                    outcome="moves_to_vote" if status == "minutes_published" else None,
                )
            capacity = max(30, self.n_residents // 30)
            registrants = self.some_people(int(capacity * 0.8))
            for resident_id in registrants:
                at = starts - timedelta(days=rng.uniform(2, 15))
                self.add(
                    HearingRegistration,
                    hearing_id=hid,
                    resident_id=resident_id,
                    status="registered",
                    channel="online",
                    created_at=at,
                )
                self.event(
                    "hearing_registration",
                    resident_id,
                    self.account_of[resident_id],
                    at,
                    "online",
                    "hearing",
                    hid,
                )
            if status != "minutes_published":
                continue
            # Attendance: most registrants, plus residents without an account at the door.
            walk_ins = rng.sample(self.residents, min(len(self.residents), capacity // 3))
            attendees = [(r, "online") for r in registrants if rng.random() < 0.8]
            attendees += [
                (r["id"], "offline")
                for r in walk_ins
                if r["id"] not in registrants and r["id"] not in self.account_of
            ]
            for resident_id, channel in attendees:
                self.add(
                    HearingAttendance,
                    hearing_id=hid,
                    resident_id=resident_id,
                    channel=channel,
                    checked_in_by=2,
                    created_at=starts,
                )
                self.event(
                    "attendance",
                    resident_id,
                    self.account_of.get(resident_id),
                    starts,
                    channel,
                    "hearing",
                    hid,
                )
            for order, (resident_id, channel) in enumerate(attendees[:8]):
                seconds = rng.randint(60, 420)
                self.add(
                    Testimony,
                    hearing_id=hid,
                    resident_id=resident_id,
                    speaker_name=self.residents[resident_id - 1]["full_name"],
                    speaker_role=SpeakerRole.RESIDENT,
                    position=rng.choice(["for", "against", "neutral"]),
                    turn_order=order + 1,
                    started_at=starts,
                    seconds_spoken=seconds,
                    created_at=starts,
                )
                self.event(
                    "speaking",
                    resident_id,
                    self.account_of.get(resident_id),
                    starts,
                    channel,
                    "hearing",
                    hid,
                    amount=seconds,
                )
        self.progress(0.75, "hearings")

    def build_announcements(self):
        for days, kind, title, body, building, pinned in content.ANNOUNCEMENTS:
            self.add(
                Announcement,
                community_id=1,
                building_id=building,
                kind=kind,
                title=title,
                body=body,
                pinned=pinned,
                author_id=2,
                published_at=self.now - timedelta(days=days),
            )

    def build_polls(self):
        if self.plan:
            return self.build_planned_polls(self.plan)
        rng = self.rng
        for index, (method, title, options) in enumerate(content.POLLS):
            closed = index == 0
            pid, opens, option_ids = self.add_poll(method, title, options, closed)
            voters = self.some_people(int(len(self.account_holders) * (0.35 if closed else 0.15)))
            paper = rng.sample(self.residents, min(len(self.residents), len(voters) // 5))
            ballots = [(r, "online") for r in voters]
            ballots += [
                (r["id"], "offline")
                for r in paper
                if r["id"] not in voters and r["id"] not in self.account_of
            ]
            for resident_id, channel in ballots:
                self.add_ballot(pid, method, opens, option_ids, resident_id, channel)
        self.progress(0.85, "polls")

    def build_planned_polls(self, plan: Plan):
        """The plan's polls, half of them closed, with its ballots spread evenly: residents
        with an account vote online, the others on paper."""
        for index in range(plan.polls):
            method, title, options = content.POLLS[index % len(content.POLLS)]
            closed = index < plan.polls // 2
            pid, opens, option_ids = self.add_poll(
                method, f"{title}（第{index + 1}期）", options, closed
            )
            share = plan.ballots // plan.polls + (index < plan.ballots % plan.polls)
            for row in self.rng.sample(self.residents, min(share, len(self.residents))):
                channel = "online" if row["id"] in self.account_of else "offline"
                self.add_ballot(pid, method, opens, option_ids, row["id"], channel)
        self.progress(0.85, "polls")

    def add_poll(self, method: str, title: str, options: list[str], closed: bool):
        """(poll id, opening time, option ids) of a new secret poll, closed or still open."""
        opens = self.now - timedelta(days=30 if closed else 3)
        pid = self.add(
            Poll,
            community_id=1,
            title=title,
            method=method,
            status="closed" if closed else "open",
            opens_at=opens,
            closes_at=opens + timedelta(days=14),
            quorum=0.1 if method == "majority" else 0.0,
            secret=True,
            max_choices=2 if method == "approval" else None,
            created_by=2,
            created_at=opens - timedelta(days=2),
        )
        codes = ("yes", "no", "abstain") if method == "majority" else (None,) * len(options)
        option_ids = [
            self.add(PollOption, poll_id=pid, label=label, position=position, code=code)
            for position, (label, code) in enumerate(zip(options, codes, strict=True))
        ]
        return pid, opens, option_ids

    def add_ballot(
        self,
        pid: int,
        method: str,
        opens: datetime,
        option_ids: list[int],
        resident_id: int,
        channel: str,
    ):
        rng = self.rng
        at = min(self.now, opens + timedelta(days=rng.uniform(0, 14)))
        self.add(
            VoterRoll,
            poll_id=pid,
            resident_id=resident_id,
            user_id=self.account_of.get(resident_id),
            channel=channel,
            entered_by=2 if channel == "offline" else None,
            voted_at=at,
        )
        chosen = (
            [rng.choices(option_ids, [5, 3, 1])[0]]
            if method == "majority"
            else sorted(rng.sample(option_ids, rng.randint(1, 2)))
        )
        receipt = secrets.token_hex(8)  # demo voters never see theirs
        self.add(
            Ballot,
            id=secrets.token_hex(16),
            poll_id=pid,
            choice=json.dumps(chosen, separators=(",", ":")),
            receipt_hash=hashlib.sha256(receipt.encode()).hexdigest(),
        )
        self.event("vote", resident_id, self.account_of.get(resident_id), at, channel, "poll", pid)

    def generate(self) -> dict[str, int]:
        self.build_structure()
        self.build_roster()
        self.build_accounts()
        self.build_proposals()
        self.build_hearings()
        self.build_polls()
        self.build_announcements()
        build_organisations(self)  # draws from extra_rng only, after everything else
        build_surveys(self)  # extra_rng only, last: the draws above stay as they were
        return {table_of(model).name: len(rows) for model, rows in self.rows.items()}


ORDER = [
    Community,
    Building,
    Actor,
    CensusBaseline,
    Resident,
    User,
    Proposal,
    ProposalStatusChange,
    Support,
    Comment,
    CommentFlag,
    Hearing,
    HearingProposal,
    HearingRegistration,
    HearingAttendance,
    Testimony,
    Poll,
    PollOption,
    VoterRoll,
    Ballot,
    ParticipationEvent,
    Announcement,
    Organisation,
    OrganisationMember,
    OrganisationActivity,
    ActivitySignup,
    VolunteerRecord,
    *SURVEY_TABLES,
]


def is_empty() -> bool:
    with write_session() as s:
        return s.exec(select(func.count()).select_from(Community)).one() == 0


def insert_rows(s, rows: dict[type, list[dict]]) -> None:
    """Bulk-insert generated rows, parents first, in batches."""
    for model in ORDER:
        batch = rows.get(model, [])
        for start in range(0, len(batch), 10_000):
            s.execute(insert(model), batch[start : start + 10_000])


def finish_load(s) -> None:
    """After a bulk load: PostgreSQL's id sequences moved past the ids given, and the closed
    polls' tallies frozen as closing them would have."""
    if s.get_bind().dialect.name == "postgresql":
        for model in ORDER:
            if model is not Ballot:
                table = table_of(model).name
                pk = next(iter(table_of(model).primary_key.columns)).name
                s.exec(
                    select(
                        func.setval(
                            func.pg_get_serial_sequence(f'"{table}"', pk),
                            select(
                                func.coalesce(func.max(getattr(model, pk)), 0) + 1
                            ).scalar_subquery(),
                            False,
                        )
                    )
                )
    from core.voting.polls import freeze_tally

    for poll in s.exec(select(Poll).where(Poll.status == "closed")).all():
        freeze_tally(s, poll)


def progress_bar(fraction: float, label: str) -> None:
    """A progress line on standard error, for the command-line loaders."""
    print(
        f"\r[{'#' * int(fraction * 30):<30}] {fraction:4.0%} {label:<12}",
        end="",
        file=sys.stderr,
        flush=True,
    )


def load_demo(
    *,
    residents: int = 1500,
    seed: int = 2026,
    now: datetime | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> dict[str, int]:
    """Generate the demo community into an empty database; return rows written per table."""
    demo = Demo(
        residents=residents,
        seed=seed,
        now=now or utcnow().replace(microsecond=0),
        progress=progress,
    )
    counts = demo.generate()
    with write_session() as s:
        if s.exec(select(func.count()).select_from(Community)).one():
            raise RuntimeError("the database already holds a community; demo not loaded")
        insert_rows(s, demo.rows)
        finish_load(s)
        record(
            s,
            actor=SYSTEM,
            action="demo.load",
            object_type="community",
            object_id=1,
            payload={"residents": residents, "seed": seed},
        )
    demo.progress(1.0, "done")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--if-empty",
        action="store_true",
        help="do nothing (and succeed) when a community already exists",
    )
    args = parser.parse_args(argv)
    if args.residents < 50:
        parser.error("--residents must be at least 50")
    if not is_empty():
        if args.if_empty:
            print("database already has a community; demo not loaded")
            return 0
        print("database already has a community; demo not loaded", file=sys.stderr)
        return 1

    counts = load_demo(residents=args.residents, seed=args.seed, progress=progress_bar)
    print(file=sys.stderr)
    for table, count in counts.items():
        print(f"{table:24} {count:>9,}")
    print(f"demo logins: admin, moderator, researcher, resident / password {DEMO_PASSWORD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
