"""Holbrook Staff Handbook: read school policies, take scenario quizzes, record acknowledgements."""

__version__ = "0.1.0"
APP_NAME = "Holbrook Staff Handbook"
