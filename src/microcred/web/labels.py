"""Values chosen at run time that the pages print translated (issue 4, "English, French and
German from day one"; docs/i18n.md "Marking strings").

A template prints such a value with ``{{ _(award.state) }}``; the extractor only sees literals, so
each value a page may translate is listed here once, marked with :func:`N_`, for the catalogues.
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 (the gettext marker Babel extracts)
    """Marks ``message`` for extraction; the template translates it."""
    return message


# TRANSLATORS: the state of an award (an issued credential) on the dashboard.
AWARD_STATES = (N_("active"), N_("revoked"), N_("suspended"))
# TRANSLATORS: the state of a bulk upload job on the dashboard.
JOB_STATES = (N_("queued"), N_("running"), N_("finished"), N_("failed"))
# TRANSLATORS: a decided recognition request on the dashboard (feminine in French: "demande").
DECISION_STATES = (N_("approved"), N_("rejected"))
# TRANSLATORS: the role of a staff member in an organisation.
ROLES = (N_("owner"), N_("issuer"), N_("viewer"))
# TRANSLATORS: the kind of grade a grading scheme gives (Open Badges 3.0 ResultType).
RESULT_TYPES = {
    "GradePointAverage": N_("grade point average"),
    "LetterGrade": N_("letter grade"),
    "Percent": N_("percentage"),
    "PerformanceLevel": N_("performance level"),
    "PredictedScore": N_("predicted score"),
    "RawScore": N_("raw score"),
    "Result": N_("result"),
    "RubricCriterion": N_("rubric criterion"),
    "RubricCriterionLevel": N_("rubric criterion level"),
    "RubricScore": N_("rubric score"),
    "ScaledScore": N_("scaled score"),
    "Status": N_("status"),
}
