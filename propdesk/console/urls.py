"""The console's own pages: the dashboard, login and logout, the notification list. Every other
staff page is its domain's (each app's urls.py, included from propdesk/urls.py)."""

from django.urls import path

from .views import auth, dashboard

app_name = "console"

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("notifications/", dashboard.notifications, name="notifications"),
]
