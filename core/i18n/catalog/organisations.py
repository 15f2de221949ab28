"""Community organisations and volunteer teams: the page, errors, participation kinds, the
dashboard's hours measure and audit labels."""

MESSAGES = {
    "nav.organisations": ("社区组织与志愿", "Organisations & volunteering"),
    "organisations.title": ("社区组织与志愿服务", "Community organisations and volunteering"),
    "organisations.caption": (
        "社会组织和志愿者服务队的宗旨、联系方式和活动。加入组织、报名活动，并记录志愿服务时长。",
        "What the community's organisations and volunteer teams do, how "
        "to reach them and their activities. Join one, sign up for an "
        "activity and record your volunteer hours.",
    ),
    "organisations.empty": (
        "还没有社区组织或志愿者服务队。",
        "No organisations or volunteer teams yet.",
    ),
    "organisations.back": ("全部组织", "All organisations"),
    "organisations.new": ("新建组织或志愿者服务队", "New organisation or volunteer team"),
    "organisations.create": ("创建", "Create"),
    "organisations.created": (
        "组织已创建，责任公示栏中已列出。",
        "Organisation created; the responsibility board lists it.",
    ),
    "organisations.contact_help": (
        "公开显示，例如电话或活动室开放时间。",
        "Shown publicly, e.g. a phone number or office hours.",
    ),
    "organisations.show_inactive": ("显示已停用的组织", "Show deactivated organisations"),
    "organisations.inactive": ("已停用", "Deactivated"),
    "organisations.members": ("成员", "Members"),
    "organisations.members_n": ("{n} 名成员", "{n} members"),
    "organisations.upcoming_n": ("{n} 项即将开展的活动", "{n} upcoming activities"),
    "organisations.hours_n": ("志愿服务 {hours} 小时", "{hours} volunteer hours"),
    "organisations.volunteers": ("参与志愿者", "Volunteers"),
    "organisations.hours": ("志愿服务时长（小时）", "Volunteer hours"),
    "organisations.coordinated_by": ("负责人：{names}", "Coordinators: {names}"),
    "organisations.upcoming": ("即将开展的活动", "Upcoming activities"),
    "organisations.past": ("往期活动", "Past activities"),
    "organisations.no_upcoming": ("暂无即将开展的活动。", "No upcoming activities."),
    "organisations.no_past": ("还没有往期活动。", "No past activities yet."),
    "organisations.month": ("月份", "Month"),
    # The resident's own membership.
    "organisations.join": ("申请加入", "Ask to join"),
    "organisations.join_help": (
        "可选：向负责人简单介绍自己或能提供的帮助。",
        "Optional: a word to the coordinators about you or how you can help.",
    ),
    "organisations.requested": (
        "申请已提交，请等待负责人审核。",
        "Request sent; a coordinator will answer it.",
    ),
    "organisations.you_requested": (
        "您的加入申请正在等待审核。",
        "Your request to join is waiting for an answer.",
    ),
    "organisations.withdraw_request": ("撤回申请", "Withdraw the request"),
    "organisations.request_withdrawn": ("申请已撤回。", "Request withdrawn."),
    "organisations.you_are_member": ("您是本组织成员。", "You are a member."),
    "organisations.you_coordinate": ("您是本组织负责人。", "You coordinate this organisation."),
    "organisations.leave": ("退出组织", "Leave"),
    "organisations.left": ("您已退出。", "You have left."),
    "organisations.was_declined": (
        "您之前的申请未获通过，可以再次申请。",
        "Your earlier request was declined; you may ask again.",
    ),
    # Activities.
    "organisations.signed_up": ("已报名 {n} 人", "{n} signed up"),
    "organisations.signed_up_of": ("已报名 {n} / {capacity} 人", "{n} of {capacity} places taken"),
    "organisations.attended": ("{n} 人参加，共 {hours} 小时", "{n} attended, {hours} hours in all"),
    "organisations.cancelled_because": ("活动已取消：{reason}", "Cancelled: {reason}"),
    "organisations.sign_up": ("报名参加", "Sign up"),
    "organisations.signed_up_ok": ("报名成功。", "You are signed up."),
    "organisations.you_signed_up": ("您已报名。", "You are signed up."),
    "organisations.cancel_signup": ("取消报名", "Cancel my place"),
    "organisations.signup_cancelled": ("已取消报名。", "Your place is cancelled."),
    "organisations.record_mine": ("记录我的参与和时长", "Record my attendance and hours"),
    "organisations.hours_help": (
        "实际服务的小时数，可以是半小时，例如 1.5。不能超过活动时长（按整小时向上取整）；每天合计不超过 24 小时（跨越午夜的活动两天都计入）；时间重叠的活动合计不超过它们共同占用的时间。",
        "Hours actually given, halves allowed (e.g. 1.5): at most the "
        "activity's length rounded up to whole hours; 24 hours a day "
        "in all (an activity across midnight counts on both days); "
        "and activities at the same time hold no more hours together "
        "than the time they cover.",
    ),
    "organisations.hours_recorded": (
        "已记录，感谢您的志愿服务！",
        "Recorded. Thank you for volunteering!",
    ),
    "organisations.your_hours": (
        "您参加了这次活动，服务 {hours} 小时。",
        "You attended and gave {hours} hours.",
    ),
    # The coordinator's desk.
    "organisations.desk": ("负责人工作台", "Coordinator's desk"),
    "organisations.pending": ("待审核的加入申请（{n}）", "Requests to join ({n})"),
    "organisations.no_pending": ("没有待审核的申请。", "No requests waiting."),
    "organisations.accept": ("同意", "Accept"),
    "organisations.decline": ("拒绝", "Decline"),
    "organisations.accepted": ("已同意 {name} 加入。", "{name} is now a member."),
    "organisations.declined": ("已拒绝 {name} 的申请。", "{name}'s request was declined."),
    "organisations.post_activity": ("发布活动", "Post an activity"),
    "organisations.post": ("发布", "Post"),
    "organisations.posted": ("活动已发布。", "Activity posted."),
    "organisations.capacity_help": ("0 表示不限人数。", "0 for no limit."),
    "organisations.member_list": ("成员名单", "Members"),
    "organisations.role": ("身份", "Role"),
    "organisations.role_member": ("成员", "Member"),
    "organisations.role_coordinator": ("负责人", "Coordinator"),
    "organisations.since": ("加入时间", "Since"),
    "organisations.totals": ("志愿服务时长统计", "Hours per volunteer"),
    "organisations.activities_attended": ("参加活动次数", "Activities"),
    "organisations.person": ("居民", "Resident"),
    "organisations.activity_desk": ("报名与签到", "Sign-ups and attendance"),
    "organisations.nobody_yet": ("还没有人报名或签到。", "Nobody signed up or attended yet."),
    "organisations.record_offline": (
        "为现场参加的居民记录时长",
        "Record hours for someone who came in person",
    ),
    "organisations.find_person": ("按姓名查找居民", "Find a resident by name"),
    "organisations.find_person_help": (
        "可输入姓名的一部分。没有账号的居民也可以记录。",
        "Part of a name will do. Residents without an account can be recorded too.",
    ),
    "organisations.find_full_name": ("居民的完整姓名", "The resident's full name"),
    "organisations.find_full_name_help": (
        "请输入与居民名册一致的完整姓名：为保护居民隐私，只输入姓名的一部分是查不到的。没有账号的居民也可以记录。",
        "Type the person's full name exactly as on the "
        "roster: to protect residents' privacy, part of a "
        "name finds nobody. Residents without an account "
        "can be recorded too.",
    ),
    "organisations.find_building": ("楼栋（可选）", "Building (optional)"),
    "organisations.find_building_help": (
        "楼栋编号或名称；同名居民较多时用于区分。",
        "Its code or name, to tell apart residents who share a name.",
    ),
    "organisations.nobody_found": ("没有找到。", "Nobody found."),
    "organisations.nobody_with_full_name": (
        "名册上没有这个完整姓名的居民（或不在这个楼栋）。请核对姓名。",
        "Nobody on the roster has exactly this full name "
        "(in this building). Please check the name.",
    ),
    "organisations.record": ("记录", "Record"),
    "organisations.hours_recorded_for": ("已为 {name} 记录时长。", "Hours recorded for {name}."),
    "organisations.correct": ("更正时长", "Correct hours"),
    "organisations.hours_corrected": ("时长已更正。", "Hours corrected."),
    "organisations.cancel_activity": ("取消活动", "Cancel the activity"),
    "organisations.activity_cancelled": ("活动已取消。", "Activity cancelled."),
    # Staff settings.
    "organisations.settings": ("组织设置", "Settings"),
    "organisations.saved": ("已保存。", "Saved."),
    "organisations.appoint": ("任命负责人", "Appoint a coordinator"),
    "organisations.appointed": ("已任命 {name} 为负责人。", "{name} is now a coordinator."),
    "organisations.coordinator": ("负责人", "Coordinator"),
    "organisations.find_account": ("按姓名查找有账号的居民", "Find a resident with an account"),
    "organisations.find_account_help": (
        "负责人必须是已注册账号的居民。",
        "A coordinator is a resident with an account.",
    ),
    "organisations.remove_coordinator": ("撤销负责人", "Remove a coordinator"),
    "organisations.coordinator_removed": (
        "已撤销，该居民仍是成员。",
        "Removed; they stay a member.",
    ),
    "organisations.deactivate": ("停用组织", "Deactivate"),
    "organisations.reactivate": ("重新启用", "Reactivate"),
    "organisations.deactivated": ("组织已停用。", "Organisation deactivated."),
    "organisations.reactivated": ("组织已重新启用。", "Organisation reactivated."),
    # Field names.
    "field_name.organisation_name": ("名称", "Name"),
    "field_name.organisation_kind": ("类型", "Type"),
    "field_name.organisation_purpose": ("宗旨与服务内容", "Purpose"),
    "field_name.organisation_contact": ("联系方式", "Contact"),
    "field_name.coordinator": ("负责人", "Coordinator"),
    "field_name.join_message": ("留言", "Message"),
    "field_name.hours": ("时长（小时）", "Hours"),
    # Errors.
    "organisation.inactive": ("这个组织已停用。", "This organisation is deactivated."),
    "organisation.already_active": ("这个组织已在运行。", "This organisation is already active."),
    "organisation.no_resident": (
        "您的账号没有关联居民名册，请联系居委会。",
        "Your account is not linked to the roster; please contact the residents' committee.",
    ),
    "organisation.unverified": (
        "您的居民身份尚未核实，核实后才能加入组织或报名活动。",
        "Your residency is not verified yet; once it is, you can join "
        "organisations and sign up for activities.",
    ),
    "organisation.coordinator_needs_account": (
        "负责人必须是已注册账号的居民。",
        "A coordinator must be a resident with an account.",
    ),
    "organisation.already_coordinator": ("此人已是负责人。", "They are already a coordinator."),
    "organisation.not_a_coordinator": (
        "此人不是本组织负责人。",
        "They are not a coordinator of this organisation.",
    ),
    "organisation.last_coordinator": (
        "组织至少需要一名负责人：请先任命另一位。",
        "An organisation needs at least one coordinator: appoint another first.",
    ),
    "organisation.already_requested": (
        "您已提交过申请，请等待审核。",
        "You have already asked; please wait for an answer.",
    ),
    "organisation.already_member": ("您已是本组织成员。", "You are already a member."),
    "organisation.not_a_member": (
        "您不是本组织成员，也没有待审核的申请。",
        "You are not a member and have no pending request.",
    ),
    "organisation.request_already_decided": (
        "这个申请已经处理过了。",
        "This request has already been answered.",
    ),
    "activity.ends_before_start": (
        "结束时间必须晚于开始时间。",
        "The end must be after the start.",
    ),
    "activity.too_long": (
        "一项活动最长 {hours} 小时；多日活动请分开发布。",
        "An activity lasts at most {hours} hours; post a longer one day by day.",
    ),
    "activity.too_far_back": (
        "开始时间不能早于 {days} 天前。",
        "The start cannot be more than {days} days ago.",
    ),
    "activity.too_far_ahead": (
        "开始时间不能晚于一年以后。",
        "The start cannot be more than a year ahead.",
    ),
    "activity.cancelled": ("这项活动已取消。", "This activity is cancelled."),
    "activity.has_records": (
        "这项活动已有参与记录，不能取消。",
        "Attendance has been recorded for this activity; it cannot be cancelled.",
    ),
    "activity.started": (
        "活动已经开始，不能再报名或取消报名。",
        "The activity has started: places can no longer be taken or given up.",
    ),
    "activity.already_signed_up": ("您已报名这项活动。", "You are already signed up."),
    "activity.full": ("名额已满。", "The activity is full."),
    "activity.not_signed_up": ("您没有报名这项活动。", "You are not signed up for this activity."),
    "activity.not_started": (
        "活动还没开始，开始后才能记录参与。",
        "The activity has not started; attendance is recorded once it has.",
    ),
    "activity.record_closed": (
        "活动结束已超过 {days} 天，不能再记录。",
        "More than {days} days have passed since the activity ended; it can no longer be recorded.",
    ),
    "volunteer.hours_not_a_number": ("请输入小时数。", "Please enter a number of hours."),
    "volunteer.hours_out_of_range": (
        "时长必须大于 0，且不超过 {max} 小时。",
        "Hours must be more than 0 and at most {max}.",
    ),
    "volunteer.over_a_day": (
        "这项活动所在的某一天已记录 {already} 小时，每天合计不能超过 {max} 小时（跨越午夜的活动两天都计入）。",
        "{already} hours are already recorded on a day this activity "
        "touches; a day holds at most {max} (an activity across "
        "midnight counts on both days).",
    ),
    "volunteer.overlap": (
        "这项活动与这位居民已记录的其他活动时间重叠：那些活动已记录 {already} 小时，而这些活动合计只占 {span} 小时，记录的时长合计不能超过 {span} 小时。",
        "This activity overlaps others at which this person already has "
        "{already} hours recorded; together they cover only {span} hours, "
        "and nobody gives more hours than that to activities held at the "
        "same time.",
    ),
    "volunteer.resident_erased": (
        "这位居民的个人信息已被删除，不能再为其记录或更正时长。",
        "This resident's personal data was erased: hours can no "
        "longer be recorded or corrected for them.",
    ),
    "volunteer.already_recorded": (
        "这位居民在这项活动的时长已经记录过了；如有错误请使用“更正时长”。",
        "Hours are already recorded for this person and activity; "
        "use “Correct hours” to change them.",
    ),
    "volunteer.no_record": (
        "这位居民在这项活动还没有记录。",
        "There is no record for this person at this activity.",
    ),
    "volunteer.not_a_resident": (
        "请从名册中选择一位本社区居民。",
        "Please choose a resident of this community from the roster.",
    ),
    # Participation kinds and the dashboard's hours measure.
    "participation.organisation_activity": ("组织活动参与", "Organisation activities"),
    "participation.volunteer_hours": ("志愿服务时长", "Volunteer hours"),
    "dashboard.hours": ("志愿服务小时", "Volunteer hours"),
    "dashboard.sentence_hours": (
        "最活跃的 10% 居民贡献了 {top} 的志愿服务时长；{rate} 的居民至少参加过一次志愿服务。基尼系数 {gini}。",
        "The most active 10% of residents gave {top} of the volunteer "
        "hours; {rate} of residents volunteered at least once. The Gini "
        "coefficient is {gini}.",
    ),
    # The public log.
    "audit.action.organisation.create": ("创建组织", "Organisation created"),
    "audit.action.organisation.edit": ("修改组织信息", "Organisation edited"),
    "audit.action.organisation.appoint_coordinator": ("任命组织负责人", "Coordinator appointed"),
    "audit.action.organisation.remove_coordinator": ("撤销组织负责人", "Coordinator removed"),
    "audit.action.organisation.set_active": ("停用/启用组织", "Organisation (de)activated"),
    "audit.action.organisation.request": ("申请加入组织", "Asked to join an organisation"),
    "audit.action.organisation.leave": ("退出组织或撤回申请", "Left an organisation"),
    "audit.action.organisation.decide_request": ("审核加入申请", "Request to join answered"),
    "audit.action.organisation.post_activity": ("发布组织活动", "Activity posted"),
    "audit.action.organisation.cancel_activity": ("取消组织活动", "Activity cancelled"),
    "audit.action.organisation.sign_up": ("报名组织活动", "Signed up for an activity"),
    "audit.action.organisation.cancel_signup": ("取消活动报名", "Activity place given up"),
    "audit.action.organisation.record_hours": ("记录志愿服务时长", "Volunteer hours recorded"),
    "audit.action.organisation.correct_hours": ("更正志愿服务时长", "Volunteer hours corrected"),
}
