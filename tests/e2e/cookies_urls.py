"""A page with a third party's video, to show the placeholder an embed gets before consent."""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

PAGE = """\
{% extends "base.html" %}{% block title %}Vidéo{% endblock %}{% block content %}
<h1>Une vidéo</h1>
{% include "cookies/embed.html" with category="social" src="/static/core/favicon.svg" \
title="La démocratie en 3 minutes" provider="un site de vidéos" %}
<script type="text/plain" data-category="performance" nonce="{{ csp_nonce }}">
document.documentElement.dataset.performance = "on";
</script>
{% endblock %}"""


def video(request: HttpRequest) -> HttpResponse:
    return HttpResponse(engines["django"].from_string(PAGE).render({}, request))


urlpatterns = [path("essai/video/", video), path("", include("config.urls"))]
