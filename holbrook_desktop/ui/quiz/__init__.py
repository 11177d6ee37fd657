"""The quiz on a policy: questions, answers, the result and the bar that offers it."""
