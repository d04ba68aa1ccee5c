"""The site: the renderer (`render`) and its templates, what an engine without Accord would
publish (`guard`), cutting links to hidden records (`links`, over the one link reader
accord.format.linkread), the calendar, the registers' rows files and spreadsheets, the pages' history from
Git, the `mkdocs serve` session (`serve`), the state the plugins share (`state`), and the
MkDocs plugins themselves, thin adapters over all of it (`plugins`). It reads the catalogue
and the search package's lessons to consider; `accord render` (accord.commands.render) writes
what the plugins publish as plain Markdown for another engine."""
