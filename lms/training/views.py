"""Views of the training package."""
