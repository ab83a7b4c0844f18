"""URLs of the test project."""

from __future__ import annotations

from django.urls import path

from runtime_django import views

urlpatterns = [
    path("items/<str:name>", views.item, name="item"),
    path("cookies", views.cookies, name="cookies"),
]
