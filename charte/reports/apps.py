from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Reports: a pupil's individual results report, and the anonymised usage reports.

    Holds no data of its own. The individual report (a page and a PDF, for a term or the
    school year) reads the pupil's attempts and the coach's suggestions and is shown to the
    pupil, their confirmed guardians and their teachers; the usage reports read the
    statistics' suppressed publications and are shown to teachers (their classes), school
    staff (their school) and the operator's staff (the platform). Purpose: statistics.
    """

    name = "charte.reports"
    label = "reports"
    verbose_name = "Reports"
