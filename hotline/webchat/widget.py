"""What a web page needs to show the chat: the widget script, its texts as JSON
per language, and a neutral demo page at ``/``.

The script and the texts are public and carry nothing about a person, so any
site may load them (``Access-Control-Allow-Origin: *``); only the API under
``/webchat/api/v1`` is limited to the configured origins.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request, url_for
from werkzeug.exceptions import NotFound

from bot.languages import ALIASES, SUPPORTED_LANGUAGES
from hotline import conversations
from hotline.voice.languages import autonym
from hotline.webchat.labels import (
    DEMO_INTRO,
    DEMO_SNIPPET,
    DEMO_TITLE,
    widget_labels,
)

bp = Blueprint("webchat_widget", __name__)

WIDGET_JS = Path(__file__).resolve().parent / "widget.js"  # only served filled in
# The script's one line the server fills in, so the widget knows the line's
# languages before it loads any text (adding a language needs no JS change).
SETTINGS_MARKER = "/*SETTINGS*/{}"
PUBLIC_MAX_AGE_SECONDS = 300


@cache
def fallback_style_hash() -> str:
    """CSP source for the ``<style>`` the widget writes where a browser lacks
    constructed stylesheets (Safari before 16.4): the hash of its exact text."""
    match = re.search(
        r"const STYLES = `(.*?)`;", WIDGET_JS.read_text(encoding="utf-8"), re.S
    )
    if match is None:
        raise RuntimeError(f"{WIDGET_JS} lost its STYLES")
    digest = hashlib.sha256(match.group(1).encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def demo_page_policy() -> str:
    """Scripts, texts and styles from the hotline only: a partner with a strict
    policy can copy it."""
    return (
        "default-src 'none'; script-src 'self'; connect-src 'self'; "
        f"style-src 'self' {fallback_style_hash()}; img-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


@cache
def widget_script(settings: str) -> tuple[bytes, str]:
    """The script with the line's settings in it, and its ETag. Lines lose
    their indentation (a tenth of the bytes; no string in it spans indented
    lines), so phones on slow links get less to fetch."""
    source = WIDGET_JS.read_text(encoding="utf-8")
    if SETTINGS_MARKER not in source:
        raise RuntimeError(f"{WIDGET_JS} lost its settings marker {SETTINGS_MARKER}")
    unindented = "\n".join(line.lstrip() for line in source.splitlines()) + "\n"
    body = unindented.replace(SETTINGS_MARKER, settings, 1).encode("utf-8")
    return body, hashlib.sha256(body).hexdigest()[:32]


def public(response: Response) -> Response:
    """Cacheable for a few minutes, loadable from any page."""
    response.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE_SECONDS}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@bp.get("/webchat/widget.js")
def script() -> Response:
    settings = json.dumps(
        {
            "languages": list(SUPPORTED_LANGUAGES),
            "aliases": ALIASES,
            "fallback": conversations.fallback_languages()[0],
        }
    )
    body, etag = widget_script(settings)
    response = Response(body, mimetype="text/javascript")
    response.set_etag(etag)
    return public(response.make_conditional(request))


@bp.get("/webchat/i18n/<language>.json")
def texts(language: str) -> Response:
    """The widget's texts in one language, the languages to pick from (each in
    its own name) and the numbers to call."""
    if language not in SUPPORTED_LANGUAGES:
        raise NotFound(f"no texts for language {language!r}")
    numbers = conversations.line_numbers(language)
    response = current_app.json.response(
        language=language,
        labels=widget_labels(language, numbers),
        languages=[
            {"code": code, "name": autonym(code)} for code in SUPPORTED_LANGUAGES
        ],
        numbers=numbers,
    )
    return public(response)


def snippet() -> str:
    """The one line a partner pastes into a page, pointing at this hotline."""
    source = url_for("webchat_widget.script", _external=True)
    return (
        f'<script src="{source}" data-language="es" data-color="#1f5f8b" '
        'data-exit-url="https://www.wikipedia.org/" defer></script>'
    )


@bp.get("/")
def demo() -> Response:
    """A neutral page with the widget, in the browser's language (or ``?lang=``)."""
    wanted = request.args.get("lang")
    language = (
        wanted
        if wanted in SUPPORTED_LANGUAGES
        else request.accept_languages.best_match(
            SUPPORTED_LANGUAGES, default=conversations.fallback_languages()[0]
        )
    )
    page = render_template(
        "webchat/demo.html",
        language=language,
        title=DEMO_TITLE(language),
        intro=DEMO_INTRO(language),
        snippet_intro=DEMO_SNIPPET(language),
        snippet=snippet(),
    )
    response = Response(page, mimetype="text/html")
    response.headers["Content-Security-Policy"] = demo_page_policy()
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
