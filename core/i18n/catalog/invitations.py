"""Fair invitations to hearings by stratified sortition."""

MESSAGES = {
    "invitation.desk": ("抽签邀请公平小组", "Invite a fair panel by lot"),
    "invitation.draw_help": (
        "从本场听证范围内的名册居民中按分层抽签选出一个小组：先设人数和各组名额，预览每组的人数和被抽中概率，再抽签。抽签结果（种子、名额、概率）记入公开日志，任何人都可以核对。",
        "Draw a panel from the roster residents in this hearing's scope by stratified sortition: set the size and each group's quota, preview each group's pool size and chance of selection, then draw. The draw (seed, quotas, probabilities) goes to the public log so anyone can check it.",
    ),
    "invitation.consenting_only": ("只抽同意受邀的居民", "Only residents who agreed to be invited"),
    "invitation.consenting_only_help": (
        "居民可在个人资料中同意被抽签邀请。只抽这部分人时，名额仍按全体人口比例设定，以免同意者的构成带偏小组。",
        "Residents can agree in their profile to be invited by lot. When only they are drawn, quotas still follow the whole population, so that who agreed does not skew the panel.",
    ),
    "invitation.proportional": (
        "按人口比例填入名额",
        "Fill quotas in proportion to the population",
    ),
    "invitation.proportional_help": (
        "有人口普查基准的项目按普查比例，其他项目（如楼栋）按名册比例；每组允许上下浮动 1 人。",
        "Census shares where the census baseline has them, roster shares otherwise (e.g. buildings); each group may be one person over or under.",
    ),
    "invitation.clear_quotas": ("清空名额", "Clear quotas"),
    "invitation.source_census": (
        "“{feature}”按 {year} 年人口普查比例。",
        "“{feature}” follows the {year} census.",
    ),
    "invitation.source_roster": (
        "“{feature}”没有普查基准，按名册比例。",
        "“{feature}” has no census baseline; it follows the roster.",
    ),
    "invitation.dimension": ("项目", "Feature"),
    "invitation.group": ("组", "Group"),
    "invitation.pool_size": ("候选人数", "In the pool"),
    "invitation.minimum": ("最少", "At least"),
    "invitation.maximum": ("最多", "At most"),
    "invitation.preview": ("预览", "Preview"),
    "invitation.computing": ("正在计算最公平的抽签分布…", "Computing the fairest lottery…"),
    "invitation.preview_stale": (
        "设置已更改，请重新预览后再抽签。",
        "The settings changed; preview again before drawing.",
    ),
    "invitation.minimum_probability": ("最低被抽中概率", "Lowest chance of selection"),
    "invitation.minimum_probability_help": (
        "在满足名额的前提下，抽签分布使每位候选人被抽中的最低概率尽可能高（Flanigan 等，2021）。",
        "Within the quotas, the lottery makes the lowest chance any pool member has as high as it can be (Flanigan et al., 2021).",
    ),
    "invitation.probability": ("被抽中概率", "Chance of selection"),
    "invitation.draw": ("抽签并邀请 {k} 人", "Draw and invite {k}"),
    "invitation.drawing": ("正在抽签…", "Drawing…"),
    "invitation.drawn": ("已抽出 {k} 人并发出邀请。", "{k} residents drawn and invited."),
    "invitation.unknown": ("未填写", "Not recorded"),
    "invitation.everyone": ("全体", "Everyone"),
    "invitation.stratum": ("所属层", "Stratum"),
    "invitation.facts_title": (
        "抽签：从 {pool} 人中抽出 {k} 人",
        "Drawn by lot: {k} from {pool} residents",
    ),
    "invitation.facts": (
        "本场听证的 {k} 位受邀居民是从 {pool} 位名册居民中按分层抽签选出的；每位候选人至少有 {minimum} 的机会被抽中。",
        "The {k} invited residents were drawn by stratified lot from {pool} roster residents; every pool member had at least a {minimum} chance of being drawn.",
    ),
    "invitation.facts_consenting": (
        "候选人仅限同意受邀的居民。",
        "The pool was limited to residents who agreed to be invited.",
    ),
    "invitation.facts_seed": (
        "随机种子 {seed} · 候选名单摘要 {digest}… · {at}",
        "Random seed {seed} · pool digest {digest}… · {at}",
    ),
    "invitation.recheck": ("重新核对抽签", "Re-check the draw"),
    "invitation.recheck_ok": (
        "核对一致：用保存的候选名单、名额和种子重新抽签，得到同样的小组。",
        "Checked: redrawing from the stored pool, quotas and seed gives the same panel.",
    ),
    "invitation.recheck_bad": (
        "核对不一致：重新抽签得到的小组与发出的邀请不同。",
        "Mismatch: redrawing gives a different panel from the one invited.",
    ),
    "invitation.you_are_invited": (
        "您被抽签邀请参加本场听证",
        "You have been invited by lot to this hearing",
    ),
    "invitation.mine_invited": (
        "为了让听证会代表全体居民，您是按人口构成随机抽中的。请告诉我们您是否参加。",
        "To make the hearing represent all residents, you were drawn at random by population group. Please tell us whether you will come.",
    ),
    "invitation.mine_accepted": (
        "您已接受邀请，席位为您保留。",
        "You accepted; your seat is kept for you.",
    ),
    "invitation.mine_declined": (
        "您已谢绝邀请。在有人替补之前，您还可以改变主意。",
        "You declined. Until someone replaces you, you can change your mind.",
    ),
    "invitation.mine_attended": (
        "您已签到，感谢参加。",
        "You are checked in. Thank you for coming.",
    ),
    "invitation.accept": ("接受邀请", "Accept"),
    "invitation.decline": ("谢绝", "Decline"),
    "invitation.accepted": (
        "已接受邀请，席位为您保留。",
        "Invitation accepted; your seat is kept for you.",
    ),
    "invitation.declined": ("已谢绝邀请。", "Invitation declined."),
    "invitation.letters": ("下载邀请信名单（CSV）", "Download the letters list (CSV)"),
    "invitation.letters_help": (
        "姓名、楼栋和房号，用于给没有账号的居民送邀请信。",
        "Names, buildings and units, to deliver letters to residents without an account.",
    ),
    "invitation.record_accept": ("记为接受", "Record yes"),
    "invitation.record_decline": ("记为谢绝", "Record no"),
    "invitation.recorded_accept": ("已记录：{name} 接受邀请。", "Recorded: {name} accepts."),
    "invitation.recorded_decline": ("已记录：{name} 谢绝邀请。", "Recorded: {name} declines."),
    "invitation.replace": ("补抽", "Replace"),
    "invitation.replaced": (
        "已从同一层为 {name} 补抽一人并发出邀请。",
        "A replacement for {name} was drawn from the same stratum and invited.",
    ),
    "invitation_status.invited": ("已邀请", "Invited"),
    "invitation_status.accepted": ("已接受", "Accepted"),
    "invitation_status.declined": ("已谢绝", "Declined"),
    "invitation_status.attended": ("已出席", "Attended"),
    # Errors.
    "invitation.pool_changed": (
        "预览之后候选名单有变化，请重新预览后再抽签。",
        "The pool changed since the preview; preview again before drawing.",
    ),
    "invitation.draw_closed": (
        "听证会举行后不能再抽签或补抽。",
        "Panels and replacements can only be drawn before the hearing is held.",
    ),
    "invitation.already_drawn": (
        "本场听证已经抽过签；请为谢绝的人补抽。",
        "This hearing's panel has been drawn already; draw replacements for those who decline.",
    ),
    "invitation.panel_exceeds_capacity": (
        "{k} 人的小组超出了剩余的 {free} 个座位。",
        "A panel of {k} needs more than the {free} seats still free.",
    ),
    "invitation.not_declined": (
        "只能为已谢绝的受邀人补抽。",
        "A replacement can only be drawn for an invitee who declined.",
    ),
    "invitation.already_replaced": (
        "已经为这位受邀人补抽过了。",
        "A replacement has already been drawn for this invitee.",
    ),
    "invitation.stratum_exhausted": (
        "同一层中已没有未受邀的候选人可以补抽。",
        "Nobody in the same stratum is left to invite.",
    ),
    "invitation.answers_closed": (
        "只有在听证会开放期间才能答复邀请。",
        "Invitations can only be answered while the hearing is open.",
    ),
    "invitation.not_invited": (
        "此人没有收到本场听证的邀请。",
        "This person has not been invited to this hearing.",
    ),
    "invitation.already_attended": (
        "已经签到，不能再更改答复。",
        "Already checked in; the answer can no longer change.",
    ),
    "invitation.seat_given_away": (
        "这个席位已由补抽的居民接替。",
        "This seat has gone to a replacement.",
    ),
    "field_name.panel_size": ("小组人数", "Panel size"),
    "field_name.features": ("分层项目", "Stratify by"),
    "field_name.quotas": ("名额", "Quotas"),
    "field_name.seed": ("随机种子", "Random seed"),
    "field_name.invitation_answer": ("对邀请的答复", "Answer to the invitation"),
    "field_name.invitation_consent": (
        "同意被抽签邀请参加听证会和座谈会",
        "I agree to be invited by lot to hearings and forums",
    ),
    "profile.invitation_consent_help": (
        "听证会有时按人口构成随机抽选居民参加，让平时不常发言的人也有机会。同意后您可能收到邀请，每次都可以谢绝。",
        "Hearings sometimes invite residents drawn at random by population group, so that people who rarely speak up get a seat too. If you agree you may be invited; you can always decline.",
    ),
    "hearings.my_invitations": ("您收到了抽签邀请", "You have been invited by lot"),
    "hearings.my_invitation_item": ("{title}（{when}）：{status}", "{title} ({when}): {status}"),
}
