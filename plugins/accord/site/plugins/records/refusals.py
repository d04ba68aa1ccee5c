"""What accord/records refuses to build, and what it takes back in: the audience guarantee
must not depend on this plugin running, so a site another engine would publish differently
stops here, with the files named only where the audience may see them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files, InclusionLevel

from accord.catalogue import Audience
from accord.format.loading import load
from accord.format.models import Confidentiality
from accord.format.records import Record
from accord.format.source import read_source
from accord.site.guard import GUARD_PATTERNS, Attachments, how_to_guard, spec, without_guard

log = get_plugin_logger("accord.site.plugins.records.plugin")  # the plugin's own logger, as before the split

# Said instead of the errors of records the site's audience may not see (never how many).
UNSEEN_ERRORS = ("The knowledge base also has errors this audience may not be shown: run `accord validate` "
                 "(it shows every record's).")
UNSEEN_FILES = ("Others this audience may not be shown: build with ACCORD_AUDIENCE=restricted (or run `accord "
                "validate`) to see which.")



def refuse_unsafe_files(walked: Any, docs_dir: Path, today: Any, audience: Audience) -> None:
    """Stop before MkDocs walks the docs folder: a linked folder that loops would hang it, a
    FIFO block it, a link outside publish a file from elsewhere, a bad name crash it. Named
    only where the audience may see them (a link inside a hidden record's folder is not)."""
    problems = walked.problems
    if not problems:
        return
    read = load(docs_dir, today, walked=walked, audience=audience.value)
    shown, unseen = read.shown(problems)
    listing = "\n".join([problem.format_text() for problem in shown] + ([UNSEEN_ERRORS] if unseen else []))
    raise PluginError(f"{len(shown) or 'Some'} file{'s' if len(shown) != 1 else ''} in the docs folder that "
                      f"no engine can safely read; fix them (`accord validate` shows them all):\n{listing}")


def refuse_unguarded(records: list[Record], files: Files, config: MkDocsConfig, audience: Audience) -> None:
    """Stop when a record that is not public is outside `exclude_docs`: another engine
    building this folder (Zensical, MkDocs without the plugins) would publish it. Records
    and files are named only where the audience may see them; of the others, the message
    says only that there are some, and how to see them."""
    by_path = {record.rel_path: record for record in records if record.confidentiality is not Confidentiality.PUBLIC}
    exposed = [
        by_path[file.src_uri] for file in files
        if file.src_uri in by_path and file.inclusion is not InclusionLevel.EXCLUDED
    ]
    # The files such a record owns (accord.format.paths.owner): its folder's pages, its PDF.
    owned = Attachments([r.rel_path for r in records if r.rel_path not in by_path], by_path)
    attached = sorted(file.src_uri for file in files if file.src_uri not in by_path and not file.generated_by
                      and file.inclusion is not InclusionLevel.EXCLUDED and owned.owned_by_hidden(file.src_uri))
    if not exposed and not attached:
        return
    guarded = {p.pattern.strip() for p in getattr(config.exclude_docs, "patterns", [])} >= set(GUARD_PATTERNS)
    name = Path(config.config_file_path).name if config.config_file_path else "mkdocs.yml"
    everything = audience is Audience.RESTRICTED
    named = [record for record in sorted(exposed, key=lambda r: r.rel_path) if audience.sees(record.confidentiality)]
    lines = [f"{record.source.path}: {record.confidentiality.value} record outside `exclude_docs`; "
             f"{how_to_guard(record, guarded, name)}" for record in named]
    lines += [f"{rel_path}: a file of a record that is not public, outside `exclude_docs`; add its folder to "
              f"`exclude_docs` in {name}, as the record's own" for rel_path in (attached if everything else [])]
    if len(named) < len(exposed) or (attached and not everything):
        lines.append(UNSEEN_FILES)
    raise PluginError("Files that an engine without Accord would publish (the audience guarantee must not depend "
                      "on this plugin running):\n" + "\n".join(lines))


def refuse_other_configuration(config: MkDocsConfig) -> None:
    """Stop when a `zensical.toml` lies beside mkdocs.yml: Zensical reads it instead, and
    nothing here checks that it keeps the record folders out (`exclude_docs`) or lets no page
    include a record, so building the folder with Zensical could publish what this build hides."""
    if not config.config_file_path:
        return
    other = Path(config.config_file_path).parent / "zensical.toml"
    if other.exists():
        raise PluginError(f"{other}: Zensical reads this file instead of {Path(config.config_file_path).name}, "
                          "and Accord cannot check that it keeps records out of the site; remove it (Zensical "
                          f"reads {Path(config.config_file_path).name} when it is the only one)")


def refuse_dotted_records(files: Files, audience: Audience) -> None:
    """Stop when `exclude_docs` takes back (`!/notes/.*`) a page whose name, or a folder's,
    starts with a dot and that is a record: Accord reads no such file (nor does `accord
    validate`), so its confidentiality would not be honoured, by this build or another engine."""
    found = []
    for file in files.documentation_pages():
        if file.generated_by or not any(part.startswith(".") for part in file.src_uri.split("/")):
            continue
        try:
            raw = Path(file.abs_src_path).read_bytes() if file.abs_src_path else b""
        except OSError:
            raw = b""
        if read_source(raw, file.src_uri, file.src_uri).is_record:
            found.append(file.src_uri)
    if found:
        # (named only to the restricted audience: what such a record keeps is unread)
        listing = "\n".join(f"{path}: a record in a file or folder whose name starts with a dot, which Accord does "
                            "not read; rename it without the dot" for path in sorted(found)) \
            if audience is Audience.RESTRICTED else UNSEEN_FILES
        raise PluginError(f"Records in files or folders whose names start with a dot, that this site would publish "
                          f"unread:\n{listing}")


def take_back(files: Files, config: MkDocsConfig, attachments: Attachments, audience: str) -> None:
    """Files that only the guard's patterns left out are published again: the records this
    audience may see (the others are gone already), and the record folders' other files that
    go with a visible record or with none (guard.Attachments). The author's own exclusions,
    drafts and `not_in_nav` still apply."""
    patterns = [p.pattern for p in getattr(config.exclude_docs, "patterns", []) if isinstance(p.pattern, str)]
    own = spec(without_guard(patterns))
    for file in list(files):
        if file.inclusion is not InclusionLevel.EXCLUDED or own.match_file(file.src_uri):
            continue
        if not attachments.published(file.src_uri):
            if file.is_documentation_page():
                files.remove(file)  # a hidden record's page of notes: not even for mkdocs serve
            continue
        if config.draft_docs and config.draft_docs.match_file(file.src_uri):
            file.inclusion = InclusionLevel.DRAFT
        elif config.not_in_nav and config.not_in_nav.match_file(file.src_uri):
            file.inclusion = InclusionLevel.NOT_IN_NAV
        else:
            file.inclusion = InclusionLevel.INCLUDED
    for line in Attachments.report(attachments.left_out, audience):
        log.warning(line)
