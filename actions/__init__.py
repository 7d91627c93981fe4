"""Aliada's action server: rasa_sdk registers every Action subclass in this package.

One module per concern: slots (language, country, topic), topics (directory
answers), emergency, handoff, self_assessment, privacy, conversation.
"""
