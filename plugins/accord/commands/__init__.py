"""The `accord` command line and what only it does (init, new, export), over the core."""
