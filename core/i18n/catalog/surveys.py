"""Needs surveys: the page, question kinds, results, errors, field names and audit labels."""

MESSAGES = {
    "nav.surveys": ("需求调查", "Needs surveys"),
    "surveys.title": ("需求调查", "Needs surveys"),
    "surveys.caption": (
        "居委会就大家的需求发起的小调查。每位居民答一次，截止前可以修改；没有手机的居民可以填纸质问卷。",
        "Short surveys the committee runs about residents' needs. Everyone "
        "answers once and can change the answer until the close; residents "
        "without a phone can answer on paper.",
    ),
    "surveys.back": ("全部调查", "All surveys"),
    "surveys.empty": ("暂时没有调查。", "No surveys yet."),
    "surveys.new": ("发起调查", "New survey"),
    "surveys.create": ("创建（草稿）", "Create (draft)"),
    "surveys.created": (
        "草稿已创建，请添加问题后开始调查。",
        "Draft created: add its questions, then open it.",
    ),
    "surveys.for_you": ("请您填写", "For you"),
    "surveys.answered": ("已填写", "Answered"),
    "surveys.scope_community": ("全社区", "Whole community"),
    "surveys.scope_buildings": ("{buildings}", "{buildings}"),
    "surveys.window": ("{opens} 至 {closes}", "{opens} to {closes}"),
    "surveys.responses": ("{n} 份回答", "{n} responses"),
    "survey_status.draft": ("草稿", "Draft"),
    "survey_status.open": ("进行中", "Open"),
    "survey_status.closed": ("已结束", "Closed"),
    "survey_scope.community": ("全社区", "Whole community"),
    "survey_scope.buildings": ("指定楼栋", "Some buildings"),
    "question_kind.single": ("单选", "Single choice"),
    "question_kind.multiple": ("多选", "Multiple choice"),
    "question_kind.rating": ("评分（1–5）", "Rating (1–5)"),
    "question_kind.ranking": ("排序", "Ranking"),
    "question_kind.text": ("简短文字", "Short text"),
    # answering
    "surveys.your_answer": ("您的回答", "Your answer"),
    "surveys.optional": ("（选填）", "(optional)"),
    "surveys.choose_any": ("可多选。", "Choose any."),
    "surveys.rating_help": ("1 = 很不满意，5 = 很满意", "1 = very unhappy, 5 = very happy"),
    "surveys.rank_help": (
        "按重要性依次选择全部选项：第一个选的最重要。",
        "Pick every option in order of importance: the first is the most important.",
    ),
    "surveys.rank_placeholder": ("依次点选", "Pick in order"),
    "surveys.submit": ("提交", "Submit"),
    "surveys.thanks": (
        "谢谢！您的回答已收到，截止前可以修改。",
        "Thank you! Your answer is in; you can change it until the close.",
    ),
    "surveys.you_answered_online": (
        "您已填写这份调查。截止前可以修改。",
        "You have answered this survey. You can change your answer until the close.",
    ),
    "surveys.you_answered_offline": (
        "您的纸质问卷已由工作人员录入。",
        "Your paper answer has been entered by the staff.",
    ),
    "surveys.change_answer": ("修改我的回答", "Change my answer"),
    "surveys.save_changes": ("保存修改", "Save changes"),
    "surveys.changed": ("您的回答已更新。", "Your answer has been updated."),
    "surveys.not_yet_open": ("调查将于 {when} 开始。", "The survey opens on {when}."),
    "surveys.sign_in_to_answer": ("登录后即可填写。", "Sign in to answer."),
    # the moderator's desk
    "surveys.desk": ("主持人操作", "Moderator's desk"),
    "surveys.open": ("开始调查", "Open the survey"),
    "surveys.opened": ("调查已开始。", "The survey is open."),
    "surveys.close": ("结束调查", "Close the survey"),
    "surveys.close_help": (
        "结束后不能再填写或修改，结果对所有人公开。",
        "After the close nobody can answer or change an answer, and the results are public.",
    ),
    "surveys.closed": ("调查已结束，结果已公开。", "The survey is closed; its results are public."),
    "surveys.add_questions_first": (
        "先添加至少一个问题，才能开始调查。",
        "Add at least one question before opening the survey.",
    ),
    "surveys.intro_help": (
        "向居民说明调查的目的和用途。",
        "Tell residents what the survey is for.",
    ),
    "surveys.buildings": ("楼栋", "Buildings"),
    "surveys.buildings_help": ("只在“指定楼栋”时使用。", "Only for a survey of some buildings."),
    "surveys.opens_day": ("开始日期", "Opening day"),
    "surveys.closes_day": ("截止日期", "Closing day"),
    "surveys.edit_details": ("修改标题、范围和时间", "Edit title, scope and dates"),
    "surveys.saved": ("已保存。", "Saved."),
    "surveys.questions": ("问题", "Questions"),
    "surveys.edit_question": ("修改", "Edit"),
    "surveys.remove_question": ("删除", "Remove"),
    "surveys.removed": ("问题已删除。", "Question removed."),
    "surveys.add_question": ("添加问题", "Add a question"),
    "surveys.question_added": ("问题已添加。", "Question added."),
    "surveys.options_help": (
        "每行一个选项（单选、多选和排序题需要 2–20 个）。",
        "One option per line (2 to 20 for single choice, multiple choice and ranking).",
    ),
    "surveys.paper": ("录入纸质问卷", "Enter a paper answer"),
    "surveys.paper_help": (
        "为名册上的居民录入纸质或当面收集的回答，会标记为线下渠道。",
        "Enter an answer given on paper or in person by a roster resident; "
        "it is marked as offline.",
    ),
    "surveys.paper_submit": ("录入", "Enter answer"),
    "surveys.paper_ok": ("已录入 {name} 的纸质问卷。", "Paper answer of {name} entered."),
    "surveys.paper_mode": ("操作", "Action"),
    "surveys.paper_mode_enter": ("录入新问卷", "Enter a new answer"),
    "surveys.paper_mode_correct": ("更正已录入的问卷", "Correct an entered answer"),
    "surveys.paper_correct_help": (
        "录错时使用：用表中的回答替换原来的回答，仍记为纸质问卷。",
        "For an answer entered by mistake: the answers below "
        "replace it, and it stays a paper answer.",
    ),
    "surveys.paper_correct_submit": ("保存更正", "Save the correction"),
    "surveys.paper_corrected": ("已更正 {name} 的纸质问卷。", "Paper answer of {name} corrected."),
    # results
    "surveys.results": ("调查结果", "Results"),
    "surveys.counting": ("正在统计……", "Counting…"),
    "surveys.respondents": ("回答人数", "Respondents"),
    "surveys.on_paper": ("其中纸质问卷", "Of which on paper"),
    "surveys.no_answers_yet": ("还没有人回答。", "Nobody has answered yet."),
    "surveys.answered_by": ("{n} 人回答了此题", "{n} answered this question"),
    "surveys.persons": ("人数", "Persons"),
    "surveys.mean_rating": ("平均评分", "Mean rating"),
    "surveys.points": ("得分", "Points"),
    "surveys.points_help": (
        "排第一得分最多（n 个选项时第一名得 n−1 分，最后一名 0 分）。平均名次：",
        "First place scores most (with n options, first gets n−1 points, last 0). Mean rank:",
    ),
    "surveys.mean_rank": ("{option} {rank}", "{option} {rank}"),
    "surveys.cross_tab": ("交叉分析", "Cross-tabulation"),
    "surveys.cross_tab_help": (
        "少于 {k} 人的组不显示；还会多隐藏几组，使隐藏的组至少两组、合计至少 {k} 人，以免由总数推算。",
        "Groups of fewer than {k} persons are not shown, and more are "
        "hidden with them until at least two are hidden holding at "
        "least {k} persons together, so the totals cannot give them "
        "away.",
    ),
    "surveys.suppressed_help": (
        "少于 {k} 人的组，以及为保护它们而一并隐藏的组。",
        "Groups of fewer than {k} persons, and those hidden with them to protect them.",
    ),
    "surveys.too_few_answers": (
        "回答少于 {k} 人，不显示结果，以免认出具体的人。",
        "Too few answers to show (fewer than {k}), so that nobody can be singled out.",
    ),
    "surveys.cross_tab_consent": (
        "按人口特征分组时只统计同意用于研究的居民。",
        "Breakdowns by demographics count only residents who agreed to research use.",
    ),
    "surveys.cross_tab_empty": ("没有可以分组的回答。", "No answers to break down."),
    "surveys.hidden_groups": (
        "已隐藏（保护少于 {k} 人的组）：{groups}",
        "Hidden (protecting groups of fewer than {k}): {groups}",
    ),
    "surveys.group": ("组", "Group"),
    "surveys.measure_share": ("比例", "Share"),
    "surveys.measure_mean": ("平均评分", "Mean rating"),
    "surveys.measure_mean_rank": ("平均名次", "Mean rank"),
    "surveys.free_text": ("文字回答（{n} 条）", "Text answers ({n})"),
    "surveys.free_text_help": (
        "仅主持人可见，不显示姓名，顺序已打乱。",
        "Only moderators see these: no names, in shuffled order.",
    ),
    "surveys.no_free_text": ("没有文字回答。", "No text answers."),
    "surveys.download_csv": ("下载 CSV（不含身份信息）", "Download CSV (no identities)"),
    # proposals from a survey
    "surveys.proposals_from": ("由本调查形成的提案", "Proposals made from this survey"),
    "surveys.make_proposal": ("把共同需求转为提案", "Turn a common need into a proposal"),
    "surveys.make_proposal_help": (
        "提案会链接回这份调查，并进入正常的提案流程。",
        "The proposal links back to this survey and follows the usual proposal process.",
    ),
    "surveys.make_proposal_submit": ("创建提案", "Create the proposal"),
    "surveys.proposal_made": ("提案已创建。", "Proposal created."),
    "proposal.from_survey": ("来自需求调查：{title}", "From the needs survey: {title}"),
    # errors
    "survey.closes_before_opens": (
        "截止时间必须晚于开始时间。",
        "The close must come after the opening.",
    ),
    "survey.closes_in_past": ("截止时间已经过去。", "The closing time has already passed."),
    "survey.no_buildings": ("请至少选择一个楼栋。", "Choose at least one building."),
    "survey.buildings_for_community": (
        "全社区调查不需要选择楼栋。",
        "A whole-community survey takes no buildings.",
    ),
    "survey.bad_options": ("选项应为一组文字。", "Options must be a list of texts."),
    "survey.no_options_for_kind": ("这种题型没有选项。", "This kind of question has no options."),
    "survey.option_count": ("需要 {min} 到 {max} 个选项。", "Give {min} to {max} options."),
    "survey.duplicate_labels": ("选项不能重复。", "Options must differ."),
    "survey.closed_no_changes": (
        "调查已结束，不能再修改。",
        "The survey is closed and cannot change.",
    ),
    "survey.questions_frozen": (
        "已经有人回答，问题不能再修改。",
        "Answers have come in: the questions can no longer change.",
    ),
    "survey.not_draft": ("只有草稿可以开始。", "Only a draft can be opened."),
    "survey.no_questions": ("请先添加问题。", "Add a question first."),
    "survey.not_running": ("只有进行中的调查可以结束。", "Only an open survey can be closed."),
    "survey.too_many_questions": ("最多 {max} 个问题。", "At most {max} questions."),
    "survey.bad_answers": (
        "回答与调查的问题不符。",
        "The answers do not match the survey's questions.",
    ),
    "survey.answer_required": ("第 {n} 题需要回答。", "Question {n} needs an answer."),
    "survey.choose_one": ("第 {n} 题只能选一项。", "Question {n}: choose one option."),
    "survey.unknown_option": (
        "第 {n} 题：请从选项中选择。",
        "Question {n}: choose from its options.",
    ),
    "survey.duplicate_option": (
        "第 {n} 题：同一选项选了两次。",
        "Question {n}: an option is chosen twice.",
    ),
    "survey.rating_range": (
        "第 {n} 题：请打 1 到 5 分。",
        "Question {n}: give a rating from 1 to 5.",
    ),
    "survey.ranking_duplicates": (
        "第 {n} 题：排序中有重复的选项。",
        "Question {n}: the ranking names an option twice.",
    ),
    "survey.ranking_incomplete": (
        "第 {n} 题：请把全部 {count} 个选项排好顺序。",
        "Question {n}: rank all {count} options.",
    ),
    "survey.text_too_long": (
        "第 {n} 题：最多 {max} 个字符。",
        "Question {n}: at most {max} characters.",
    ),
    "survey.text_bad_characters": (
        "第 {n} 题包含不允许的字符。",
        "Question {n} contains characters that are not allowed.",
    ),
    "survey.empty_answer": ("请至少回答一个问题。", "Answer at least one question."),
    "survey.closed": (
        "调查已结束，不能再填写或修改。",
        "The survey has closed: no more answers or changes.",
    ),
    "survey.not_open": ("调查还没有开始。", "The survey is not open yet."),
    "survey.unverified": (
        "请先到居委会确认居民身份，才能填写调查。",
        "Please have your residence confirmed by the committee before answering surveys.",
    ),
    "survey.not_in_scope": (
        "这份调查面向其他楼栋的居民。",
        "This survey is for residents of other buildings.",
    ),
    "survey.already_answered": (
        "您已经填写过这份调查，可以修改原来的回答。",
        "You have already answered this survey; you can change your answer.",
    ),
    "survey.answered_on_paper": (
        "您的纸质问卷已经录入，不能再在线填写或修改。",
        "Your paper answer has been entered: it cannot be given again or changed online.",
    ),
    "survey.not_answered": ("您还没有填写这份调查。", "You have not answered this survey yet."),
    "survey.no_paper_answer": (
        "这位居民还没有录入纸质问卷。",
        "No paper answer of this resident has been entered.",
    ),
    "survey.answered_online_not_paper": (
        "这位居民是在线填写的，只能由本人修改。",
        "This resident answered online: only they can change it.",
    ),
    "survey.not_a_resident": ("名册上没有这位居民。", "This person is not on the roster."),
    "survey.resident_unverified": (
        "这位居民的身份尚未确认。",
        "This resident has not been confirmed yet.",
    ),
    "survey.resident_not_in_scope": (
        "这位居民不住在调查的楼栋。",
        "This resident does not live in the survey's buildings.",
    ),
    "survey.already_answered_online": (
        "这位居民已经在线填写过。",
        "This resident has already answered online.",
    ),
    "survey.already_answered_on_paper": (
        "这位居民的纸质问卷已经录入过。",
        "This resident's paper answer is already entered.",
    ),
    "survey.results_after_close": (
        "调查结束后公布结果。",
        "The results are published when the survey closes.",
    ),
    "survey.no_cross_tab_for_text": (
        "文字题不能做交叉分析。",
        "Text questions cannot be cross-tabulated.",
    ),
    "survey.not_closed": (
        "调查结束后才能形成提案。",
        "Proposals are made once the survey has closed.",
    ),
    # field names
    "field_name.intro": ("说明", "Introduction"),
    "field_name.prompt": ("问题", "Question"),
    "field_name.question_kind": ("题型", "Kind of question"),
    "field_name.required": ("必答", "Required"),
    "field_name.answers": ("回答", "Answers"),
    "field_name.question": ("问题", "Question"),
    "field_name.dimension": ("分组依据", "Break down by"),
    "participation.survey_answer": ("需求调查", "Survey answers"),
    # the public log
    "audit.action.survey.create": ("创建需求调查", "Survey created"),
    "audit.action.survey.update": ("修改需求调查", "Survey edited"),
    "audit.action.survey.add_question": ("添加调查问题", "Survey question added"),
    "audit.action.survey.edit_question": ("修改调查问题", "Survey question edited"),
    "audit.action.survey.remove_question": ("删除调查问题", "Survey question removed"),
    "audit.action.survey.open": ("开始需求调查", "Survey opened"),
    "audit.action.survey.close": ("结束需求调查", "Survey closed"),
    "audit.action.survey.answer": ("填写需求调查", "Survey answered"),
    "audit.action.survey.edit_answer": ("修改调查回答", "Survey answer changed"),
    "audit.action.survey.paper_answer": ("录入纸质问卷", "Paper survey answer entered"),
    "audit.action.survey.correct_paper_answer": ("更正纸质问卷", "Paper survey answer corrected"),
    "audit.action.survey.make_proposal": ("由调查形成提案", "Proposal made from a survey"),
}
