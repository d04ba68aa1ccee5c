"""`mkdocs serve` after a save: only the pages it changes are made again.

MkDocs rebuilds the whole site on every change, which at a few thousand records takes
longer than an author will wait. When the only files changed since the last good build
are records (none added, removed or renamed, mkdocs.yml untouched), Accord runs MkDocs'
own `--dirty` build instead, and tells it which pages are out of date:

- the changed records' pages;
- the pages of every record that names one of them, or that one of them names, before or
  after the change, and the agreements whose lessons to consider changed (`reach`);
- every generated page (registers, overview, lessons, due) that shows one of those
  records, or whose list of records changed (accord/pages compares what each was made
  from: `reach.signature`), and every page of the author's, which may show the records (the
  dashboard, reference tables).

Anything else (a record whose confidentiality, id or type changed, a record that is in
the navigation, a change that left errors, a site with a plugin that may gather from every
page, such as a blog) makes every page again, as MkDocs would. The records loaded are
kept between builds (accord.format.loading's cache): an unchanged file is not read again.

`session.Session` is the one object that exists only under `mkdocs serve`; `plan.plan()` and
`reach.reach()` are pure functions of the stamps and catalogues given (tested on small ones);
`watching` and `writer` are the session's watcher and its search-index writer.
"""
