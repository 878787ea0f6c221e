"""The intake's suggestions card and the supervisors' figures of how the suggestions fare."""

from django.urls import path

from . import views

app_name = "suggest"

urlpatterns = [
    path("intake/suggestions/", views.intake_panel, name="intake"),
    path("suggestions/report/", views.report, name="report"),
]
