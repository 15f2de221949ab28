"""Login, registration, profile and password messages."""

MESSAGES = {
    "login.title": ("登录", "Log in"),
    "login.submit": ("登录", "Log in"),
    "login.already": ("您已登录。", "You are logged in."),
    "login.failed": ("用户名或密码不正确。", "Wrong username or password."),
    "login.throttled": (
        "尝试次数过多，请 {minutes} 分钟后再试，或在您以前登录过的设备上登录。",
        "Too many attempts. Please try again in {minutes} minutes, or log in on a device you have logged in on before.",
    ),
    "login.no_account": ("还没有账户？注册", "No account yet? Register"),
    "login.session_ended": (
        "您的会话已过期（闲置 30 分钟或超过 12 小时），请重新登录。",
        "Your session has ended (30 minutes idle or 12 hours in all). Please log in again.",
    ),
    "register.title": ("注册居民账户", "Register as a resident"),
    "register.caption": (
        "注册后即可提出建议、参与讨论和报名听证。",
        "Once registered you can make proposals, discuss and register for hearings.",
    ),
    "register.username_help": (
        "3–32 个字符：字母、数字、汉字、下划线、点或连字符。不区分大小写。",
        "3–32 characters: letters, digits, Chinese characters, underscore, dot or hyphen. Not case-sensitive.",
    ),
    "register.password_help": (
        "至少 8 个字符，可用任意字符。请勿使用常见或易猜的密码。",
        "At least 8 characters, any characters. Common or easily guessed passwords are refused.",
    ),
    "register.optional_demographics": (
        "可选：个人情况（用于了解参与是否均衡）",
        "Optional: about you (to see whether participation is balanced)",
    ),
    "register.demographics_why": (
        "这些信息都可以不填。只有在您同意研究使用时，才会以匿名汇总的形式出现在参与分析中。",
        "All of these are optional. They appear in participation figures only in anonymous totals, and only if you consent.",
    ),
    "register.consent_help": (
        "可随时在“我的账户”中撤回。",
        "You can withdraw this at any time under My account.",
    ),
    "register.submit": ("注册", "Register"),
    "register.display_name_help": (
        "请用居委会名册上的姓名，便于核实后参加投票。",
        "Use your name as on the residents' committee's roster, so that you can be confirmed and vote.",
    ),
    "register.unit": ("房号（楼内门牌）", "Flat (number on your door)"),
    "register.unit_help": (
        "例如 2-301。居委会据此在名册上找到您，确认后即可投票。",
        "For example 2-301. The residents' committee uses it to find you on the roster; once confirmed you can vote.",
    ),
    "register.unit_required": (
        "请填写房号：这栋楼的居民名册按房号登记。",
        "Please give your flat: this building's roster lists residents by flat.",
    ),
    "register.welcome": ("欢迎加入议事厅！", "Welcome to Yishiting!"),
    "username.invalid": (
        "用户名只能包含字母、数字、汉字、下划线、点或连字符，长度 3–32。",
        "A username may contain only letters, digits, Chinese characters, underscore, dot or hyphen, 3–32 characters long.",
    ),
    "username.taken": (
        "该用户名已被使用（不区分大小写和全角/半角）。",
        "That username is already taken (ignoring case and full-width letters).",
    ),
    "password.too_short": (
        "密码至少需要 {min} 个字符。",
        "The password needs at least {min} characters.",
    ),
    "password.too_long": (
        "密码最多 {max} 个字符。",
        "The password can have at most {max} characters.",
    ),
    "password.too_guessable": (
        "这个密码太常见或太容易猜到，请换一个（例如几个不相关的词组合）。",
        "This password is too common or easy to guess. Try another (for example a few unrelated words).",
    ),
    "password.contains_name": (
        "密码不能包含您的用户名或显示名称。",
        "The password must not contain your username or display name.",
    ),
    "password.bad_characters": (
        "密码包含无法使用的字符。",
        "The password contains characters that cannot be used.",
    ),
    "password.mismatch": ("两次输入的密码不一致。", "The two passwords differ."),
    "password.current_wrong": ("当前密码不正确。", "The current password is wrong."),
    "password.same_as_old": (
        "新密码不能与当前密码相同。",
        "The new password must differ from the current one.",
    ),
    "profile.title": ("我的账户", "My account"),
    "profile.summary": ("用户名：{username} · 角色：{role}", "Username: {username} · Role: {role}"),
    "profile.verified": ("已核实为本社区居民。", "Verified as a resident of this community."),
    "profile.unverified": (
        "尚未核实居民身份：请向居委会索取激活码。",
        "Not yet verified as a resident: ask the residents' committee for an activation code.",
    ),
    "profile.edit": ("个人资料", "Profile"),
    "profile.saved": ("资料已保存。", "Profile saved."),
    "profile.change_password": ("修改密码", "Change password"),
    "profile.password_changed": (
        "密码已修改，其他设备上的登录已退出。",
        "Password changed; you have been logged out everywhere else.",
    ),
}
