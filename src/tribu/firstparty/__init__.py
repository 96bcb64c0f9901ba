"""First-party files: the brand's own campaigns, creators, customers, orders, NPS and reviews.

``load_files(con, kind, paths)`` reads CSV or JSONL files of one kind, validates every cell
(errors name the file, the row and the column), and upserts them into the warehouse in one
transaction. The kinds and their columns are in :data:`KINDS` and ``docs/first-party.md``.
Amounts keep their own currency in the warehouse; conversion to one reporting currency happens
when measures are computed (:mod:`tribu.business.money`).

``load_survey(con, path)`` reads a questionnaire tool's response export (Typeform, Google
Forms, Tally; CSV or JSON) into ``survey_responses`` and typed ``survey_answers``; unreadable
rows are quarantined and named (``docs/polls.md``).
"""

from tribu.firstparty._kinds import KINDS, Column, Kind
from tribu.firstparty._load import LoadResult, load_files
from tribu.firstparty._survey import SurveyLoad, load_survey
from tribu.firstparty._survey_read import ANSWER_KINDS

__all__ = [
    "ANSWER_KINDS",
    "KINDS",
    "Column",
    "Kind",
    "LoadResult",
    "SurveyLoad",
    "load_files",
    "load_survey",
]
