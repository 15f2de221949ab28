"""The responsibility board: service levels, response times, overdue items."""

MESSAGES = {
    "accountability.overdue": ("已超期", "Overdue"),
    "accountability.on_time": ("未超期", "On time"),
    "accountability.median_response": ("答复中位天数", "Median days to answer"),
    "accountability.median_completion": ("落实中位天数", "Median days to complete"),
    "accountability.chart_items": ("事项数", "Items"),
    "accountability.state": ("状态", "State"),
    "accountability.search": ("查找事项", "Find an item"),
    "accountability.search_help": (
        "输入标题中的字词，看看您的事项由谁负责、等了多久。",
        "Type words of the title to see who holds your item and for how long.",
    ),
    "accountability.only_overdue": ("只看超期事项", "Only overdue items"),
    "accountability.held_by": (
        "{actor} 的事项（{n} 件待办，{overdue} 件超期）",
        "{actor}: {n} open, {overdue} overdue",
    ),
    "accountability.item": ("事项", "Item"),
    "accountability.held_since": ("等待起点", "Waiting since"),
    "accountability.waiting_days": ("已等待（天）", "Waiting (days)"),
    "accountability.overdue_answer": ("超期未答复", "No answer in time"),
    "accountability.overdue_completion": ("超期未落实", "Not done in time"),
    "accountability.nothing_open": ("目前没有待办事项。", "Nothing open right now."),
    "accountability.no_match": ("没有符合条件的事项。", "No items match."),
    "accountability.levels": ("服务时限", "Service levels"),
    "accountability.levels_help": (
        "每类事项应在多少天内首次正式答复、多少天内落实。超过即在上面标为超期。",
        "How many days each category may take to a first official answer and to completion. Items past them are marked overdue above.",
    ),
    "accountability.category": ("类别", "Category"),
    "accountability.set_level": ("修改服务时限", "Change a service level"),
    "accountability.level_saved": ("服务时限已保存。", "The service level was saved."),
    "accountability.bad_days": (
        "请输入 1 到 {max} 之间的整数天数。",
        "Enter a whole number of days from 1 to {max}.",
    ),
    "accountability.completion_before_answer": (
        "落实时限不能短于答复时限。",
        "The completion time cannot be shorter than the time to answer.",
    ),
    "field_name.first_answer_days": ("首次答复时限（天）", "Days to a first answer"),
    "field_name.completion_days": ("落实时限（天）", "Days to completion"),
    "audit.action.service_level.set": ("修改服务时限", "Service level changed"),
}
