from django.utils.translation import gettext_lazy as _

from charte.privacy.register import Category
from charte.privacy.registry import Delete, derived, from_others, observed, registry
from charte.reports.models import ClassPrint, PrintedReport

# A pupil's own report is not statistics (art. 21): it is printed whatever their objection to
# statistics, under the purpose that shows results to the pupil, their family and teachers.
registry.personal(
    ClassPrint,
    subjects=("requested_by",),
    purposes=("evaluation",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "school_class": from_others(Category.SCHOOLING),
        "requested_by": observed(Category.REFERENCE),
        "first_year": observed(Category.SCHOOLING),
        "period": observed(Category.SCHOOLING),
        "language": observed(Category.ACCOUNT),
        "status": derived(Category.SCHOOLING),
        "total": derived(Category.SCHOOLING),
        "done": derived(Category.SCHOOLING),
        "created_at": observed(Category.SCHOOLING),
        "touched_at": observed(Category.SCHOOLING),
        "finished_at": observed(Category.SCHOOLING),
        "runs": derived(Category.SCHOOLING),
    },
    erasure=Delete(),
    retention="class_prints",
    retention_from="created_at",
)

registry.personal(
    PrintedReport,
    subjects=("pupil",),
    purposes=("evaluation",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "job": derived(Category.REFERENCE),
        "pupil": from_others(Category.REFERENCE),
        "position": derived(Category.SCHOOLING),
        "file_name": derived(
            Category.RESULTS,
            _("Le rapport individuel de résultats de l'élève pour la période, en PDF."),
        ),
        "created_at": observed(Category.SCHOOLING),
    },
    erasure=Delete(),
    retention="class_prints",
    retention_from="created_at",
)
