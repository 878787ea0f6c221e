"""The hot issue pages: the list with its status tabs, one issue, and a supervisor's decision."""

from django.urls import path

from . import views

app_name = "hotissues"

urlpatterns = [
    path("hot-issues/", views.hot_issue_list, name="hot_issues"),
    path("hot-issues/<int:pk>/", views.hot_issue_page, name="hot_issue"),
    path("hot-issues/<int:pk>/<str:action>/", views.hot_issue_action, name="hot_issue_action"),
]
