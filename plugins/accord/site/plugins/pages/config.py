from __future__ import annotations

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config

from accord.site.render import GUIDE_PAGE


class PagesConfig(Config):
    enabled = opt.Type(bool, default=True)
    """Turn the plugin off."""

    # Settings for navigation
    nav_records_max = opt.Type(int, default=25)
    """List record pages in the navigation only while a section has at most this many
    (the registers reach them all). MkDocs renders the whole navigation into every page,
    so a navigation that grows with the records makes the build quadratic.

        plugins:
          - accord/pages:
              nav_records_max: 0   # never list record pages
    """

    # Settings for speed
    workers = opt.Type(int, default=0)
    """How many processes `mkdocs build` makes the record and generated pages in: the
    build's own, and the others forked from it once every page is read, each making pages
    exactly as MkDocs would (the site is byte for byte the same). `0`: one per core this
    build may use (at most `ACCORD_WORKERS`), once the site has 200 such pages or more
    (below that a fork costs more than it saves) and its plugins are the theme's search,
    tags and offline and Accord's (another plugin may read a page's text as this process
    has it: then the build makes them itself, and says so); `1`: the build's alone, one
    page after another as MkDocs makes pages. Never under `mkdocs serve`, nor where the
    platform cannot fork; a page whose Markdown holds an HTML comment (a plugin's marker)
    and a page the theme's own search reads are always made by the build itself.

        plugins:
          - accord/pages:
              workers: 1
    """

    # Settings for generated pages
    registers = opt.Type(bool, default=True)
    """Generate the registers, the responsibility overview, the lesson pages and the
    due-for-review page. An author's own page at the same path always wins."""
    guide = opt.Type((str, bool), default=GUIDE_PAGE)
    """Where to put the authors' guide, "Writing records": every field with an example and
    every diagnostic with its fix, written from the Accord that builds the site (so it stays
    current when Accord is upgraded). `false` (or an empty string): no guide. An author's own
    page at the same path wins."""
    due_within = opt.Type(int, default=90)
    """How many days ahead the due-for-review page looks."""
    calendar = opt.Type(bool, default=True)
    """Publish `calendar.ics` with every review date, expiry and objective due date."""
    history = opt.Type(bool, default=True)
    """Show on each record page its last change and its changes from Git, in the record's
    own terms ("status: Draft → Signed"), for the site's audience only; where the docs are
    not in Git, the file's date, said as such. Git is read once a build. `false`: neither.

        plugins:
          - accord/pages:
              history: false
    """
    commit_messages = opt.Type(bool, default=True)
    """Show each change's commit message in the record pages' history. A message that names
    a record the audience does not see (its id, title, file name, or any word of them no
    visible record's id or title has: a codename, a short name) is left out, as is the
    message of a commit that changed a hidden record's file too; but a message is free text
    written for the team. A site published to a public audience from commits not written as
    public text: `false`, and no message is shown (the changes themselves are).

        plugins:
          - accord/pages:
              commit_messages: false
    """

    # Settings for diagrams
    diagrams = opt.Choice(("auto", "mermaid", "table"), default="auto")
    """Accord's own pictures (the agreements' timeline, each organisation's partnership
    network) are drawn at build time as images in the page (SVG), beside the table of the
    same facts: no script, light and dark mode, print. `auto`: the pictures, and Mermaid for
    the authors' own diagrams when `pymdownx.superfences` has a `mermaid` custom fence
    (served by the site, never fetched from the internet, and loaded after the content only
    by a page that holds a diagram). `mermaid`: the same, with Mermaid served whatever the
    configuration says (a fence Accord cannot see, raw `<div class="mermaid">`). `table`:
    the tables alone, and no Mermaid from Accord (the theme fetches it from unpkg.com).

        plugins:
          - accord/pages:
              diagrams: table
    """
