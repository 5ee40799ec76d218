from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Trílogo"
admin.site.site_title = "Trílogo"

urlpatterns = [
    # Finance first: its paths live under tickets/<pk>/financeiro/.
    path("", include("quotations.urls")),
    path("", include("tickets.urls")),
    path("conta/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
