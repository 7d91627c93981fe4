"""Placeholder: the voice blueprint."""

from flask import Blueprint

bp = Blueprint("voice", __name__)
