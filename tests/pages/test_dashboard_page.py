"""The dashboard page: headline figures, every filter, representation against roster and
census, small-group suppression, and the imported Decidim.Barcelona log."""

import json

import pytest

from core.i18n import Translator

T = Translator("en")


def disclosure_k(k: int) -> None:
    """The community's k, as its admin sets it (the viewer has no say)."""
    from core.accounts.sessions import resume
    from core.admin import set_disclosure_k
    from tests.pages.conftest import login_session

    set_disclosure_k(actor=resume(login_session("admin")), k=k)


def dashboard(app, role="researcher"):
    at = app(role)
    at.run()
    at.switch_page("pages/dashboard.py").run()
    assert not at.exception, at.exception
    return at


def metric(at, label):
    return [m for m in at.metric if m.label == label][0].value


def test_headline_figures_and_sentence(app):
    at = dashboard(app)
    # The by-chance Gini is a baseline in words, never an arrow that reads as a change.
    gini = [m for m in at.metric if m.label == T("dashboard.gini")][0]
    assert not gini.proto.delta and "by chance" in gini.help
    assert metric(at, T("dashboard.rate")).endswith("%")
    assert 0 < float(metric(at, T("dashboard.gini"))) < 1
    assert any(i.value.startswith("The most active 10% of residents did") for i in at.info)


def test_every_filter_changes_the_figures_without_errors(app):
    at = dashboard(app)
    everything = metric(at, T("dashboard.rate"))
    at.multiselect(key="dash_kinds").set_value(["vote"]).run()
    assert not at.exception
    votes_only = metric(at, T("dashboard.rate"))
    assert votes_only != everything
    at.selectbox(key="dash_channel").set_value("offline").run()
    at.selectbox(key="dash_building").select_index(1).run()
    assert not at.exception
    occasion = at.selectbox(key="dash_occasion")
    occasion.select_index(len(occasion.options) - 1).run()
    assert not at.exception
    for view in ("representation", "where", "time", "concentration"):
        at.segmented_control(key="dash_view").set_value(view).run()
        assert not at.exception and not at.error
    at.segmented_control(key="dash_view").set_value("representation").run()
    at.selectbox(key="dash_dimension").set_value("education").run()
    assert not at.exception and not at.error


def chart_data(at, index=0):
    import pyarrow as pa

    chart = at.get("vega_lite_chart")[index].proto
    frames = [pa.ipc.open_stream(ds.data.data).read_all().to_pandas() for ds in chart.datasets]
    if chart.data.data:
        frames.append(pa.ipc.open_stream(chart.data.data).read_all().to_pandas())
    return frames


def test_every_view_draws_its_charts(app):
    at = dashboard(app)
    at.segmented_control(key="dash_view").set_value("where").run()
    assert not at.exception and len(at.get("vega_lite_chart")) == 2  # rates and heatmap
    at.segmented_control(key="dash_view").set_value("time").run()
    assert not at.exception
    bars = [f for f in chart_data(at) if "value" in f][0]
    assert bars["value"].sum() > 0
    assert any(c.value.startswith("Per ") for c in at.caption), [c.value for c in at.caption]
    disclosure_k(5)  # the smallest an admin may set: the test community is small
    at.segmented_control(key="dash_view").set_value("representation").run()
    at.toggle(key="dash_by_channel").set_value(True).run()
    assert not at.exception
    labels = {label for f in chart_data(at) if "label" in f for label in f["label"]}
    assert any(label.endswith(T("channel.offline")) for label in labels), labels


def test_speaking_time_in_seconds(app):
    at = dashboard(app)
    at.multiselect(key="dash_kinds").set_value(["speaking"]).run()
    assert not at.exception
    # The demo community has speakers at its held hearings: their seconds are the measure.
    assert any("of the speaking time" in i.value for i in at.info)
    # In seconds the by-chance Gini would change with the unit: it is not offered.
    assert not any("by chance" in i.value for i in at.info)
    gini = [m for m in at.metric if m.label == T("dashboard.gini")][0]
    assert gini.help == T("dashboard.gini_help_time") and not gini.proto.delta


def test_volunteer_hours_in_hours(app):
    at = dashboard(app)
    at.multiselect(key="dash_kinds").set_value(["volunteer_hours"]).run()
    assert not at.exception
    # The demo's organisations recorded hours at their past activities: hours are the measure.
    assert any("of the volunteer hours" in i.value for i in at.info)
    at.segmented_control(key="dash_view").set_value("time").run()
    assert not at.exception
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["encoding"]["y"]["title"] == T("dashboard.hours")


def test_period_compares_with_the_period_before(app):
    from datetime import date, timedelta

    at = dashboard(app)
    today = date.today()
    at.date_input(key="dash_period").set_value((today - timedelta(days=90), today)).run()
    assert not at.exception


def test_census_comparison_and_suppression(app):
    at = dashboard(app)
    at.segmented_control(key="dash_view").set_value("representation").run()
    at.radio(key="dash_against").set_value("census").run()
    assert not at.exception
    disclosure_k(100)
    at.run()
    assert not at.exception
    # Every group is under k: each keeps its row as hidden, and the rule is on screen.
    assert any(T("dashboard.k_rule", k=100) == c.value for c in at.caption)
    assert not [e for e in at.number_input if e.key == "dash_k"]  # the viewer cannot lower k


def test_imported_decidim_log(app):
    at = dashboard(app)
    at.segmented_control(key="dash_dataset").set_value("external").run()
    assert not at.exception
    assert metric(at, T("external.persons"))
    assert any("contributions" in i.value for i in at.info)
    assert at.selectbox(key="ext_exclude_by").value == "account_type"
    at.multiselect(key="ext_kinds").set_value(["comment"]).run()
    assert not at.exception


def test_moderators_see_it_and_residents_do_not(app):
    dashboard(app, "moderator")
    at = app("resident")
    at.run()
    with pytest.raises(ValueError):  # not in a resident's navigation at all
        at.switch_page("pages/dashboard.py")


def test_lorenz_curves_by_kind(app):
    at = dashboard(app)
    at.radio(key="dash_lorenz").set_value("kind").run()
    assert not at.exception
    frames = chart_data(at)
    series = {s for frame in frames if "series" in frame for s in frame["series"]}
    assert len(series) >= 3  # everyone-equal line, this selection, and kinds
    assert T("dashboard.this_selection") in series


def test_a_saved_dataset_is_analysed_and_can_be_deleted(app):
    from sqlmodel import select

    from core.imported_logs.saved import list_datasets, save_dataset
    from core.principal import Principal
    from db.engine import read_session
    from db.models import User

    at = dashboard(app)
    at.segmented_control(key="dash_dataset").set_value("external").run()
    at.radio(key="ext_source").set_value("saved").run()
    assert any(T("external.no_saved") in i.value for i in at.info)
    with read_session() as s:
        user = s.exec(select(User).where(User.username == "researcher")).one()
    researcher = Principal(user_id=user.id, role="researcher", community_id=user.community_id)
    rows = "".join(
        f"p{i % 25},{'comment' if i % 3 else 'proposal'},{'AB'[i % 2]}\n" for i in range(200)
    )
    save_dataset(
        actor=researcher, name="东区意见征集", data=("person_id,kind,area\n" + rows).encode()
    )
    at.run()
    assert not at.exception
    assert metric(at, T("external.persons")) == "25"
    at.button(key="ext_delete").click().run()
    assert not at.exception and list_datasets(actor=researcher) == []


def test_only_a_researcher_downloads_persons_and_is_told_what_was_coarsened(app):
    import io

    import pandas as pd

    offered: list = []
    import streamlit.elements.widgets.button as button_module

    original = button_module.marshall_file

    def recording(coordinates, data, proto, mimetype, file_name=None, **kwargs):
        offered.append((file_name, data))
        return original(coordinates, data, proto, mimetype, file_name, **kwargs)

    button_module.marshall_file = recording
    try:
        at = dashboard(app)
        at.segmented_control(key="dash_view").set_value("representation").run()
        assert not at.exception
        [(_, data)] = [(n, d) for n, d in offered if n == "participation-per-person.csv"]
        table = pd.read_csv(io.BytesIO(data))
        sizes = table.groupby(
            ["building", "age_band", "education", "residency_status"], dropna=False
        ).size()
        assert sizes.min() >= 10  # the community's k
        notes = [c.value for c in at.caption if "shared by at least 10 persons" in c.value]
        assert notes, [c.value for c in at.caption]
        offered.clear()
        at = dashboard(app, "moderator")
        at.segmented_control(key="dash_view").set_value("representation").run()
        assert not at.exception
        assert not [n for n, _ in offered if n == "participation-per-person.csv"]
    finally:
        button_module.marshall_file = original
