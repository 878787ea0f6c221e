from django.urls import path

from . import views

app_name = "casework"

urlpatterns = [
    path("plans/", views.plans, name="plans"),
    path("plans/<int:pk>/decide/", views.decide, name="decide"),
]
