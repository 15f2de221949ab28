"""Both catalogues are complete: every key used in code exists in zh-CN and en."""

import ast
import re
from pathlib import Path

import pytest

from core.accounts.profile import DEMOGRAPHIC_CHOICES
from core.announcements import ANNOUNCEMENT_KINDS
from core.hearings.lifecycle import OUTCOMES
from core.hearings.speakers import POSITIONS, SPEAKER_ROLES
from core.i18n import LOCALES, Translator, catalogue, negotiate
from db.models.community import ACTOR_KINDS
from db.models.hearings import AUDIENCES, CHANNELS, HEARING_KINDS, HEARING_STATUSES
from db.models.people import ROLES
from db.models.proposals import CATEGORIES, PROPOSAL_KINDS, PROPOSAL_STATUSES
from db.models.records import PARTICIPATION_KINDS
from db.models.voting import POLL_METHODS, POLL_STATUSES

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    ROOT / "app.py",
    *sorted((ROOT / "pages").glob("*.py")),
    *sorted((ROOT / "components").glob("*.py")),
    *sorted((ROOT / "core").rglob("*.py")),
]
ERROR_CLASSES = {"DomainError", "InvalidInput", "NotFound", "Conflict", "SortitionError"}


def keys_used_in_code() -> set[str]:
    """Literal keys passed to t(...), to an error class, or as a flash message."""
    keys = set()
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            first = node.args[0]
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if isinstance(first, ast.Constant) and isinstance(first.value, str) and name == "t":
                keys.add(first.value)
            if (
                name in ERROR_CLASSES | {"__init__"}
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                keys.add(first.value)
            position = {"empty_state": 1, "run": 1, "run_command": 2}.get(name)
            if (
                position is not None
                and len(node.args) > position
                and isinstance(node.args[position], ast.Constant)
            ):
                keys.add(node.args[position].value)
        text = path.read_text(encoding="utf-8")
        keys.update(re.findall(r'\["(?:flash|profile_flash)"\] = "([a-z_.]+)"', text))
        keys.update(re.findall(r'\bflash="([a-z_.]+)"', text))
    return keys


def _audited_actions() -> tuple[str, ...]:
    """Every action name a command records in the public log (the page names each one)."""
    import re
    from pathlib import Path

    found = set()
    for path in (Path(__file__).resolve().parents[2] / "core").rglob("*.py"):
        found |= set(re.findall(r'action="([a-z_]+\.[a-z_.]+)"', path.read_text("utf-8")))
    return tuple(sorted(a for a in found if not a.startswith("alert.")))


AUDITED_ACTIONS = _audited_actions()
DYNAMIC = {
    "role": (*ROLES, "anonymous", "system"),
    "status": PROPOSAL_STATUSES,
    "kind": PROPOSAL_KINDS,
    "category": CATEGORIES,
    "hearing_kind": HEARING_KINDS,
    "hearing_status": HEARING_STATUSES,
    "poll_method": POLL_METHODS,
    "poll_status": POLL_STATUSES,
    "actor_kind": ACTOR_KINDS,
    "participation": PARTICIPATION_KINDS,
    "proposals.sort": ("newest", "most_supported", "most_discussed"),
    "outcome": tuple(OUTCOMES),
    "registration": ("registered", "waitlisted", "cancelled", "walk_in"),
    "channel": CHANNELS,
    "audience": AUDIENCES,
    "hearings.you_are": ("registered", "waitlisted"),
    "speaker_role": SPEAKER_ROLES,
    "position": POSITIONS,
    "announcement_kind": ANNOUNCEMENT_KINDS,
    "audit.action": AUDITED_ACTIONS,
    **DEMOGRAPHIC_CHOICES,
}


def test_every_message_exists_in_both_languages_and_is_not_empty():
    zh, en = catalogue("zh-CN"), catalogue("en")
    assert zh.keys() == en.keys()
    empty = [k for k in zh if not zh[k].strip() or not en[k].strip()]
    assert empty == []


def test_every_key_used_in_code_is_in_the_catalogues():
    used = keys_used_in_code()
    assert len(used) > 150  # the scan really found the calls
    missing = sorted(k for k in used if k not in catalogue("en"))
    assert missing == []


@pytest.mark.parametrize("prefix", sorted(DYNAMIC))
def test_labels_exist_for_every_code(prefix):
    joiner = "_" if prefix.endswith("you_are") else "."
    missing = [
        f"{prefix}{joiner}{code}"
        for code in DYNAMIC[prefix]
        if f"{prefix}{joiner}{code}" not in catalogue("zh-CN")
    ]
    assert missing == []


def test_field_names_exist_for_every_field_in_errors():
    fields = set()
    for path in SOURCES:
        fields.update(re.findall(r'field="([a-z_]+)"', path.read_text(encoding="utf-8")))
    fields |= set(DEMOGRAPHIC_CHOICES)
    missing = sorted(f for f in fields if f"field_name.{f}" not in catalogue("en"))
    assert missing == []


def test_placeholders_match_between_languages():
    zh, en = catalogue("zh-CN"), catalogue("en")
    names = re.compile(r"\{(\w+)\}")
    wrong = [k for k in zh if set(names.findall(zh[k])) != set(names.findall(en[k]))]
    assert wrong == []


@pytest.mark.parametrize(
    "preferred, locale",
    [
        ("en-US,en;q=0.9", "en"),
        ("zh-CN", "zh-CN"),
        ("zh-TW,zh;q=0.8", "zh-CN"),
        ("fr-FR,en;q=0.5", "en"),
        ("de", "zh-CN"),
        (None, "zh-CN"),
        ("", "zh-CN"),
    ],
)
def test_negotiate(preferred, locale):
    assert negotiate(preferred) == locale


def test_translator_formats_and_survives_missing_parameters():
    t = Translator("en")
    assert t("field.too_long", max=5) == "Too long: at most 5 characters."
    assert t("field.too_long") == "Too long: at most {max} characters."
    assert t("no.such.key") == "no.such.key"
    assert Translator("xx").locale == "zh-CN"
    assert set(LOCALES) == {"zh-CN", "en"}
