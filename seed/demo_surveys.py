"""The demo's needs surveys: a closed community survey on elderly care with its results (and
paper answers from residents without an account), and an open one on parking and charging
that the demo "resident" has not answered yet (the tour answers it).

Drawn from `demo.extra_rng` only, after every other part of the demo, so that the other
parts' draws (and the figures tests rely on) stay as they were."""

from __future__ import annotations

from datetime import timedelta

from db.models import (
    Survey,
    SurveyAnswer,
    SurveyBuilding,
    SurveyOption,
    SurveyQuestion,
    SurveyResponse,
)

# (title, intro, days opened ago, days it ran, closed, questions: (kind, prompt, options))
SURVEYS = [
    (
        "社区养老服务需求调查",
        "居委会计划明年增加养老服务项目，想了解大家最需要什么。填写约需两分钟。",
        40,
        21,
        True,
        [
            (
                "single",
                "您最希望社区增加哪项养老服务？",
                ["老年助餐点", "日间照料", "上门探访", "健康讲座"],
            ),
            (
                "multiple",
                "您或家人愿意参与哪些志愿服务？",
                ["陪老人聊天", "代买代办", "教用智能手机", "暂不参与"],
            ),
            ("rating", "您对目前社区养老服务的满意度", []),
            ("ranking", "请按重要性为以下适老化改造排序", ["加装电梯", "楼道扶手", "无障碍坡道"]),
            ("text", "还有什么建议？", []),
        ],
    ),
    (
        "停车与充电需求调查",
        "小区停车位紧张，电动车充电不便。请告诉我们您的需求，结果将用于制定停车方案。",
        3,
        14,
        False,
        [
            (
                "single",
                "您家最需要哪种设施？",
                ["汽车停车位", "电动自行车充电桩", "汽车充电桩", "都不需要"],
            ),
            ("rating", "您对目前小区停车秩序的满意度", []),
            ("text", "您对停车和充电还有什么想法？", []),
        ],
    ),
]
SUGGESTIONS = [
    "希望助餐点离家近一些",
    "周末也能有活动就好了",
    "楼道太暗，老人上下楼不安全",
    "希望有人定期上门看看独居老人",
    "充电桩最好装在车棚里",
    "晚上停车太难了",
    "电动车在楼道充电很危险，希望尽快解决",
    "可以和物业一起商量收费标准",
]


def build_surveys(demo) -> None:
    rng = demo.extra_rng
    holders = demo.account_holders[1:]  # not the demo "resident": the tour answers the open one
    without_account = [r["id"] for r in demo.residents if r["id"] not in demo.account_of]
    for title, intro, opened_ago, days, closed, questions in SURVEYS:
        opens = demo.now - timedelta(days=opened_ago)
        closes = opens + timedelta(days=days)
        sid = demo.add(
            Survey,
            community_id=1,
            title=title,
            intro=intro,
            scope="community",
            status="closed" if closed else "open",
            opens_at=opens,
            closes_at=closes,
            created_by=2,
            created_at=opens - timedelta(days=2),
            updated_at=opens,
            opened_at=opens,
            closed_at=closes if closed else None,
        )
        asked = []
        for position, (kind, prompt, labels) in enumerate(questions, start=1):
            qid = demo.add(
                SurveyQuestion,
                survey_id=sid,
                position=position,
                kind=kind,
                prompt=prompt,
                required=kind != "text",
            )
            options = [
                demo.add(SurveyOption, question_id=qid, position=p, label=label)
                for p, label in enumerate(labels, start=1)
            ]
            asked.append((qid, kind, options))
        online = rng.sample(holders, min(len(holders), len(holders) * (3 if closed else 1) // 10))
        paper = rng.sample(
            without_account,
            min(len(without_account), len(without_account) // (15 if closed else 40)),
        )
        last = min(demo.now, closes)
        for resident_id, channel in [(r, "online") for r in online] + [
            (r, "offline") for r in paper
        ]:
            at = opens + (last - opens) * rng.random()
            user_id = demo.account_of.get(resident_id)
            older = demo.residents[resident_id - 1]["age_band"] in ("60-74", "75+")
            rid = demo.add(
                SurveyResponse,
                survey_id=sid,
                resident_id=resident_id,
                user_id=user_id,
                channel=channel,
                entered_by=2 if channel == "offline" else None,
                created_at=at,
                updated_at=at,
            )
            for qid, kind, options in asked:
                _answer(demo, rng, rid, qid, kind, options, older)
            demo.event("survey_answer", resident_id, user_id, at, channel, "survey", sid)


def _answer(demo, rng, rid: int, qid: int, kind: str, options: list[int], older: bool) -> None:
    """One question's answer rows; older residents lean to the first options (care)."""
    if kind == "single":
        weights = [4, 3, 2, 1] if older else [1, 2, 2, 2]
        demo.add(
            SurveyAnswer,
            response_id=rid,
            question_id=qid,
            option_id=rng.choices(options, weights[: len(options)])[0],
        )
    elif kind == "multiple":
        for option in sorted(rng.sample(options[:-1], rng.randint(1, 2))):
            demo.add(SurveyAnswer, response_id=rid, question_id=qid, option_id=option)
    elif kind == "rating":
        demo.add(
            SurveyAnswer,
            response_id=rid,
            question_id=qid,
            rating=rng.choices([1, 2, 3, 4, 5], [1, 2, 4, 3, 1])[0],
        )
    elif kind == "ranking":
        order = options[:] if older and rng.random() < 0.6 else rng.sample(options, len(options))
        for rank, option in enumerate(order, start=1):
            demo.add(SurveyAnswer, response_id=rid, question_id=qid, option_id=option, rank=rank)
    elif rng.random() < 0.3:
        demo.add(SurveyAnswer, response_id=rid, question_id=qid, text=rng.choice(SUGGESTIONS))


SURVEY_TABLES = [Survey, SurveyBuilding, SurveyQuestion, SurveyOption, SurveyResponse, SurveyAnswer]
