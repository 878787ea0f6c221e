"""The resident portal at /h5/<project code>/ (short: it is typed from posters and sent in SMS),
and the staff's posters under /portal-posters/."""

from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("h5/<str:code>/", views.home, name="home"),
    path("h5/<str:code>/login/", views.login, name="login"),
    path("h5/<str:code>/logout/", views.logout, name="logout"),
    path("h5/<str:code>/new/", views.new_request, name="new"),
    path("h5/<str:code>/messages/", views.messages, name="messages"),
    path("h5/<str:code>/r/<str:number>/", views.ticket_page, name="ticket"),
    path("h5/<str:code>/r/<str:number>/photo/<int:photo_id>", views.photo, name="photo"),
    path("h5/<str:code>/r/<str:number>/<str:action>/", views.ticket_action, name="action"),
    path("h5/<str:code>/t/<str:token>/", views.follow, name="follow"),
    path(
        "h5/<str:code>/t/<str:token>/photo/<int:photo_id>",
        views.follow_photo,
        name="follow_photo",
    ),
    path("h5/<str:code>/wechat/", views.wechat_start, name="wechat"),
    path("h5/<str:code>/wechat/back/", views.wechat_back, name="wechat_back"),
    path("h5/<str:code>/qr.svg", views.qr_svg, name="qr"),
    path("portal-posters/", views.posters, name="posters"),
    path("portal-posters/<str:code>/", views.poster, name="poster"),
]
