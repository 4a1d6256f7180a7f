"""Views of the org package."""
