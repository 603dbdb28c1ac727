"""The documents of the workflow: assignment notices, the deputy's feedback form, the
annual report (PDF), and the ledger export (Excel)."""

from django.urls import path

from minqing.suggestions import views_docs

urlpatterns = [
    path(
        "batches/<int:pk>/notices.pdf",
        views_docs.batch_notices_pdf,
        name="batch_notices_pdf",
    ),
    path("notices.pdf", views_docs.notices_pdf, name="notices_pdf"),
    path("<int:pk>/feedback-form.pdf", views_docs.feedback_form_pdf, name="feedback_form_pdf"),
    path("report.pdf", views_docs.report_pdf, name="report_pdf"),
    path("ledger.xlsx", views_docs.ledger_xlsx, name="ledger_xlsx"),
]
