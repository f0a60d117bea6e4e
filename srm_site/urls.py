from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from srm_site.accounts.learner_data_views import account_delete, learner_data, learner_data_export
from srm_site.accounts.views import profile, signup
from srm_site.views import healthz

handler500 = "srm_site.views.server_error"

admin.site.site_header = "SRM Academy authoring"
admin.site.site_title = "SRM Academy admin"
admin.site.index_title = "Content"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/signup/", signup, name="signup"),
    path("accounts/profile/", profile, name="profile"),
    path("accounts/data/", learner_data, name="learner_data"),
    path("accounts/data/export.json", learner_data_export, name="learner_export"),
    path("accounts/delete/", account_delete, name="account_delete"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("quizzes.urls")),
    path("", include("lessons.urls")),
]
