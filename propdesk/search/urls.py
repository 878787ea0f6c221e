"""The search app's pages."""

from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("search/results/", views.results, name="results"),
]
