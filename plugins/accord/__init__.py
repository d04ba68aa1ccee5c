"""Accord: a knowledge base of partnership agreements, playbooks and lessons learned."""

__version__ = "0.2.0"
