"""Aliada's action server: rasa_sdk registers every Action subclass in this package.

One module per concern: slots (language and topic on every message), country (the
country form), topics (directory answers), emergency, handoff, self_assessment,
privacy (deletion), conversation (language change).
"""
