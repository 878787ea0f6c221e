"""The statistics pages: /stats/, the monthly reports under /reports/, the defect report, the
yearly callback rates (业户回访率统计年报表), and the export of a ticket queue."""

from django.urls import path

from . import callback_year, defects, queue_export, views

app_name = "stats"

urlpatterns = [
    path("stats/", views.stats_page, name="stats"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:pk>/", views.report_page, name="report"),
    path("reports/<int:pk>/xlsx/", views.report_xlsx, name="report_xlsx"),
    path("reports/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("reports/defects/", defects.defect_list, name="defects"),
    path("reports/callback-rates/", callback_year.callback_year_page, name="callback_year"),
    path("exports/tickets/", queue_export.tickets_export, name="tickets_export"),
]
