from __future__ import annotations

from django.urls import path

from lessons import views

app_name = "lessons"

urlpatterns = [
    path("", views.home, name="home"),
    path("matrix/", views.matrix, name="matrix"),
    path("matrix/compare/", views.matrix_compare, name="matrix_compare"),
    path("matrix/<slug:slug>/", views.matrix_service, name="matrix_service"),
    path("matrix.json", views.matrix_json, name="matrix_json"),
]
