"""The admin page's forms call core and show its answers."""

import pytest

from core.i18n import Translator

T = Translator("en")


def test_add_building_and_duplicate(app):
    at = app("admin")
    at.run()
    at.switch_page("pages/admin.py").run()
    inputs = {w.label: w for w in at.text_input}
    inputs[T("field_name.building_code")].input("B99")
    inputs[T("field_name.building_name")].input("99号楼")
    [b for b in at.button if b.label == T("common.add")][0].click().run()
    assert at.success[0].value == T("admin.building_added")
    inputs = {w.label: w for w in at.text_input}
    inputs[T("field_name.building_code")].input("B99")
    inputs[T("field_name.building_name")].input("again")
    [b for b in at.button if b.label == T("common.add")][0].click().run()
    assert T("building.code_taken", code="B99") in at.error[0].value


def test_dashboard_shows_charts(app):
    import json

    at = app("researcher")
    at.run()
    at.switch_page("pages/dashboard.py").run()
    marks = []
    for view in ("concentration", "representation", "where", "time"):
        at.segmented_control(key="dash_view").set_value(view).run()
        charts = at.get("vega_lite_chart")
        assert charts, view
        marks += [json.dumps(json.loads(c.proto.spec)) for c in charts]
    # Lorenz; ratios and Theil shares; rates and heatmap; trends
    assert len(marks) == 6
    assert '"line"' in marks[0] and '"rect"' in " ".join(marks)
    assert [m.label for m in at.metric][0] == T("dashboard.rate")


def test_the_alert_level_is_saved(app):
    from core.community import get_community

    at = app("admin")
    at.run()
    at.switch_page("pages/admin.py").run()
    assert at.number_input(key="alert_level").value == 50
    at.number_input(key="alert_level").set_value(70)
    [b for b in at.button if b.label == T("common.save")][0].click().run()
    assert not at.exception
    assert at.success[0].value == T("admin.alert_saved")
    assert get_community(1).dominance_alert == 0.7
    assert at.number_input(key="alert_level").value == 70


def test_the_backup_tab_offers_a_download(app):
    at = app("admin")
    at.run()
    at.switch_page("pages/admin.py").run()
    assert not at.exception
    assert T("admin.backups_help") in [c.value for c in at.caption]
    assert at.get("download_button")  # clicking it downloads database_backup's bytes


def test_the_disclosure_k_is_saved_and_refused_below_five(app):
    from core.accounts.sessions import resume
    from core.admin import set_disclosure_k
    from core.community import get_community
    from core.errors import InvalidInput, PermissionDenied
    from tests.pages.conftest import login_session

    at = app("admin")
    at.run()
    at.switch_page("pages/admin.py").run()
    assert at.number_input(key="disclosure_k").value == 10
    at.number_input(key="disclosure_k").set_value(15)
    at.button(key="disclosure_k_save").click().run()
    assert not at.exception
    assert at.success[0].value == T("admin.disclosure_k_saved")
    assert get_community(1).disclosure_k == 15
    admin = resume(login_session("admin"))
    for bad in (4, 101, 7.5, True, "10", None):
        with pytest.raises(InvalidInput) as raised:
            set_disclosure_k(actor=admin, k=bad)
        assert raised.value.key == "admin.bad_disclosure_k"
    with pytest.raises(PermissionDenied):
        set_disclosure_k(actor=resume(login_session("researcher")), k=5)
    assert get_community(1).disclosure_k == 15
