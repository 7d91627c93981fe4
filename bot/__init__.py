"""Aliada's Rasa side: NLU components, the catalog NLG and training helpers."""
