"""Views of the quizzes package."""
