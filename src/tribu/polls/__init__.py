"""Polls and questionnaires: what the community answers.

Importing this package registers the poll measures (family ``polls``) in the measure registry:
:mod:`tribu.polls.measures` (shares with Wilson intervals, scores, participation, segments).
:mod:`tribu.polls.view` runs them over a warehouse for the report, the dashboard, the API and
``tribu polls``. See docs/polls.md.
"""

from tribu.polls import measures

__all__ = ["measures"]
