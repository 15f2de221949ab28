"""The dashboard's data: per-resident counts under every filter (zeros included, staff out,
demographics only with consent), small-group suppression, the building heatmap, and
imported logs."""

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import analytics
from core.dashboard.activity import building_activity, trends
from core.dashboard.figures import (
    channel_representation,
    dissimilarity,
    explained_by,
    representation_table,
)
from core.dashboard.filters import UNDISCLOSED, Filters, measure
from core.dashboard.people import has_activity, kind_counts, person_counts
from core.errors import InvalidInput, PermissionDenied
from core.imported_logs.analysis import DEMO_LOG, filtered, group_columns, persons, read_log, voice
from core.participation import record_participation
from db.engine import write_session
from db.models import Resident
from db.models.base import utcnow

pytestmark = pytest.mark.usefixtures("quick_accounts")


@pytest.fixture
def town(community, people):
    """12 roster residents: even ones consented (age 60-74 or 18-29), in two buildings, with
    events of several kinds; plus activity by the moderator, which must not count."""
    ids = []
    with write_session() as s:
        for i in range(12):
            r = Resident(
                community_id=community["id"],
                building_id=community["buildings"][i % 2],
                full_name=f"居民{i}",
                age_band="60-74" if i < 6 else "18-29",
                research_consent=i % 2 == 0,
            )
            s.add(r)
            s.flush()
            ids.append(r.id)
        now = utcnow()
        for n, rid in enumerate(ids[:4]):  # four active residents, the first very active
            for _ in range(10 if n == 0 else 1):
                record_participation(
                    s,
                    community_id=community["id"],
                    kind="comment",
                    resident_id=rid,
                    at=now - timedelta(days=3),
                )
        record_participation(
            s,
            community_id=community["id"],
            kind="vote",
            resident_id=ids[5],
            channel="offline",
            at=now - timedelta(days=40),
            object_type="poll",
            object_id=7,
        )
        record_participation(
            s,
            community_id=community["id"],
            kind="comment",
            resident_id=people["moderator"].resident_id,
        )
    return ids


def test_counts_include_everyone_in_scope_with_zeros_and_without_staff(people, town):
    frame = person_counts(actor=people["researcher"], filters=Filters())
    # 12 roster residents + the resident accounts of `people` (resident, resident2); the
    # moderator, researcher and admin are staff.
    assert len(frame) == 14
    assert people["moderator"].resident_id not in set(frame["resident_id"])
    assert frame["count"].sum() == 14 and (frame["count"] == 0).sum() == 9
    by_id = frame.set_index("resident_id")
    assert by_id.loc[town[0], "age_band"] == "60-74"
    assert by_id.loc[town[1], "age_band"] == UNDISCLOSED  # no research consent


def test_every_filter(people, town, community):
    actor = people["researcher"]
    total = lambda **f: int(person_counts(actor=actor, filters=Filters(**f))["count"].sum())  # noqa: E731
    assert total(kinds=["vote"]) == 1 and total(kinds=["comment"]) == 13
    assert total(channel="offline") == 1
    today = utcnow().date()
    assert total(start=today - timedelta(days=10), end=today) == 13
    assert total(start=today - timedelta(days=60), end=today - timedelta(days=30)) == 1
    assert total(object_type="poll", object_id=7) == 1
    assert total(building_id=community["buildings"][1]) == 3  # town[1], town[3], town[5]
    with pytest.raises(InvalidInput):
        person_counts(actor=actor, filters=Filters(kinds=["gossip"]))
    with pytest.raises(InvalidInput) as raised:
        person_counts(actor=actor, filters=Filters(start=today, end=today - timedelta(days=1)))
    assert raised.value.key == "dashboard.bad_period"
    with pytest.raises(PermissionDenied):
        person_counts(actor=people["resident"], filters=Filters())


def test_representation_only_counts_consenting_residents_and_suppresses_small_groups(people, town):
    frame = person_counts(actor=people["researcher"], filters=Filters())
    table = representation_table(frame, "age_band", k=2).set_index("group")
    # Consenting: town[0, 2, 4] are 60-74 (0 and 2 active), town[6, 8, 10] are 18-29 (none).
    assert table.loc["60-74", "persons"] == 3 and table.loc["60-74", "participants"] == 2
    assert table.loc["60-74", "participant_share"] == 1.0
    assert table.loc["60-74", "ratio"] == pytest.approx(2.0)
    assert UNDISCLOSED not in table.index
    hidden = representation_table(frame, "age_band", k=4).set_index("group")
    assert hidden["suppressed"].all() and hidden["ratio"].isna().all()
    assert dissimilarity(frame, "age_band") == pytest.approx(0.5)
    assert set(explained_by(frame)["dimension"]) == {"age_band", "building"}


def test_secondary_suppression():
    assert analytics.suppressed({"a": 50, "b": 3, "c": 20, "d": 40}, 10) == {"b", "c"}
    # b + c = 7 < k would be given away by the total: a joins them.
    assert analytics.suppressed({"a": 50, "b": 3, "c": 4}, 10) == {"a", "b", "c"}
    assert analytics.suppressed({"a": 50, "b": 30}, 10) == set()
    assert analytics.suppressed({"a": 50, "b": 0, "c": 20}, 10) == set()


FIGURES = (
    "participants",
    "persons",
    "participant_share",
    "population_share",
    "ratio",
    "ci_low",
    "ci_high",
)


def roster_frame(groups: dict[str, tuple[int, int]]):
    """A per-resident frame: for each group, (residents, of whom taking part)."""
    import pandas as pd

    rows = []
    for group, (residents, taking_part) in groups.items():
        rows += [{"age_band": group, "count": 1}] * taking_part
        rows += [{"age_band": group, "count": 0}] * (residents - taking_part)
    rows += [{"age_band": UNDISCLOSED, "count": 3}] * 4
    return pd.DataFrame(rows, columns=["age_band", "count"])


def test_hidden_groups_keep_their_row_with_every_figure_blank():
    frame = roster_frame({"18-29": (100, 50), "30-44": (3, 0), "45-59": (30, 20), "75+": (40, 30)})
    table = representation_table(frame, "age_band", k=5).set_index("group")
    # The roster hides 30-44 (3) with 45-59, the next smallest. On the participants side
    # that leaves one non-zero hidden cell (45-59: 20), which the participants' total
    # (50 / 0.5 = 100) would give away: 75+, the next smallest, is hidden as well.
    assert sorted(table.index[table["suppressed"]]) == ["30-44", "45-59", "75+"]
    assert table.loc[["30-44", "45-59", "75+"], list(FIGURES)].isna().all().all()
    assert table.loc["18-29", "participants"] == 50 and table.loc["18-29", "persons"] == 100
    assert list(table.reset_index().columns[:6]) == [
        "group",
        "participant_share",
        "population_share",
        "ratio",
        "ci_low",
        "ci_high",
    ]


def test_channel_representation_hides_small_groups_on_each_channel():
    import pandas as pd

    frame = pd.DataFrame(
        {
            "age_band": ["a"] * 30 + ["b"] * 30 + ["c"] * 30,
            "count": [1] * 90,
            "acts": [1] * 90,
            "offline": [0] * 28 + [1] * 2 + [0] * 30 + [1] * 30,  # 2 in a, 30 in c offline
        }
    )
    table = channel_representation(frame, "age_band", k=5)
    offline = table[table["channel"] == "offline"].set_index("group")
    assert offline.loc["a", "suppressed"] and offline.loc["a", list(FIGURES)].isna().all()
    assert offline["suppressed"].sum() >= 2  # a is not hidden alone
    online = table[table["channel"] == "online"].set_index("group")
    assert not online["suppressed"].any()


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["18-29", "30-44", "45-59", "60-74", "75+"]),
        st.tuples(st.integers(0, 40), st.integers(0, 40)).map(lambda t: (max(t), min(t))),
        min_size=1,
    ),
    st.integers(5, 20),
)
def test_representation_publishes_nothing_under_k_even_by_subtraction(groups, k):
    frame = roster_frame(groups)
    table = representation_table(frame, "age_band", k=k)
    hidden, shown = table[table["suppressed"]], table[~table["suppressed"]]
    assert hidden[list(FIGURES)].isna().all().all()
    assert set(table["group"]) == {g for g, (n, _) in groups.items() if n > 0}
    for column, side in (("persons", 0), ("participants", 1)):
        assert not shown[column].between(1, k - 1).any()
        # What a published total (or one derived from a share) minus the published cells
        # gives: nothing or k or more, unless every non-zero cell is hidden; and never one
        # non-zero cell hidden alone.
        non_zero = {g for g, sides in groups.items() if sides[side] > 0}
        hidden_non_zero = {g for g in hidden["group"] if groups[g][side] > 0}
        left = sum(groups[g][side] for g in non_zero) - shown[column].sum()
        assert left == 0 or left >= k or hidden_non_zero == non_zero
        assert len(hidden_non_zero) != 1 or hidden_non_zero == non_zero


def test_building_activity_is_a_share_of_each_building(people, town, community):
    # k = 1 publishes every cell: the arithmetic, before the disclosure rule.
    grid = building_activity(actor=people["researcher"], filters=Filters(), k=1)
    shares = {(row.building, row.kind): row.share for row in grid.itertuples()}
    # B1: town[0, 2, 4, ...] (6) plus the two resident accounts = 8 persons; 2 commented.
    assert shares[("B1", "comment")] == pytest.approx(2 / 8)
    assert shares[("B2", "vote")] == pytest.approx(1 / 6)


def test_building_cells_under_k_are_hidden_by_default(people, town, community):
    """By default the community's k (10) holds: 2 commenters in B1 are too few to show."""
    import math

    grid = building_activity(actor=people["researcher"], filters=Filters())
    assert len(grid) and grid["suppressed"].all()
    assert all(math.isnan(share) for share in grid["share"])


def test_counts_by_kind_add_up_to_the_counts(people, town):
    actor = people["researcher"]
    wide = kind_counts(actor=actor, filters=Filters())
    frame = person_counts(actor=actor, filters=Filters())
    assert list(wide.columns) == ["comment", "vote"] and len(wide) == len(frame)
    assert (wide.sum(axis=1).to_numpy() == frame["acts"].to_numpy()).all()
    assert wide["comment"].max() == 10
    only = kind_counts(actor=actor, filters=Filters(kinds=["vote"]))
    assert list(only.columns) == ["vote"] and only["vote"].sum() == 1


def test_speaking_time_is_measured_in_seconds(people, town, community):
    actor = people["researcher"]
    with write_session() as s:
        record_participation(
            s,
            community_id=community["id"],
            kind="speaking",
            resident_id=town[2],
            amount=185.0,
            channel="offline",
        )
        record_participation(
            s,
            community_id=community["id"],
            kind="speaking",
            resident_id=town[3],
            amount=15.0,
            channel="offline",
        )
    spoken = person_counts(actor=actor, filters=Filters(kinds=["speaking"]))
    assert spoken["count"].sum() == 200.0 and spoken["acts"].sum() == 2
    assert analytics.top_share(spoken["count"].to_numpy(), 0.05) == pytest.approx(185 / 200)
    everything = person_counts(actor=actor, filters=Filters())
    assert everything["count"].sum() == 16  # acts when other kinds are in view
    _, series = trends(actor=actor, filters=Filters(kinds=["speaking"]))
    assert series["value"].sum() == 200.0


def test_volunteer_hours_are_measured_in_hours(people, town, community):
    actor = people["researcher"]
    with write_session() as s:
        for rid, hours in ((town[2], 6.5), (town[3], 1.5), (town[2], 2.0)):
            for kind, amount in (("organisation_activity", 1.0), ("volunteer_hours", hours)):
                record_participation(
                    s,
                    community_id=community["id"],
                    kind=kind,
                    resident_id=rid,
                    amount=amount,
                    channel="offline",
                    object_type="organisation_activity",
                    object_id=1,
                )
    assert measure(Filters(kinds=["volunteer_hours"])) == "hours"
    assert measure(Filters(kinds=["volunteer_hours", "speaking"])) == "acts"
    given = person_counts(actor=actor, filters=Filters(kinds=["volunteer_hours"]))
    assert given["count"].sum() == 10.0 and given["acts"].sum() == 3
    assert analytics.top_share(given["count"].to_numpy(), 0.05) == pytest.approx(8.5 / 10)
    attended = person_counts(actor=actor, filters=Filters(kinds=["organisation_activity"]))
    assert attended["count"].sum() == 3  # attendances: acts
    _, series = trends(actor=actor, filters=Filters(kinds=["volunteer_hours"]))
    assert series["value"].sum() == 10.0
    _, mixed = trends(actor=actor, filters=Filters(kinds=["volunteer_hours", "comment"]))
    assert mixed[mixed["kind"] == "volunteer_hours"]["value"].sum() == 3  # acts when mixed
    wide = kind_counts(actor=actor, filters=Filters())
    assert wide["volunteer_hours"].sum() == 10.0 and wide["organisation_activity"].sum() == 3


def test_channel_representation_compares_online_and_offline_participants(people, town):
    frame = person_counts(actor=people["researcher"], filters=Filters())
    table = channel_representation(frame, "building", k=1)
    online = table[table["channel"] == "online"].set_index("group")["participants"]
    offline = table[table["channel"] == "offline"].set_index("group")["participants"]
    assert online.sum() == 4 and offline.sum() == 1  # the offline voter is town[5]


def test_trends_count_every_event_once_in_local_periods(people, town, community):
    actor = people["researcher"]
    granularity, series = trends(actor=actor, filters=Filters())
    assert granularity == "day" and series["value"].sum() == 14
    assert set(series["kind"]) == {"comment", "vote"}
    today = utcnow().date()
    granularity, series = trends(
        actor=actor, filters=Filters(start=today - timedelta(days=365), end=today)
    )
    assert granularity == "week" and series["value"].sum() == 14
    assert all(day.weekday() == 0 for day in series["period"])  # weeks start on Monday
    _, series = trends(actor=actor, filters=Filters(start=today - timedelta(days=800), end=today))
    assert series["value"].sum() == 14 and series["period"].iloc[0].day == 1  # months
    # A building or one occasion takes the other road (few events, counted here): same sums.
    building = community["buildings"][0]
    _, series = trends(actor=actor, filters=Filters(building_id=building))
    expected = person_counts(actor=actor, filters=Filters(building_id=building))["acts"].sum()
    assert series["value"].sum() == expected
    _, series = trends(actor=actor, filters=Filters(object_type="poll", object_id=7))
    assert series["value"].sum() == 1 and list(series["kind"].unique()) == ["vote"]
    _, series = trends(
        actor=actor,
        filters=Filters(object_type="poll", object_id=7, building_id=community["buildings"][0]),
    )
    assert series.empty  # the voter lives in the other building
    _, nothing = trends(actor=actor, filters=Filters(kinds=["need"]))
    assert nothing.empty
    with pytest.raises(PermissionDenied):
        trends(actor=people["resident"], filters=Filters())


def test_a_changed_resident_shows_at_once_despite_the_cached_roster(people, town):
    actor = people["researcher"]
    before = person_counts(actor=actor, filters=Filters()).set_index("resident_id")
    assert before.loc[town[1], "age_band"] == UNDISCLOSED
    with write_session() as s:
        s.get(Resident, town[1]).research_consent = True
    after = person_counts(actor=actor, filters=Filters()).set_index("resident_id")
    assert after.loc[town[1], "age_band"] == "60-74"
    with write_session() as s:
        s.get(Resident, town[0]).research_consent = False
    again = person_counts(actor=actor, filters=Filters()).set_index("resident_id")
    assert again.loc[town[0], "age_band"] == UNDISCLOSED


def test_has_activity(people, community):
    assert not has_activity(actor=people["researcher"])
    with write_session() as s:
        record_participation(
            s,
            community_id=community["id"],
            kind="comment",
            resident_id=people["resident"].resident_id,
        )
    assert has_activity(actor=people["researcher"])


def test_imported_logs(people):
    actor = people["researcher"]
    log = read_log(actor=actor, data=DEMO_LOG.read_bytes())
    assert len(log) == 29052 and "account_type" in group_columns(log)
    citizens = filtered(log, exclude={"account_type": ["staff", "official"]})
    assert len(citizens) < len(log)
    table = voice(citizens, "account_type", k=10).set_index("group")
    assert set(table.index) == {"citizen", "organization"}
    assert persons(citizens)["count"].sum() == len(citizens)
    gbk = "person_id,kind,区\n甲,comment,东\n乙,proposal,西\n".encode("gb18030")
    assert list(read_log(actor=actor, data=gbk)["区"]) == ["东", "西"]
    for data, key in (
        (b"", "external.empty"),
        (b"who,what\n1,2\n", "external.missing_columns"),
        (b"\xff\xfe\x00garbage\x81", "external.unreadable"),
    ):
        with pytest.raises(InvalidInput) as raised:
            read_log(actor=actor, data=data)
        assert raised.value.key == key
    with pytest.raises(PermissionDenied):
        read_log(actor=people["resident"], data=DEMO_LOG.read_bytes())


def test_influence_of_the_most_active_tenth(people, town, community):
    from core.dashboard.influence import influence
    from core.proposals.commands import submit_proposal
    from db.models import Proposal, User

    ids = []
    for author in ("resident", "resident2"):
        ids.append(
            submit_proposal(
                actor=people[author],
                kind="proposal",
                title="增设休息座椅",
                body="小区里老人多，希望在花园里增设几张座椅方便休息。",
                category="environment",
            )
        )
    with write_session() as s:
        for pid in ids:
            s.get(Proposal, pid).status = "accepted"
        # Make the first author the most active resident of all.
        user = s.get(User, people["resident"].user_id)
        for _ in range(30):
            record_participation(
                s, community_id=community["id"], kind="support", resident_id=user.resident_id
            )
    frame = person_counts(actor=people["researcher"], filters=Filters())
    power = influence(actor=people["researcher"], frame=frame)
    # 14 residents: the top 10% are the 2 most active (resident, town[0]).
    assert (power.adopted, power.from_top, power.share) == (2, 1, 0.5)


def test_alerts_when_a_hearing_draws_one_group_only(people, community):
    from core.dashboard.alerts import representation_alerts

    with write_session() as s:
        residents = []
        for i in range(60):
            r = Resident(
                community_id=community["id"],
                building_id=community["buildings"][0],
                full_name=f"听众{i}",
                age_band="60-74" if i < 20 else "18-29",
                research_consent=True,
            )
            s.add(r)
            s.flush()
            residents.append(r.id)
        for rid in residents[:12]:  # twelve registrants, all aged 60-74
            record_participation(
                s,
                community_id=community["id"],
                kind="hearing_registration",
                resident_id=rid,
                object_type="hearing",
                object_id=5,
            )
    alerts = {
        (a.kind, a.group): a
        for a in representation_alerts(
            actor=people["moderator"], object_type="hearing", object_id=5
        )
    }
    assert alerts[("over", "60-74")].ratio == pytest.approx(3.0)
    assert alerts[("under", "18-29")].action == "alert.action.hearing.under"
    assert (
        representation_alerts(actor=people["moderator"], object_type="hearing", object_id=6) == []
    )  # nobody: too few to judge
    with pytest.raises(PermissionDenied):
        representation_alerts(actor=people["researcher"], object_type="hearing", object_id=5)


def test_a_discussion_dominated_by_a_few_alerts_at_the_community_level(people, community):
    from core.admin import set_dominance_alert
    from core.dashboard.alerts import representation_alerts

    with write_session() as s:  # 20 commenters on proposal 9; two of them write 60 of 78
        for i in range(20):
            r = Resident(
                community_id=community["id"],
                building_id=community["buildings"][0],
                full_name=f"评论者{i}",
            )
            s.add(r)
            s.flush()
            for _ in range(30 if i < 2 else 1):
                record_participation(
                    s,
                    community_id=community["id"],
                    kind="comment",
                    resident_id=r.id,
                    object_type="proposal",
                    object_id=9,
                )

    def dominated():
        return [
            a
            for a in representation_alerts(
                actor=people["moderator"], object_type="proposal", object_id=9
            )
            if a.kind == "dominated"
        ]

    [alert] = dominated()
    assert alert.share == pytest.approx(60 / 78) and alert.action.endswith("dominated")
    set_dominance_alert(actor=people["admin"], share=0.8)
    assert dominated() == []  # 77% is under the new level
    for bad in (0.1, 0.99, float("nan"), True, "0.5", None):
        with pytest.raises(InvalidInput):
            set_dominance_alert(actor=people["admin"], share=bad)
    with pytest.raises(PermissionDenied):
        set_dominance_alert(actor=people["moderator"], share=0.3)
    set_dominance_alert(actor=people["admin"], share=0.5)
    assert len(dominated()) == 1


def test_exports_are_pseudonymised_and_safe_in_spreadsheets(people, town):
    import pandas as pd

    from core.dashboard.exports import pseudonymised_persons
    from core.spreadsheet import spreadsheet_safe

    frame = person_counts(actor=people["researcher"], filters=Filters())
    first, said = pseudonymised_persons(actor=people["researcher"], frame=frame, k=3)
    second, _ = pseudonymised_persons(actor=people["researcher"], frame=frame, k=3)
    assert len(first) == 6  # the consenting half of `town`: 3 + 3 in one building
    assert said.columns_dropped == [] and said.categories_merged == {}
    assert said.rows_dropped == 0 and said.k == 3
    assert "resident_id" not in first.columns and set(first["person"]).isdisjoint(second["person"])
    assert sorted(first["count"]) == sorted(second["count"])
    cells = pd.DataFrame({"=cmd": ["=1+1", "+SUM(A1)", "-2", "@x", "\tx", "ok", 3]})
    safe = spreadsheet_safe(cells)
    assert list(safe.columns) == ["'=cmd"]
    assert safe.iloc[:, 0].tolist() == ["'=1+1", "'+SUM(A1)", "'-2", "'@x", "'\tx", "ok", 3]
    text_only = spreadsheet_safe(pd.DataFrame({"group": ["=HYPERLINK(1)", "B01"]}))
    assert text_only["group"].tolist() == ["'=HYPERLINK(1)", "B01"]  # pandas' str dtype too
    numbers = spreadsheet_safe(pd.DataFrame({"ratio": [-0.5, 2.0]}))
    assert numbers["ratio"].tolist() == [-0.5, 2.0]  # negative numbers are not formulas


def test_the_per_person_export_is_k_anonymous_and_says_what_it_generalised(people, town):
    from core.dashboard.exports import pseudonymised_persons

    frame = person_counts(actor=people["researcher"], filters=Filters())
    # Two classes of 3 (60-74 and 18-29, one building): under k = 4 the building goes
    # first, then the age bands, smallest first (a tie: by their text), into "other".
    table, said = pseudonymised_persons(actor=people["researcher"], frame=frame, k=4)
    assert said.columns_dropped == ["building"] and set(table["building"]) == {"*"}
    assert said.categories_merged == {"age_band": ["18-29", "60-74"]}
    assert set(table["age_band"]) == {"other"} and len(table) == 6 and said.rows_dropped == 0
    # Fewer consenting residents than k: nothing can be published.
    table, said = pseudonymised_persons(actor=people["researcher"], frame=frame, k=7)
    assert table.empty and said.rows_dropped == 6
    for role in ("moderator", "admin"):  # the dashboard's other viewers: aggregates only
        with pytest.raises(PermissionDenied):
            pseudonymised_persons(actor=people[role], frame=frame, k=4)


def skewed_roster(seed: int, n: int):
    """n residents with skewed categories (a few common values, a long tail of rare ones)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)

    def column(values, n):
        weights = 1 / np.arange(1, len(values) + 1) ** 1.5
        return rng.choice(values, size=n, p=weights / weights.sum())

    return pd.DataFrame(
        {
            "resident_id": np.arange(n),
            "building": column([f"B{i:02}" for i in range(12)], n),
            "age_band": column(["60-74", "45-59", "30-44", "75+", "18-29", UNDISCLOSED], n),
            "education": column(["secondary", "primary", "tertiary", "none", "postgrad"], n),
            "residency_status": column(["hukou", "non_hukou", "foreign"], n),
            "count": rng.poisson(2, size=n),
        }
    )


QUASI = ["building", "age_band", "education", "residency_status"]


def check_k_anonymous(original, table, said, k):
    assert said.k == k
    if not table.empty:
        assert table.groupby(QUASI, dropna=False).size().min() >= k
    # No row is lost unless rows_dropped says so; the counts are the residents' own.
    assert len(table) + said.rows_dropped == len(original)
    if said.rows_dropped == 0:
        assert sorted(table["count"]) == sorted(original["count"])
    if not table.empty:
        assert ("building" in said.columns_dropped) == (set(table["building"]) == {"*"})
    for column in QUASI[1:]:
        merged = set(said.categories_merged.get(column, []))
        assert merged.isdisjoint(table[column])
        new = set(table[column]) - set(original[column])
        assert new <= {"other"} and (not new or merged)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("k", [5, 10, 20])
def test_k_anonymity_on_random_rosters(seed, k):
    from core.dashboard.exports import k_anonymous

    roster = skewed_roster(seed, 150 + 50 * seed)
    table, said = k_anonymous(roster.drop(columns="resident_id"), k)
    check_k_anonymous(roster, table, said, k)
    assert said.rows_dropped <= 0.05 * len(roster)  # merging goes on while more would go


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.integers(0, 120), st.integers(5, 20))
def test_k_anonymity_holds_for_any_roster(seed, n, k):
    from core.dashboard.exports import k_anonymous

    roster = skewed_roster(seed, n)
    table, said = k_anonymous(roster.drop(columns="resident_id"), k)
    check_k_anonymous(roster, table, said, k)


def test_imported_logs_are_kept_as_datasets(people):
    from core.errors import NotFound
    from core.imported_logs.saved import delete_dataset, list_datasets, load_dataset, save_dataset
    from core.principal import Principal

    researcher, admin = people["researcher"], people["admin"]
    data = b"person_id,kind,district\np1,comment,A\np2,comment,B\np1,proposal,A\n"
    dataset_id = save_dataset(
        actor=researcher, name="  区里的意见  ", data=data, file_name="log.csv"
    )
    [saved] = list_datasets(actor=people["moderator"])  # moderators see the dashboard too
    assert (saved.name, saved.rows, saved.persons) == ("区里的意见", 3, 2)
    log = load_dataset(actor=people["moderator"], dataset_id=dataset_id)
    assert list(log.columns) == ["person_id", "kind", "district"] and len(log) == 3
    with pytest.raises(InvalidInput) as error:  # the same bytes twice
        save_dataset(actor=admin, name="again", data=data)
    assert error.value.key == "external.already_saved"
    for bad_name in ("", "   ", "x" * 81):
        with pytest.raises(InvalidInput):
            save_dataset(actor=researcher, name=bad_name, data=data + b"p3,comment,A\n")
    with pytest.raises(InvalidInput):
        save_dataset(actor=researcher, name="no person column", data=b"who,kind\n1,comment\n")
    with pytest.raises(PermissionDenied):
        save_dataset(actor=people["moderator"], name="m", data=data + b"p4,comment,B\n")
    assert len(list_datasets(actor=researcher)) == 1  # nothing half-written
    elsewhere = Principal(user_id=researcher.user_id, role="researcher", community_id=999)
    with pytest.raises(NotFound):
        load_dataset(actor=elsewhere, dataset_id=dataset_id)
    other = Principal(
        user_id=admin.user_id + 100, role="researcher", community_id=researcher.community_id
    )
    assert not saved.can_delete  # moderators read datasets but do not import or delete them
    assert [d.can_delete for d in list_datasets(actor=researcher)] == [True]
    assert [d.can_delete for d in list_datasets(actor=admin)] == [True]
    assert [d.can_delete for d in list_datasets(actor=other)] == [False]
    with pytest.raises(PermissionDenied):  # only whoever saved it, or an admin
        delete_dataset(actor=other, dataset_id=dataset_id)
    delete_dataset(actor=admin, dataset_id=dataset_id)
    assert list_datasets(actor=researcher) == []
    with pytest.raises(NotFound):
        delete_dataset(actor=admin, dataset_id=dataset_id)


def test_a_view_gets_its_query_beside_the_counts(people, town):
    from core.dashboard.views import view_data

    actor = people["researcher"]
    frame, nothing = view_data(actor=actor, filters=Filters(), view="concentration")
    assert nothing is None and frame["count"].sum() == 14
    frame, grid = view_data(actor=actor, filters=Filters(), view="where")
    assert grid.equals(building_activity(actor=actor, filters=Filters()))
    _, (granularity, series) = view_data(actor=actor, filters=Filters(), view="time")
    assert series["value"].sum() == 14
    with pytest.raises(InvalidInput):
        view_data(actor=actor, filters=Filters(kinds=["bogus"]), view="time")
    with pytest.raises(PermissionDenied):
        view_data(actor=people["resident"], filters=Filters(), view="where")


def test_building_rates_count_participants_over_the_roster():
    import pandas as pd

    from core.dashboard.activity import building_rates

    people = pd.DataFrame(
        {"resident_id": [1, 2, 3, 4], "building": ["1", "1", "1", "2"], "count": [0, 3, 1, 0]}
    )
    rates = building_rates(people, k=1).set_index("building")
    assert rates.loc["1", "roster"] == 3 and rates.loc["1", "participants"] == 2
    assert rates.loc["1", "rate"] == pytest.approx(2 / 3) and rates.loc["2", "rate"] == 0


def test_a_building_with_few_participants_is_hidden_with_another():
    """Building 3's 4 participants are under k = 10; building 2 is hidden with it (so the
    total cannot give it away); building 1 shows."""
    import math

    import pandas as pd

    from core.dashboard.activity import building_rates

    rows = []
    for building, residents, taking_part in (("1", 60, 30), ("2", 40, 20), ("3", 30, 4)):
        rows += [(building, 1 if i < taking_part else 0) for i in range(residents)]
    people = pd.DataFrame(
        {
            "resident_id": range(len(rows)),
            "building": [b for b, _ in rows],
            "count": [c for _, c in rows],
        }
    )
    rates = building_rates(people, k=10).set_index("building")
    assert list(rates["suppressed"]) == [False, True, True]
    assert rates.loc["1", "rate"] == pytest.approx(0.5)
    for hidden in ("2", "3"):
        for figure in ("roster", "participants", "rate"):
            assert math.isnan(rates.loc[hidden, figure])


def test_a_hidden_imported_group_shows_no_figure_that_gives_it_away(people):
    """The imported-log "voice" table blanks every figure of a hidden group (its persons too),
    and claims no interval (Wilson's is for a share of persons, not of acts)."""
    import math

    rows = ["person_id,kind,district"]
    for district, n in (("east", 50), ("west", 40), ("north", 3)):
        rows += [f"{district}{i},comment,{district}" for i in range(n)]
    log = read_log(actor=people["researcher"], data="\n".join(rows).encode())
    table = voice(log, "district", k=10).set_index("group")
    # north is under k; west is hidden with it, so that the total cannot give north away.
    assert list(table["suppressed"].sort_index()) == [False, True, True]
    for hidden in ("north", "west"):
        for figure in ("persons", "participant_share", "population_share", "ratio"):
            assert math.isnan(table.loc[hidden, figure]), (hidden, figure)
    assert table.loc["east", "persons"] == 50
    assert table[["ci_low", "ci_high"]].isna().all().all()
