"""components/dates.py: times picked in forms, in the community's time zone."""

from datetime import date, time, timedelta

from components.dates import default_start, local_datetime


def test_a_picked_date_and_time_are_local_to_the_community():
    picked = local_datetime(date(2026, 12, 3), time(19, 30), "Asia/Shanghai")
    assert picked.utcoffset() == timedelta(hours=8) and picked.hour == 19
    assert local_datetime(None, time(19), "Asia/Shanghai") is None
    assert local_datetime(date(2026, 12, 3), None, "Asia/Shanghai") is None


def test_the_default_start_is_a_week_ahead_at_seven_in_the_evening():
    start = default_start("Asia/Shanghai")
    assert (start.hour, start.minute, start.second) == (19, 0, 0)
    assert start.utcoffset() == timedelta(hours=8)
