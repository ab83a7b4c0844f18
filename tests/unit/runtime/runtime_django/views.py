"""Views that report what Django made of the request."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse


def item(request: HttpRequest, name: str) -> JsonResponse:
    link = reverse("item", args=["next"])
    return JsonResponse(
        {
            "name": name,
            "path": request.path,
            "path_info": request.path_info,
            "link": link,
            "external": request.build_absolute_uri(link),
            "args": {key: request.GET.getlist(key) for key in request.GET},
            "cookies": request.COOKIES,
            "body": request.body.decode(),
            "remote_addr": request.META.get("REMOTE_ADDR"),
            "remote_user": request.META.get("REMOTE_USER"),
        }
    )


def cookies(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("two cookies", content_type="text/plain; charset=utf-8")
    response.set_cookie("session", "abc", httponly=True)
    response.set_cookie("theme", "dark")
    return response
