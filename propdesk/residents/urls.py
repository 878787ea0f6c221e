"""The resident search and the logged reveal of a resident's phones. The household files of a
room and of a person list requests, so they are the tickets app's pages (/rooms/<pk>/,
/residents/<pk>/)."""

from django.urls import path

from . import onboarding_views, views

app_name = "residents"

urlpatterns = [
    path("residents/", views.resident_search, name="residents"),
    path(
        "residents/<int:pk>/reveal-phone/",
        views.reveal_resident_phone,
        name="reveal_resident_phone",
    ),
    # Onboarding a company (administrators): template, export, upload, report, apply.
    path("imports/", onboarding_views.imports, name="imports"),
    path("imports/template/", onboarding_views.template, name="import_template"),
    path("imports/export/", onboarding_views.export, name="import_export"),
    path("imports/<int:pk>/", onboarding_views.job, name="import"),
    path("imports/<int:pk>/progress/", onboarding_views.progress, name="import_progress"),
    path("imports/<int:pk>/apply/", onboarding_views.apply, name="import_apply"),
    path("imports/<int:pk>/rejected/", onboarding_views.rejected, name="import_rejected"),
]
