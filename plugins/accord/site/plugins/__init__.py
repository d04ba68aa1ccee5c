"""MkDocs plugins: thin adapters that hand the catalogue to MkDocs and mkdocs-material.

`accord/records` loads and validates once per build and publishes the site state
(accord.site.state: the catalogue, the hidden files, today, the link targets, the lessons to
consider, and under `mkdocs serve` the session); `accord/pages` renders record pages and
generated pages from it; `accord/search` writes the site's search index and the lessons to
consider. Each plugin reads the others only through `shared.site_state`. No module here is over
150 lines: the work is in the modules beside each plugin and in accord.site.
"""
