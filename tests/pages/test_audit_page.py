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
    assert len(table) == 50 and table["seq"].is_monotonic_decreasing
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
