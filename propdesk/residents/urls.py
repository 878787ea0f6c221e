"""The resident search and the logged reveal of a resident's phones. The household files of a
room and of a person list requests, so they are the tickets app's pages (/rooms/<pk>/,
/residents/<pk>/)."""

from django.urls import path

from . import views

app_name = "residents"

urlpatterns = [
    path("residents/", views.resident_search, name="residents"),
    path(
        "residents/<int:pk>/reveal-phone/",
        views.reveal_resident_phone,
        name="reveal_resident_phone",
    ),
]
