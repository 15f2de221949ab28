"""Residents' data rights: the download of one's data and account deletion."""

MESSAGES = {
    "account.deleted_user": ("已注销用户", "deleted user"),
    "account.already_deleted": ("这个账户已经注销。", "This account has already been deleted."),
    "account.confirm_mismatch": (
        "请输入您的登录名以确认注销。",
        "Type your login name to confirm the deletion.",
    ),
    "account.open_assignments": (
        "您还负责 {hearings} 场未结束的听证和 {polls} 项未结束的投票。请先完成或交给其他管理员，再注销账户。",
        "You still run {hearings} unfinished hearing(s) and {polls} unfinished poll(s). Finish them or hand them to another moderator before deleting your account.",
    ),
    "profile.your_data": ("我的数据", "Your data"),
    "profile.your_data_help": (
        "您可以下载平台保存的关于您的全部数据（CSV 和 JSON 文件的压缩包）。秘密投票的选择从不保存在您的名下，因此不在其中。",
        "Download everything the platform holds about you (a zip of CSV and JSON files). A secret ballot's choice is never kept under your name, so it is not in there.",
    ),
    "profile.export": ("下载我的数据", "Download my data"),
    "profile.research_consent_note": (
        "撤回研究同意后，您的年龄段等信息从此不再出现在研究统计中。可在上方“编辑资料”中更改。",
        "Withdraw your research consent above (Edit profile): from then on your age band and other details leave the research figures.",
    ),
    "profile.delete_title": ("注销账户", "Delete my account"),
    "profile.delete_help": (
        "注销后，您的登录名、显示名称、密码和名册上的姓名、房号、人口信息将被删除或清空。您发表的内容仍会保留，显示为“已注销用户”；您的支持和投票仍然计数。此操作无法撤销。",
        "Your login name, display name, password, and your name, flat and details on the roster are erased. What you wrote stays, shown as by a “deleted user”; your supports and votes still count. This cannot be undone.",
    ),
    "profile.delete_confirm": ("输入您的登录名以确认", "Type your login name to confirm"),
    "profile.delete_button": ("永久注销我的账户", "Delete my account for good"),
    "profile.deleted": ("您的账户已注销。", "Your account has been deleted."),
    "field_name.confirm_username": ("登录名确认", "Login name confirmation"),
    "audit.action.account.delete": ("注销账户", "Account deleted"),
}
