"""Views of the courses package."""
