from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from minqing.api import api

urlpatterns = [
    path("", include("minqing.core.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("minqing.accounts.urls")),
    path("people/", include("minqing.people.urls")),
    path("stations/", include("minqing.stations.urls")),
    path("s/", include("minqing.stations.public_urls")),
    path("o/", include("minqing.opinions.public_urls")),
    path("opinions/", include("minqing.opinions.urls")),
    path("suggestions/", include("minqing.suggestions.urls")),
    path("public/suggestions/", include("minqing.suggestions.public_urls")),
    path("duties/", include("minqing.duties.urls")),
    path("public/duties/", include("minqing.duties.public_urls")),
    path("notify/", include("minqing.notify.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
