"""The web chat: the JSON API the chat widget talks to (``/webchat/api/v1``)."""

from hotline.webchat.routes import bp

__all__ = ["bp"]
