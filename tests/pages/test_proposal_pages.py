"""The proposal list, detail, new-proposal and moderation pages, driven through widgets."""

from sqlmodel import col, select

from core.i18n import Translator
from db.engine import read_session, write_session
from db.models import Comment, CommentFlag, Proposal, User

T = Translator("en")


def open_proposal(app, role: str, proposal_id: int):
    at = app(role)
    at.query_params["id"] = str(proposal_id)
    at.run()
    at.switch_page("pages/proposals.py").run()
    assert not at.exception, at.exception
    return at


def first_open_proposal(status: str = "open_for_discussion") -> Proposal:
    with read_session() as s:
        return s.exec(
            select(Proposal).where(Proposal.status == status).order_by(col(Proposal.id))
        ).first()


def button(at, label: str):
    return [b for b in at.button if b.label.startswith(label)][0]


def test_new_proposal_refuses_bad_input_then_submits(app):
    at = app("resident")
    at.run()
    at.switch_page("pages/new_proposal.py").run()
    inputs = {w.label: w for w in at.text_input}
    inputs[T("field_name.title")].input("   ")
    at.text_area[0].input("The lift in building 3 has been broken for a week.")
    at.selectbox[0].select("facilities")
    at.button[0].click().run()
    assert at.error[0].value == f"{T('field_name.title')}: {T('field.required')}"
    inputs = {w.label: w for w in at.text_input}
    inputs[T("field_name.title")].input("Lift broken again")
    at.button[0].click().run()
    assert not at.exception
    with read_session() as s:
        created = s.exec(select(Proposal).where(Proposal.title == "Lift broken again")).one()
    assert created.status == "submitted" and created.category == "facilities"


def open_list(app, role: str = "anonymous", *, criteria_open: bool = False):
    at = app(role)
    at.run()
    at.switch_page("pages/proposals.py").run()
    if criteria_open:
        at.session_state["proposals_filters"] = True
        at.run()
    assert not at.exception, at.exception
    return at


def listed_count(at) -> int:
    return int([c.value for c in at.caption if c.value.endswith("items")][0].split()[0])


def test_list_search_and_open_detail(app):
    at = open_list(app)
    assert not at.text_input  # the search box is in the closed search-and-filter section
    at = open_list(app, criteria_open=True)
    search = [w for w in at.text_input if w.label == T("proposals.search")][0]
    search.input("电梯").run()
    assert not at.exception
    assert listed_count(at) >= 1
    proposal = first_open_proposal()
    at = open_proposal(app, "anonymous", proposal.id)
    assert any(proposal.title in m.value for m in at.subheader)
    assert T("thread.log_in_to_post") in [c.value for c in at.caption]
    assert not [b for b in at.button if b.label == T("proposal.support")]


def test_a_closed_section_says_what_the_list_is_narrowed_to_and_clears_it(app):
    at = open_list(app, "resident", criteria_open=True)
    everything = listed_count(at)
    at.text_input(key="proposals_search").input("电梯")
    at.selectbox(key="proposals_kind").set_value("need").run()
    narrowed = listed_count(at)
    assert 0 < narrowed < everything
    assert not [b for b in at.button if b.key == "proposals_clear"]  # open: the boxes say it
    at.session_state["proposals_filters"] = False
    at.run()
    assert not at.text_input and listed_count(at) == narrowed
    line = [c.value for c in at.caption if c.value.startswith("Showing only:")]
    assert line == [f"Showing only: “电梯” · {T('kind.need')}"]
    at.button(key="proposals_clear").click().run()
    assert not at.exception
    assert listed_count(at) == everything
    assert not [c for c in at.caption if c.value.startswith("Showing only:")]
    at.session_state["proposals_filters"] = True
    at.run()
    assert at.text_input(key="proposals_search").value == ""
    assert at.selectbox(key="proposals_kind").value is None


def test_the_list_shows_a_page_then_more_and_starts_again_on_a_new_sort(app):
    with write_session() as s:
        author = s.exec(select(User).where(User.username == "resident")).one()
        community_id = author.community_id
        s.add_all(
            [
                Proposal(
                    community_id=community_id,
                    kind="idea",
                    category="other",
                    title=f"Bench {i:02d}",
                    body="A bench by the gate.",
                    author_id=author.id,
                    status="submitted",
                )
                for i in range(45)
            ]
        )
    at = open_list(app, "resident")
    total = listed_count(at)
    assert total >= 45

    def links():
        return [p for p in at.get("page_link") if "id" in (p.proto.query_string or "")]

    assert len(links()) == 20
    more = at.button(key="more_proposals")
    assert more.label == T("common.show_more", n=total - 20)
    more.click().run()
    assert len(links()) == 40
    [w for w in at.segmented_control if w.label == T("proposals.sort")][0].set_value(
        "most_supported"
    ).run()
    assert not at.exception
    assert len(links()) == 20
    at.button(key="more_proposals").click().run()
    assert len(links()) == 40
    at.session_state["proposals_filters"] = True
    at.run()
    at.text_input(key="proposals_search").input("Bench").run()  # a new search: first page
    assert listed_count(at) == 45 and len(links()) == 20


def test_unknown_proposal_id_shows_not_found(app):
    at = open_proposal(app, "resident", 999_999)
    assert at.warning[0].value == T("error.not_found")


def test_support_and_comment_from_detail(app):
    proposal = first_open_proposal()
    with write_session() as s:
        resident = s.exec(select(User).where(User.username == "resident")).one()
        if proposal.author_id == resident.id:
            s.get(Proposal, proposal.id).author_id = 2
    at = open_proposal(app, "resident", proposal.id)
    before = proposal.support_count
    button(at, T("proposal.support")).click().run()
    assert not at.exception
    with read_session() as s:
        assert s.get(Proposal, proposal.id).support_count == before + 1
    at = open_proposal(app, "resident", proposal.id)
    at.text_area[0].input("我同意，应该尽快处理。")
    button(at, T("thread.post")).click().run()
    with read_session() as s:
        assert s.exec(
            select(Comment).where(
                Comment.proposal_id == proposal.id, Comment.body == "我同意，应该尽快处理。"
            )
        ).first()


def test_moderator_rejection_needs_a_reason(app):
    proposal = first_open_proposal()
    at = open_proposal(app, "moderator", proposal.id)
    status_box = [s for s in at.selectbox if s.label == T("proposal.move_to")][0]
    status_box.select("rejected")
    button(at, T("proposal.move")).click().run()
    assert at.error[0].value == f"{T('field_name.reason')}: {T('field.required')}"
    with read_session() as s:
        assert s.get(Proposal, proposal.id).status == "open_for_discussion"


def test_resident_sees_no_moderator_panel(app):
    proposal = first_open_proposal()
    at = open_proposal(app, "resident", proposal.id)
    assert T("proposal.moderate") not in [e.label for e in at.expander]
    at = open_proposal(app, "moderator", proposal.id)
    assert T("proposal.moderate") in [e.label for e in at.expander]


def test_moderation_page_hides_a_flagged_comment(app):
    with read_session() as s:
        flagged = s.exec(
            select(CommentFlag)
            .where(CommentFlag.resolved_at.is_(None))
            .order_by(col(CommentFlag.created_at))
        ).first()
    at = app("moderator")
    at.run()
    at.switch_page("pages/moderation.py").run()
    reason = [w for w in at.text_input if w.key == f"hide_reason_{flagged.comment_id}"][0]
    reason.input("人身攻击")
    hide = [
        b
        for b in at.button
        if b.label == T("moderation.hide") and f"hide_{flagged.comment_id}" in b.id
    ][0]
    hide.click().run()
    assert not at.exception
    with read_session() as s:
        comment = s.get(Comment, flagged.comment_id)
    assert comment.hidden_at is not None and comment.hidden_reason == "人身攻击"


def test_long_thread_shows_newest_conversations_a_page_at_a_time(app):
    from datetime import timedelta

    from components.thread import PAGE
    from db.models.base import utcnow

    proposal = first_open_proposal()
    with write_session() as s:
        author = s.exec(select(User.id).where(User.role == "resident")).first()
        earlier = len(s.exec(select(Comment.id).where(Comment.proposal_id == proposal.id)).all())
        for n in range(PAGE + 5):
            s.add(
                Comment(
                    proposal_id=proposal.id,
                    author_id=author,
                    body=f"note {n:02d}",
                    created_at=utcnow() - timedelta(minutes=100 - n),
                )
            )
    at = open_proposal(app, "resident", proposal.id)
    bodies = [m.value for m in at.markdown if m.value.startswith("note ")]
    # The newest first, and one page of them, with a button for the rest.
    assert bodies[:2] == [f"note {PAGE + 4:02d}", f"note {PAGE + 3:02d}"]
    assert len(bodies) == PAGE
    button(at, T("thread.more", n=5 + earlier)).click().run()
    bodies = [m.value for m in at.markdown if m.value.startswith("note ")]
    assert len(bodies) == PAGE + 5 and bodies[-1] == "note 00"
    assert len([b for b in at.button if b.key == f"more_thread_{proposal.id}"]) == (
        earlier > PAGE - 5
    )


def test_filters_apply_and_stay_chosen_when_the_filter_section_closes(app):
    at = app("resident")
    at.run()
    at.switch_page("pages/proposals.py").run()
    assert not at.selectbox  # drawn only once the section is opened
    at.session_state["proposals_filters"] = True
    at.run()
    at.selectbox(key="proposals_status").set_value("implemented").run()
    assert not at.exception

    def listed_statuses():
        return {
            c.value.split(" · ")[1].split("  \n")[0]
            for c in at.caption
            if c.value.count(" · ") >= 2 and "  \n" in c.value
        }

    assert listed_statuses() == {T("status.implemented")}
    at.session_state["proposals_filters"] = False
    at.run()
    assert not at.selectbox and listed_statuses() == {T("status.implemented")}
