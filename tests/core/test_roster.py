"""Roster import: UTF-8 and GBK, row-level errors, all or nothing."""

import pytest
from sqlalchemy import func
from sqlmodel import select

from core.errors import InvalidInput, PermissionDenied, RowErrors
from core.roster import import_roster
from db.engine import read_session
from db.models import Resident

HEADER = (
    "full_name,building,unit,age_band,gender,education,occupation,residency_status,"
    "years_in_community,research_consent\n"
)


def roster_size() -> int:
    with read_session() as s:
        return s.exec(select(func.count()).select_from(Resident)).one()


def test_imports_utf8_with_codes_and_labels(people):
    before = roster_size()
    data = (
        HEADER + "张伟,B1,301,60-74,male,secondary,retired,local_registered,25,yes\n"
        "李娜,B2,,30-44,女,本科,在职,租户,2,否\n"
        "Ann Lee,B3,12,18-29,Female,Bachelor's degree,Student,Migrant,,\n"
    ).encode("utf-8-sig")
    fractions = []
    result = import_roster(actor=people["admin"], data=data, progress=fractions.append)
    assert result.imported == 3 and result.encoding == "utf-8-sig"
    assert roster_size() == before + 3
    assert fractions and fractions[-1] == pytest.approx(1.0)
    with read_session() as s:
        li = s.exec(select(Resident).where(Resident.full_name == "李娜")).one()
    assert (li.gender, li.education, li.occupation, li.residency_status) == (
        "female",
        "bachelor",
        "employed",
        "renter",
    )
    assert li.research_consent is False and li.unit is None


def test_imports_gbk_with_chinese_headers(people):
    data = "姓名,楼栋,年龄段,户籍状态\n王芳,B1,75+,本地户籍\n赵磊,B2,45-59,流动人口\n".encode("gbk")
    result = import_roster(actor=people["admin"], data=data)
    assert result.imported == 2 and result.encoding == "gb18030"


@pytest.mark.parametrize(
    "data, key",
    [
        (b"", "roster.empty"),
        (b"full_name,unit\nx,1\n", "roster.missing_columns"),
        (HEADER.encode(), "roster.no_rows"),
        (b"\xff\xfe\x00\x00garbage\x81", "roster.encoding"),
        (b"x" * (10 * 1024 * 1024 + 1), "roster.too_large"),
    ],
)
def test_file_level_errors(people, data, key):
    before = roster_size()
    with pytest.raises(InvalidInput) as raised:
        import_roster(actor=people["admin"], data=data)
    assert raised.value.key == key
    assert roster_size() == before


def test_bad_rows_are_all_reported_and_nothing_is_imported(people):
    before = roster_size()
    data = (
        HEADER + "好人,B1,,,,,,,,\n"
        ",B1,,,,,,,,\n"
        "某人,B9,,,,,,,,\n"
        "某人,B1,,teen,,,,,,\n"
        "某人,B1,,,,,,,-2,\n"
        "某人,B1,,,,,,,,maybe\n"
    ).encode()
    with pytest.raises(RowErrors) as raised:
        import_roster(actor=people["admin"], data=data)
    lines = {line: error.key for line, error in raised.value.rows}
    assert lines == {
        3: "field.required",
        4: "roster.unknown_building",
        5: "roster.bad_value",
        6: "field.out_of_range",
        7: "roster.bad_value",
    }
    assert raised.value.total == 5
    assert roster_size() == before


@pytest.mark.parametrize("role", ["resident", "moderator", "researcher"])
def test_only_admins_import(people, role):
    with pytest.raises(PermissionDenied):
        import_roster(actor=people[role], data=(HEADER + "x,B1,,,,,,,,\n").encode())
