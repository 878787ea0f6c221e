from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from propdesk.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("propdesk.surveys.urls")),
    path("", include("propdesk.stats.urls")),
    path("", include("propdesk.org.urls")),
    path("", include("propdesk.tickets.urls")),
    path("", include("propdesk.residents.urls")),
    path("", include("propdesk.hotissues.urls")),
    path("", include("propdesk.callbacks.urls")),
    path("", include("propdesk.knowledge.urls")),
    path("", include("propdesk.casework.urls")),
    path("", include("propdesk.improvement.urls")),
    path("", include("propdesk.suggest.urls")),
    path("", include("propdesk.search.urls")),
    path("", include("propdesk.console.urls")),
    path("", include("propdesk.portal.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
