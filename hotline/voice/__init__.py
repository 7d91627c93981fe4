"""Twilio Voice: the hotline's IVR (``POST /twilio/voice`` and its steps).

``bp`` is loaded on first use, so ``python -m hotline.voice.audio`` (``make
audio``) runs without importing the routes, and the audio module only once.
It carries the callers' routes and the operators' line
(``POST /twilio/voice/operator``).
"""

from typing import Any

__all__ = ["bp"]


def __getattr__(name: str) -> Any:
    if name == "bp":
        from hotline.voice import operator_line, routes  # noqa: F401
        from hotline.voice.blueprint import bp

        return bp
    raise AttributeError(name)
