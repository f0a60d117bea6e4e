from __future__ import annotations

from django.urls import path

from lessons import views

app_name = "lessons"

urlpatterns = [
    path("", views.home, name="home"),
    path("lessons/", views.lesson_list, name="lesson_list"),
    path("lessons/<slug:slug>/", views.lesson_detail, name="lesson_detail"),
    path("lessons/<slug:slug>/complete", views.lesson_complete, name="lesson_complete"),
    path("matrix/", views.matrix, name="matrix"),
    path("matrix/compare/", views.matrix_compare, name="matrix_compare"),
    path("matrix/<slug:slug>/", views.matrix_service, name="matrix_service"),
    path("matrix.json", views.matrix_json, name="matrix_json"),
]
