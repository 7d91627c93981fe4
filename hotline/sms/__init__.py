"""Twilio Messaging (SMS and WhatsApp): ``POST /twilio/sms`` and its fallback."""

from hotline.sms.routes import bp

__all__ = ["bp"]
