"""The operator console (``/console/``): people take over conversations the
bot hands off, on the channel the person wrote from. Login with password and
TOTP; server-rendered pages that work without JavaScript."""

from hotline.console import auth, figures, phone_pin, reports, review, views
from hotline.console.blueprint import bp
from hotline.console.cli import init_app as init_cli

__all__ = [
    "auth",
    "bp",
    "figures",
    "init_cli",
    "phone_pin",
    "reports",
    "review",
    "views",
]
