"""Stratified sortition: drawing a fair panel of residents."""

MESSAGES = {
    "sortition.bad_k": (
        "小组人数必须至少为 1（当前 {k}）。",
        "The panel needs at least 1 member (got {k}).",
    ),
    "sortition.pool_too_small": (
        "候选人只有 {pool} 人，少于小组人数 {k}。",
        "The pool has only {pool} people, fewer than the panel size {k}.",
    ),
    "sortition.unknown_feature": (
        "名册中没有“{feature}”这一项。",
        "The roster has no feature “{feature}”.",
    ),
    "sortition.bad_quota": (
        "“{feature}”的名额设置无效（{value}）：下限不能大于上限，且须为非负整数。",
        "Invalid quota for “{feature}” ({value}): the minimum may not exceed the maximum, and both must be whole numbers of at least 0.",
    ),
    "sortition.minimums_exceed_k": (
        "“{feature}”各组下限之和 {total} 超过小组人数 {k}。",
        "The minimums for “{feature}” add up to {total}, more than the panel size {k}.",
    ),
    "sortition.quota_infeasible": (
        "无法满足“{feature} = {value}”的名额 {minimum}–{maximum}（候选人中有 {available} 人）。",
        "The quota {minimum}–{maximum} for “{feature} = {value}” cannot be met ({available} in the pool).",
    ),
    "sortition.maximums_below_k": (
        "“{feature}”各组上限之和 {total} 小于小组人数 {k}。",
        "The maximums for “{feature}” add up to {total}, less than the panel size {k}.",
    ),
    "sortition.missing_person_id": (
        "候选名单缺少 person_id 列。",
        "The pool has no person_id column.",
    ),
    "sortition.duplicate_person": (
        "候选名单中 {person_id} 出现了不止一次。",
        "Person {person_id} appears more than once in the pool.",
    ),
    "sortition.quotas_infeasible": (
        "这组名额无法同时满足，请放宽一些名额。",
        "These quotas cannot all be met together; please relax some of them.",
    ),
    "sortition.bad_share": (
        "“{feature} = {value}”的人口比例无效。",
        "Invalid population share for “{feature} = {value}”.",
    ),
    "sortition.bad_slack": (
        "名额浮动值必须是非负整数。",
        "The quota slack must be a whole number of at least 0.",
    ),
}
