"""The voice blueprint, shared by the callers' routes and the operators' line."""

from flask import Blueprint

bp = Blueprint("voice", __name__, url_prefix="/twilio/voice")
