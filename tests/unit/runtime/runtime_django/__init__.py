"""A minimal Django project for the runtime tests: settings in code, one URLconf."""

from __future__ import annotations

from typing import Any


def application() -> Any:
    """Configure Django once and return its WSGI application."""
    import django
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY="runtime-tests-only",
            ROOT_URLCONF="runtime_django.urls",
            ALLOWED_HOSTS=[".amazonaws.com", ".on.aws", "api.example.com", "localhost"],
            INSTALLED_APPS=[],
            MIDDLEWARE=[],
            USE_TZ=True,
        )
        django.setup()
    return get_wsgi_application()
