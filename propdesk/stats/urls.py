"""The statistics pages: /stats/, the monthly reports under /reports/ and the defect report."""

from django.urls import path

from . import defects, views

app_name = "stats"

urlpatterns = [
    path("stats/", views.stats_page, name="stats"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:pk>/", views.report_page, name="report"),
    path("reports/<int:pk>/xlsx/", views.report_xlsx, name="report_xlsx"),
    path("reports/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("reports/defects/", defects.defect_list, name="defects"),
]
