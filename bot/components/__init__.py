"""Custom Rasa NLU components (registered with Rasa's recipe on import)."""
