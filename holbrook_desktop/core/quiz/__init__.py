"""Scenario quizzes: banks read from content, question selection and marking, one person's session."""
