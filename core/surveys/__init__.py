"""Needs surveys (需求调查): moderators ask the community or some buildings a few questions,
residents answer once (online, or on paper through a moderator), the results are counted
with the dashboard's privacy rules, and common needs become proposals."""

from core.surveys import lifecycle
from core.surveys.answering import (
    TEXT_MAX,
    answer_survey,
    clean_answers,
    correct_paper_answer,
    edit_answer,
    enter_paper_answer,
)
from core.surveys.common import CHOICE_KINDS, QUESTION_KINDS, SCOPES, SURVEY_STATUSES
from core.surveys.drafting import (
    MAX_OPTIONS,
    MAX_QUESTIONS,
    add_question,
    close_survey,
    create_survey,
    edit_question,
    open_survey,
    remove_question,
    update_survey,
)
from core.surveys.lifecycle import SurveyStatus
from core.surveys.privacy import K, hidden_groups, publishable
from core.surveys.queries import (
    LinkedProposal,
    OptionView,
    QuestionView,
    SurveyDetail,
    SurveySummary,
    get_survey,
    list_surveys,
    paper_answer_of,
)
from core.surveys.results import (
    CROSS_DIMENSIONS,
    CrossTab,
    CrossTabRow,
    QuestionResult,
    SurveyResults,
    TextAnswer,
    cross_tab,
    survey_results,
    text_answers,
    text_answers_csv,
)
from core.surveys.to_proposal import make_proposal, proposals_from_survey

__all__ = [
    "CHOICE_KINDS",
    "CROSS_DIMENSIONS",
    "K",
    "MAX_OPTIONS",
    "MAX_QUESTIONS",
    "QUESTION_KINDS",
    "SCOPES",
    "SURVEY_STATUSES",
    "TEXT_MAX",
    "CrossTab",
    "CrossTabRow",
    "LinkedProposal",
    "OptionView",
    "QuestionResult",
    "QuestionView",
    "SurveyDetail",
    "SurveyResults",
    "SurveyStatus",
    "SurveySummary",
    "TextAnswer",
    "add_question",
    "answer_survey",
    "clean_answers",
    "close_survey",
    "correct_paper_answer",
    "create_survey",
    "cross_tab",
    "edit_answer",
    "edit_question",
    "enter_paper_answer",
    "get_survey",
    "hidden_groups",
    "lifecycle",
    "list_surveys",
    "make_proposal",
    "open_survey",
    "paper_answer_of",
    "proposals_from_survey",
    "publishable",
    "remove_question",
    "survey_results",
    "text_answers",
    "text_answers_csv",
    "update_survey",
]
