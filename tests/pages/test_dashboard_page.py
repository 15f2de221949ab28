"""The dashboard page: headline figures, every filter, representation against roster and
census, small-group suppression, and the imported Decidim.Barcelona log."""
import pytest

from core.i18n import Translator

T = Translator("en")


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
    at.selectbox(key="dash_dimension").set_value("education").run()
    assert not at.exception and not at.error


def test_period_compares_with_the_period_before(app):
    from datetime import date, timedelta

    at = dashboard(app)
    today = date.today()
    at.date_input(key="dash_period").set_value((today - timedelta(days=90), today)).run()
    assert not at.exception


def test_census_comparison_and_suppression(app):
    at = dashboard(app)
    at.radio(key="dash_against").set_value("census").run()
    assert not at.exception
    at.number_input(key="dash_k").set_value(100).run()
    assert not at.exception


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
    import pyarrow as pa

    at = dashboard(app)
    at.radio(key="dash_lorenz").set_value("kind").run()
    assert not at.exception
    chart = at.get("vega_lite_chart")[0].proto
    frames = [pa.ipc.open_stream(ds.data.data).read_all().to_pandas() for ds in chart.datasets]
    if chart.data.data:
        frames.append(pa.ipc.open_stream(chart.data.data).read_all().to_pandas())
    series = {s for frame in frames if "series" in frame for s in frame["series"]}
    assert len(series) >= 3  # everyone-equal line, this selection, and kinds
    assert T("dashboard.this_selection") in series
