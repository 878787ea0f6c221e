"""The console's corrective and preventive actions under /actions/, and the two addresses the
survey page has always posted its actions to (/surveys/<pk>/actions/, /surveys/actions/…)."""

from django.urls import path

from . import views

app_name = "improvement"

urlpatterns = [
    path("actions/", views.action_list, name="actions"),
    path("actions/new/", views.action_new, name="new"),
    path("actions/<int:pk>/", views.action_page, name="action"),
    path("actions/<int:pk>/do/<str:move>/", views.action_move, name="action_move"),
    path("surveys/<int:pk>/actions/", views.open_from_survey, name="open_from_survey"),
    path("surveys/actions/<int:pk>/<str:move>/", views.action_move, name="survey_action_move"),
]
