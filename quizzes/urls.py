from __future__ import annotations

from django.urls import path

from quizzes.bank import views as correction_views
from quizzes.dashboard import views as dashboard_views
from quizzes.exams import views as exam_views
from quizzes.practice import classify_views, review_views, views

app_name = "quizzes"

urlpatterns = [
    path("practice/", views.practice_home, name="practice_home"),
    path("practice/mixed/", views.practice_topic, {"kind": "mixed"}, name="practice_mixed"),
    path("practice/missed/", views.practice_topic, {"kind": "missed"}, name="practice_missed"),
    path("practice/unseen/", views.practice_topic, {"kind": "unseen"}, name="practice_unseen"),
    path("practice/drill/", views.practice_drill, name="practice_drill"),
    path("practice/drill/answer", views.practice_drill_answer, name="practice_drill_answer"),
    path("practice/classify/", classify_views.classify_home, name="classify_home"),
    path("practice/classify/<slug:service>/", classify_views.classify, name="classify"),
    path(
        "practice/service/<slug:slug>/",
        views.practice_topic,
        {"kind": "service"},
        name="practice_service",
    ),
    path(
        "practice/layer/<slug:slug>/",
        views.practice_topic,
        {"kind": "layer"},
        name="practice_layer",
    ),
    path(
        "practice/lesson/<slug:slug>/",
        views.practice_topic,
        {"kind": "lesson"},
        name="practice_lesson",
    ),
    path("practice/answer", views.practice_answer, name="practice_answer"),
    path("practice/answers/<int:pk>/", views.practice_feedback, name="practice_feedback"),
    path("practice/questions/<int:pk>/", views.practice_question, name="practice_question"),
    path("practice/questions/<int:pk>/report", views.question_report, name="question_report"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("review/", review_views.review, name="review"),
    path("corrections/", correction_views.correction_list, name="corrections"),
    path(
        "corrections/notices/<int:pk>/dismiss",
        correction_views.correction_notice_dismiss,
        name="correction_notice_dismiss",
    ),
    path("exams/", exam_views.exam_list, name="exam_list"),
    path("exams/<slug:slug>/start", exam_views.exam_start, name="exam_start"),
    path("attempts/<int:pk>/", exam_views.attempt_detail, name="attempt_detail"),
    path("attempts/<int:pk>/q/<int:n>/", exam_views.attempt_question, name="attempt_question"),
    path("attempts/<int:pk>/submit", exam_views.attempt_submit_view, name="attempt_submit"),
    path("attempts/<int:pk>/result/", exam_views.attempt_result, name="attempt_result"),
]
