"""The case library's pages (SPEC §8)."""

from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("cases/", views.library, name="library"),
    path("cases/new/", views.edit, name="new"),
    path("cases/<int:pk>/", views.case_page, name="case"),
    path("cases/<int:pk>/edit/", views.edit, name="edit"),
    path("cases/<int:pk>/<str:action>/", views.move, name="move"),
    path("cases/handbook/<str:code>/", views.handbook, name="handbook"),
]
