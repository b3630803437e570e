"""redirection-bot: an anonymous self-help chatbot for people who want to stop using child sexual
abuse material. See README.md and docs/."""

__version__ = "0.1.0"
