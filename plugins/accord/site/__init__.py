"""Stage 3, the site: the renderer and its templates, the calendar, the site's search entries,
the plain-Markdown project of `accord render`, and the MkDocs plugins as thin adapters
(`accord.site.plugins`)."""
