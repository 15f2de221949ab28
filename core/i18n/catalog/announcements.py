"""Announcements: the page, the home page's pinned list, kinds, messages and audit labels."""

MESSAGES = {
    "nav.announcements": ("公告", "Announcements"),
    "announcements.title": ("社区公告", "Community announcements"),
    "announcements.caption": (
        "主持人发布的议事决定、活动通知和结果公示。置顶的公告会显示在首页。",
        "Governance decisions, events and results published by the "
        "moderators. Pinned ones are shown on the home page.",
    ),
    "announcements.new": ("发布公告", "Publish an announcement"),
    "announcements.publish": ("发布", "Publish"),
    "announcements.published": ("公告已发布。", "Announcement published."),
    "announcements.scope": ("发布范围", "For"),
    "announcements.whole_community": ("全社区", "Whole community"),
    "announcements.pin_on_home": ("在首页置顶", "Pin on the home page"),
    "announcements.body_help": (
        "可使用 Markdown：**加粗**、列表、网页链接。",
        "Markdown works: **bold**, lists, web links.",
    ),
    "announcements.show_withdrawn": ("显示已撤回的公告", "Show withdrawn announcements"),
    "announcements.empty": ("暂时没有公告。", "No announcements yet."),
    "announcements.pinned": ("置顶", "Pinned"),
    "announcements.by": ("发布者：{name}", "by {name}"),
    "announcements.pin": ("置顶", "Pin"),
    "announcements.unpin": ("取消置顶", "Unpin"),
    "announcements.pinned_done": (
        "已置顶，首页会显示这条公告。",
        "Pinned: the home page shows this announcement.",
    ),
    "announcements.unpinned_done": ("已取消置顶。", "Unpinned."),
    "announcements.withdraw": ("撤回", "Withdraw"),
    "announcements.withdraw_help": (
        "撤回后居民不再看到这条公告；理由会记入公开记录。",
        "Residents no longer see a withdrawn announcement; the reason goes into the public log.",
    ),
    "announcements.withdrawn_done": ("公告已撤回。", "Announcement withdrawn."),
    "announcements.withdrawn_note": ("已于 {when} 撤回：{reason}", "Withdrawn on {when}: {reason}"),
    "announcements.back": ("全部公告", "All announcements"),
    "announcements.home_heading": ("置顶公告", "Pinned announcements"),
    "announcements.home_all": ("查看全部公告", "All announcements"),
    "announcement.is_withdrawn": (
        "这条公告已撤回，不能再置顶。",
        "This announcement has been withdrawn and cannot be pinned.",
    ),
    "announcement.already_withdrawn": (
        "这条公告已经撤回过了。",
        "This announcement has already been withdrawn.",
    ),
    "announcement_kind.decision": ("议事决定", "Decision"),
    "announcement_kind.event": ("活动通知", "Event"),
    "announcement_kind.result": ("结果公示", "Result"),
    "announcement_kind.notice": ("一般通知", "Notice"),
    "audit.action.announcement.publish": ("发布公告", "Announcement published"),
    "audit.action.announcement.pin": ("置顶/取消置顶公告", "Announcement (un)pinned"),
    "audit.action.announcement.withdraw": ("撤回公告", "Announcement withdrawn"),
}
