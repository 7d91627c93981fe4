"""Placeholder: the webchat blueprint."""

from flask import Blueprint

bp = Blueprint("webchat", __name__)
