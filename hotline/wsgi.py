"""The WSGI entry point for gunicorn: ``gunicorn hotline.wsgi:app``."""

import logging

from hotline import create_app

logging.basicConfig(
    level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
)
app = create_app()
