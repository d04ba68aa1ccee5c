"""Moved: `accord render`'s plain project is accord.commands.plain (and its search limit
accord.commands.search_limit); the command is accord.commands.render. This name stays
only for tests/test_slow_inputs.py, which imports `search_limit` from here."""

from accord.commands.plain import MARKER, Options, Plan, navigation, output_config, plan, write
from accord.commands.search_limit import bound_search, search_limit

__all__ = ["MARKER", "Options", "Plan", "bound_search", "navigation", "output_config", "plan", "search_limit", "write"]
