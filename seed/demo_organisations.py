"""The demo's community organisations: the social organisation and the volunteer team among
the demo's actors get a page, a coordinator, members (and a request or two waiting), past
activities with attendance and hours, and one upcoming activity.

Drawn from `demo.extra_rng` only, after every other part of the demo, so that the other
parts' draws (and the figures tests rely on) stay as they were. As in life, a few keen
members carry most of the hours."""

from __future__ import annotations

from datetime import timedelta

from db.models import (
    ActivitySignup,
    Organisation,
    OrganisationActivity,
    OrganisationMember,
    VolunteerRecord,
)
from db.models.organisations import ORGANISATION_KINDS, MemberRole
from seed import demo_content as content

ORGANISATIONS = {
    "social_organisation": (
        "阳光社工服务中心：为社区老人、儿童和困难家庭提供专业社工服务，组织读书会、合唱团和长者课堂。",
        "社区党群服务中心一楼 · 周一至周五 9:00–17:00",
        [
            ("长者智能手机课堂", "教老人使用健康码、视频通话和网上缴费。", "党群服务中心多功能室"),
            ("社区读书会", "本月共读《乡土中国》，欢迎带书来交流。", "社区图书角"),
            ("独居老人电话问候", "志愿者分组给独居老人打电话，了解近况。", "社工站"),
        ],
    ),
    "volunteer_team": (
        "W社区志愿者服务队：楼道清洁、独居老人探访、垃圾分类督导和社区活动保障。",
        "志愿者服务队微信群（居委会可代为加入）",
        [
            ("垃圾分类督导", "早晚高峰在投放点引导居民分类投放。", "各楼栋垃圾投放点"),
            ("楼道清洁日", "清理楼道杂物，张贴消防安全提示。", "3号楼、5号楼"),
            ("独居老人上门探访", "两人一组上门探访，帮忙检查水电燃气。", "社区活动中心集合"),
        ],
    ),
}
# Days from now at which each organisation's activities started (negative: past).
SCHEDULE = (-52, -38, -24, -10, 6)


def build_organisations(demo) -> None:
    rng = demo.extra_rng
    holders = demo.account_holders[1:]  # not the demo "resident": it asks to join in the tour
    for actor_index, (_, kind) in enumerate(content.ACTORS):
        if kind not in ORGANISATION_KINDS:
            continue
        purpose, contact, activities = ORGANISATIONS[kind]
        coordinator = rng.choice(holders)
        oid = demo.add(
            Organisation,
            community_id=1,
            actor_id=actor_index + 1,
            purpose=purpose,
            contact=contact,
            created_by=2,
            created_at=demo.now - timedelta(days=200),
        )
        members = [coordinator] + [
            r for r in rng.sample(holders, min(len(holders), 12)) if r != coordinator
        ][:9]
        for position, rid in enumerate(members):
            demo.add(
                OrganisationMember,
                organisation_id=oid,
                resident_id=rid,
                user_id=demo.account_of[rid],
                role=MemberRole.COORDINATOR if position == 0 else MemberRole.MEMBER,
                status="accepted",
                message="",
                decided_by=2 if position == 0 else demo.account_of[coordinator],
                decided_at=demo.now - timedelta(days=rng.uniform(60, 190)),
                created_at=demo.now - timedelta(days=195),
            )
        waiting = [r for r in rng.sample(holders, min(len(holders), 4)) if r not in members][:2]
        for rid in waiting:
            demo.add(
                OrganisationMember,
                organisation_id=oid,
                resident_id=rid,
                user_id=demo.account_of[rid],
                role=MemberRole.MEMBER,
                status="requested",
                message="我周末有空，想参加志愿服务。",
                created_at=demo.now - timedelta(days=rng.uniform(1, 10)),
            )
        # A few keen members come every time; others now and then.
        keen = members[:3]
        walk_ins = [
            r["id"]
            for r in rng.sample(demo.residents, min(len(demo.residents), 20))
            if r["id"] not in demo.account_of
        ][:4]
        for number, days in enumerate(SCHEDULE):
            title, description, place = activities[number % len(activities)]
            starts = (demo.now + timedelta(days=days)).replace(
                hour=1, minute=0, second=0, microsecond=0
            )
            aid = demo.add(
                OrganisationActivity,
                organisation_id=oid,
                title=title,
                description=description,
                place=place,
                starts_at=starts,
                ends_at=starts + timedelta(hours=3),
                capacity=15,
                created_by=demo.account_of[coordinator],
                created_at=starts - timedelta(days=10),
            )
            others = [r for r in members[3:] if rng.random() < 0.3]
            signed = keen + others
            for rid in signed:
                demo.add(
                    ActivitySignup,
                    activity_id=aid,
                    resident_id=rid,
                    user_id=demo.account_of[rid],
                    status="signed_up",
                    created_at=starts - timedelta(days=rng.uniform(1, 8)),
                )
            if days > 0:
                continue
            came = [(rid, "online") for rid in signed if rid in keen or rng.random() < 0.8]
            came += [(rid, "offline") for rid in walk_ins if rng.random() < 0.4]
            for rid, channel in came:
                hours = rng.choice((1.0, 1.5, 2.0, 2.5, 3.0) if rid in keen else (1.0, 1.5, 2.0))
                recorder = (
                    demo.account_of.get(rid)
                    if channel == "online"
                    else demo.account_of[coordinator]
                )
                demo.add(
                    VolunteerRecord,
                    activity_id=aid,
                    resident_id=rid,
                    hours=hours,
                    channel=channel,
                    recorded_by=recorder,
                    created_at=starts + timedelta(hours=3),
                )
                for event_kind, amount in (
                    ("organisation_activity", 1.0),
                    ("volunteer_hours", hours),
                ):
                    demo.event(
                        event_kind,
                        rid,
                        demo.account_of.get(rid),
                        starts,
                        channel,
                        "organisation_activity",
                        aid,
                        amount=amount,
                    )
