"""The web chat: the JSON API the chat widget talks to (``/webchat/api/v1``,
``routes``), and the widget itself with its texts and demo page (``widget``)."""

from hotline.webchat.routes import bp

__all__ = ["bp"]
