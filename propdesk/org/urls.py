"""The first-login page (org/first_login.py): /first-login/<uid>/<token>/."""

from django.urls import path

from . import views

app_name = "org"

urlpatterns = [
    path("first-login/<str:uid>/<str:token>/", views.first_login, name="first_login"),
]
