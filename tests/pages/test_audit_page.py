"""The public activity log page: anyone reads it, filters and pages through it; admins
verify the chain and see a broken link reported."""

from sqlalchemy import text, update

from core.i18n import Translator
from db.engine import write_session
from db.models import AuditEvent

T = Translator("en")


def audit_page(app, role):
    at = app(role)
    at.run()
    at.switch_page("pages/audit.py").run()
    assert not at.exception, at.exception
    return at


def test_anyone_reads_filters_and_pages_the_log(app):
    from core.admin import add_building
    from core.principal import Principal

    admin = Principal(user_id=1, role="admin", community_id=1)
    for n in range(60):  # more than a page
        add_building(actor=admin, code=f"T{n}", name=f"临时{n}号楼")
    at = audit_page(app, "anonymous")
    table = at.dataframe[0].value
    assert len(table) == 50 and table["seq"].is_monotonic_decreasing  # all the admin's
    assert not [b for b in at.button if b.label == T("audit.verify")]  # admins only
    at.button(key="audit_older").click().run()
    older = at.dataframe[0].value
    assert older["seq"].max() < table["seq"].min()
    at.button(key="audit_newest").click().run()
    assert at.dataframe[0].value["seq"].max() == table["seq"].max()
    at.selectbox(key="audit_action").set_value("building.add").run()
    assert set(at.dataframe[0].value["action"]) == {T("audit.action.building.add")}
    at.selectbox(key="audit_object").set_value("dataset").run()
    assert at.info[0].value == T("audit.empty")


def test_admins_verify_the_chain_and_see_a_forgery(app):
    at = audit_page(app, "admin")
    at.button(key="audit_verify").click().run()
    assert at.success and at.success[0].value.startswith("The chain is intact")
    with write_session() as s:
        s.execute(text("DROP TRIGGER auditevent_no_update"))
        s.execute(update(AuditEvent).where(AuditEvent.seq == 1).values(actor_role="admin"))
    at.button(key="audit_verify").click().run()
    assert at.error[0].value == T("audit.broken", seq=1)


def test_an_anonymous_visitor_cannot_tie_a_resident_to_their_entries(app):
    """Issue 17: "resident · login · user 305", a comment 23 s later, "account deleted ·
    user 305". The table is also what its download button gives."""
    from sqlmodel import select

    from core.accounts.login import log_in
    from core.discussion import add_comment
    from db.engine import read_session
    from db.models import Proposal, User
    from seed.demo import DEMO_PASSWORD

    resident = log_in(username="resident", password=DEMO_PASSWORD)[0]
    with read_session() as s:
        proposal_id = s.exec(
            select(Proposal.id).where(
                Proposal.community_id == resident.community_id,
                Proposal.status == "open_for_discussion",
            )
        ).first()
        user = s.get(User, resident.user_id)
    add_comment(actor=resident, proposal_id=proposal_id, body="我也同意，请尽快处理。")
    at = audit_page(app, "anonymous")
    table = at.dataframe[0].value
    residents = table[table["actor"] == T("role.resident")]
    assert T("audit.action.comment.add") in set(residents["action"])
    assert residents["seq"].isna().all() and (residents["hash"] == "—").all()
    assert not residents["at"].str.contains(":").any()  # the day, never the time
    account = {
        T(f"audit.action.account.{a}")
        for a in ("login", "logout", "register", "delete", "update_profile")
    }
    assert not set(residents["action"]) & account
    assert not table["object"].str.fullmatch(r"user \d+").any()
    assert user.display_name not in table.to_csv()
    assert at.caption and T("audit.residents_note") in [c.value for c in at.caption]
