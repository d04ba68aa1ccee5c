"""Each record's changes, from Git, in the record's own terms: "status: Draft → Signed",
"objective 2 target: 40 → 50", "responsibility added: …, R: …". Not a text diff: the
versions Git holds of the record's file are read as the build reads the file (accord.format:
read_source, check_record), and their fields compared.

A page is made for one audience, and so is its history (FORMAT.md, Audiences):
- a version the audience could not have seen (the record was more confidential then) is
  not shown, nor what changed in it; the change that made it visible says only that;
- an id an earlier version named that the audience does not see (a party, an organisation
  in a RACI row, since hidden or gone) is left out, as the page leaves out a visible record's
  reference to a hidden one (FORMAT.md): a change that was only about it is not listed;
- a commit's message, or a value of an earlier version, that names a record the audience
  does not see is withheld, and so is the message of a commit that also changed a file the
  audience does not see (its message was written about that change too). Other files are
  never listed. A text names a hidden record if it holds one of its names whole (its id,
  title, file name), or any of its distinctive words: a word of 4 letters or more (any
  case, as a whole word, or with a plural or possessive ending: "Larkspur's") of the id,
  title or file name of a record the audience does not see, that is in no visible record's
  id or title. The hidden records are those of the files as they are (organisations
  included), every file of the record folders in the Git log that no visible record owns
  (a record since deleted), and the earlier versions, read for the pages, that the audience
  could not have seen. A project's codename or an organisation's short name is then
  withheld; a word shared with a visible record is not distinctive, and a message that
  names a hidden record by it alone is shown: commit messages are free text, and a team
  that publishes to a public audience writes them as public text, or sets accord/pages'
  `commit_messages: false` (no message is shown);
- what is withheld leaves no mark: an entry then shows its date and author and the changes
  that may be shown; a change with a withheld value before or after is left out. A value
  the record's page shows now is not withheld (it is on the page anyway);
- an entry whose every change was left out (it was about hidden records only) and whose
  page text is the same is not listed; "layout of the file only" is said only where no
  field differs at all.

Git is read once a build (accord.site.history); the versions a page needs are read in one
batch, each parsed once (kept by blob id, so across `mkdocs serve` rebuilds too).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pathspec
from pydantic import BaseModel

from accord.catalogue import Audience, Catalogue
from accord.format.models import (
    THEME_KEYS,
    Agreement,
    Confidentiality,
    Organization,
    Playbook,
    RecordBase,
    Retrospective,
)
from accord.format.paths import nearest_owner, owner
from accord.format.records import Record
from accord.format.schema import check_record
from accord.format.source import declared_confidentiality, declared_id, read_source
from accord.format.vocabulary import KIND_NAMES, ORGANIZATION_KIND_NAMES, sector_name
from accord.site.guard import GUARD_PATTERNS
from accord.site.history import Change, GitLog, file_day, read_log

NOT_SHOWN = "a record not shown here"  # never shown: what says it is left out
_WITHHELD = "\x00withheld\x00"  # never shown: a sentence holding it is left out
NOT_SET = "not set"
MAX_ENTRIES = 30  # the newest changes a page lists
SHORT = 90  # characters of a long text shown in a change
MESSAGE = 200  # characters of a commit message shown
_RECORD_FOLDERS = pathspec.GitIgnoreSpec.from_lines(GUARD_PATTERNS)
# The fields Differ.changes says in words of their own; any other is said as its values.
_SAID = frozenset({"id", "type", "title", "summary", "confidentiality", "tags", "related", "extra", *THEME_KEYS,
                   "kind", "status", "sector", "parties", "dates", "objectives", "responsibilities", "resources",
                   "governance", "amends", "supersedes", "lessons_applied", "jurisdiction", "parent", "website",
                   "contacts", "owner", "applies_to", "reviewed", "held", "agreements", "partners", "phase",
                   "lessons"})


@dataclass(frozen=True)
class Entry:
    """One commit's change to the record."""

    day: date
    author: str
    message: str | None  # None: withheld
    sentences: tuple[str, ...] = ()
    note: str = ""


@dataclass
class Story:
    """What a record page says of its changes."""

    last_day: date | None
    last_author: str = ""
    last_note: str = ""  # how the date was found, when not from the record's last commit
    notice: str = ""  # why the history is incomplete or absent
    entries: list[Entry] = field(default_factory=list)
    older: int = 0  # changes not listed (past MAX_ENTRIES)
    edit_url: str | None = None


@dataclass(frozen=True)
class Version:
    """One version of a record's file as the build would read it."""

    model: RecordBase | None
    level: Confidentiality
    body: str
    problem: str = ""  # why it is not read as a record


_VERSIONS: dict[str, Version] = {}  # blob id → the version (the same id is the same content)


def parse(raw: bytes, rel_path: str) -> Version:
    source = read_source(raw, rel_path, rel_path)
    if not source.is_record:
        return Version(None, Confidentiality(declared_confidentiality(source)), source.body,
                       "this version was not a record (no `type:` in its front matter)")
    model, problems = (None, []) if (source.diagnostics or source.data is None) else check_record(source)
    if model is None:
        count = len(source.diagnostics) + len(problems)
        return Version(None, Confidentiality(declared_confidentiality(source)), source.body,
                       f"this version could not be read as a record ({count} error{'s' if count != 1 else ''} in its "
                       "front matter), so what changed in it is not shown")
    return Version(model, model.confidentiality, source.body)


_LETTERS = re.compile(r"[^\W\d_]+")  # a word: letters only (digits, _, ' and - end it)
MIN_WORD = 4  # a shorter word is not distinctive


def words(text: str) -> set[str]:
    """The words of 4 letters or more of a name, case folded."""
    return {word.casefold() for word in _LETTERS.findall(text) if len(word) >= MIN_WORD}


def names_of_path(rel: str) -> list[str]:
    """The names a file's path gives its record: its file name and what owns it, each
    without its folders and endings."""
    name = rel.rsplit("/", 1)[-1]
    return [name.split(".", 1)[0] or name, owner(rel).rsplit("/", 1)[-1]]


def unseen_names(records: Iterable[Record], failed: Iterable[Any], hidden: Iterable[str]) -> frozenset[str]:
    """The ids, titles and file names of the records a site does not show (outside its
    audience, or with errors): a commit message or earlier value naming one is withheld."""
    hidden = set(hidden)
    names = set()
    for record in records:
        if record.rel_path in hidden:
            names.update((record.id, record.title))
    for source in failed:
        found = declared_id(source)
        if found:
            names.add(found)
        title = source.data.get("title") if isinstance(source.data, dict) else None
        if isinstance(title, str):
            names.add(title)
    for rel in hidden:
        names.add(owner(rel).rsplit("/", 1)[-1])
    return frozenset(name.strip() for name in names if len(name.strip()) >= 3)


def _strings(model: Any, visible: Any) -> set[str]:
    """The text values of a record as its page shows them (a party the audience does not
    see is left out, as the page leaves it out), whitespace made single."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.add(" ".join(value.split()))
        elif isinstance(value, BaseModel):
            for name, item in value:
                if name == "parties" and isinstance(value, Agreement):
                    item = [party for party in item if party.org in visible]
                walk(item)
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key)
                walk(item)
        elif isinstance(value, (list, tuple, set, frozenset)):
            for item in value:
                walk(item)
        elif value is not None and not isinstance(value, (bool, int, float, date)):
            found.add(" ".join(str(value).split()))

    walk(model)
    return found


class Histories:
    """The record pages' histories for one build and audience."""

    def __init__(self, docs_dir: Path, catalogue: Catalogue, log: GitLog, *, unseen: Iterable[str] = (),
                 hidden_paths: Iterable[str] = (), edit_url: Callable[[str], str | None] | None = None,
                 messages: bool = True) -> None:
        self.docs_dir = docs_dir
        self.catalogue = catalogue
        self.audience: Audience = catalogue.audience
        self.log = log
        self.edit_url = edit_url or (lambda rel: None)
        self.show_messages = messages
        self.visible_files = {record.rel_path for record in catalogue.records.values()}
        hidden = set(hidden_paths)
        self.hidden_owners = {owner(rel) for rel in hidden}
        self.visible_owners = {owner(rel) for rel in self.visible_files} - self.hidden_owners
        # What names a hidden record (see the module's docstring): made once the versions are read.
        self.visible_names = {name.casefold() for record in catalogue.records.values()
                              for name in (record.id, record.title)}
        self.visible_words = set().union(*(words(name) for name in self.visible_names))
        self.hidden_names = {name for name in unseen if name.casefold() not in self.visible_names}
        for rel in log.changes:  # the files of the record folders, as the log names them
            if self.touches_unseen(rel):
                self.hidden_names.update(names_of_path(rel))
        self.unseen: re.Pattern[str] | None = None
        self.distinctive: frozenset[str] = frozenset()
        self.current: set[str] = set()  # the values the page being made shows now
        self.stories: dict[str, Story] = {}
        self.messages: dict[str, str | None] = {}  # commit → its message as shown (None: withheld)
        self.fetched = False
        self.differ = Differ(catalogue, self.text)

    # What may be shown -------------------------------------------------------------------

    def _names(self) -> None:
        """What names a hidden record, from the names gathered (a name that is a visible
        record's id or title is not one)."""
        names = sorted({name.strip() for name in self.hidden_names if len(name.strip()) >= 3
                        and name.strip().casefold() not in self.visible_names}, key=len, reverse=True)
        self.unseen = re.compile("|".join(re.escape(n) for n in names), re.IGNORECASE) if names else None
        self.distinctive = frozenset(set().union(*(words(name) for name in names)) - self.visible_words)

    def names_unseen(self, text: str) -> bool:
        if self.unseen is not None and self.unseen.search(text) is not None:
            return True
        distinctive = self.distinctive
        for word in _LETTERS.findall(text):
            if len(word) < MIN_WORD:
                continue
            word = word.casefold()
            if word in distinctive or (word[-1] == "s" and (word[:-1] in distinctive or word[:-2] in distinctive)):
                return True
        return False

    def text(self, value: str) -> str:
        """A text value of an earlier version, as it may be shown: shortened, or withheld
        (unless the page shows it now)."""
        value = " ".join(value.split())
        if value not in self.current and self.names_unseen(value):
            return _WITHHELD
        return shorten(value, SHORT)

    def touches_unseen(self, rel: str) -> bool:
        """Whether a file a commit changed is one the audience does not see: a hidden record's
        or a file it owns, or a file of the record folders that no visible record owns (a
        record since deleted, whose confidentiality is not known)."""
        if rel in self.visible_files:
            return False
        found = nearest_owner(rel, self.hidden_owners, self.visible_owners)
        if found is False:
            return True
        return found is None and _RECORD_FOLDERS.match_file(rel)

    def message(self, change: Change) -> str | None:
        """The commit's message as it may be shown; None: withheld (decided once a commit)."""
        commit = change.commit
        if commit.sha not in self.messages:
            withheld = (not self.show_messages or self.names_unseen(commit.subject)
                        or any(self.touches_unseen(rel) for rel in commit.files))
            self.messages[commit.sha] = None if withheld else shorten(" ".join(commit.subject.split()), MESSAGE)
        return self.messages[commit.sha]

    def sees(self, version: Version) -> bool:
        return self.audience.sees(version.level)

    # Versions ---------------------------------------------------------------------------

    def _fetch(self) -> None:
        """Every version the visible records' pages need, read in one batch."""
        self.fetched = True
        wanted = []
        for rel in self.visible_files:
            changes = self.log.changes.get(rel, [])
            if len(changes) == 1 and changes[0].old is None and rel not in self.log.dirty:
                continue  # its one version is the file as it is: nothing to read
            wanted += [sha for change in changes for sha in (change.old, change.new)
                       if sha is not None and sha not in _VERSIONS]
        for sha, raw in self.log.blobs(wanted).items():
            if sha not in _VERSIONS:
                if len(_VERSIONS) > 20_000:
                    _VERSIONS.clear()
                _VERSIONS[sha] = parse(raw, "")
        for sha in wanted:  # not in this copy (a shallow clone's boundary)
            _VERSIONS.setdefault(sha, Version(None, Confidentiality.RESTRICTED, "", "this version is not in this "
                                                                                     "copy of the repository"))
        for rel in self.visible_files:  # the names of the versions the audience could not have seen
            for change in self.log.changes.get(rel, []):
                for sha in (change.old, change.new):
                    version = _VERSIONS.get(sha) if sha is not None else None
                    if version is not None and version.model is not None and not self.sees(version):
                        self.hidden_names.update((version.model.id, version.model.title))
        self._names()

    def version(self, sha: str) -> Version:
        if sha not in _VERSIONS:
            raw = self.log.blobs([sha]).get(sha)
            _VERSIONS[sha] = parse(raw, "") if raw is not None else Version(
                None, Confidentiality.RESTRICTED, "", "this version is not in this copy of the repository")
        return _VERSIONS[sha]

    # The page's story -------------------------------------------------------------------

    def __call__(self, record: Record) -> Story:
        story = self.stories.get(record.rel_path)
        if story is None:
            story = self.stories[record.rel_path] = self._story(record)
        return story

    def _story(self, record: Record) -> Story:
        rel = record.rel_path
        edit = self.edit_url(rel)
        log = self.log
        if not log.in_git:
            return Story(file_day(self.docs_dir / rel), last_note="file date, not from Git",
                         notice=f"No history of changes: {log.reason}.", edit_url=edit)
        changes = log.changes.get(rel, [])
        if not changes or changes[0].new is None:
            return Story(file_day(self.docs_dir / rel), last_note="file date, not from Git",
                         notice="No history of changes: this record's file has not been committed to Git yet.",
                         edit_url=edit)
        if not self.fetched:
            self._fetch()
        only = len(changes) == 1 and changes[0].old is None and rel not in log.dirty
        self.current = set() if only else _strings(record.model, self.catalogue.records)
        entries: list[Entry] = []
        for change in changes:
            entry = self._entry(record, change, current=only)
            if entry is not None:
                entries.append(entry)
        story = Story(None, edit_url=edit)
        newest = changes[0]
        if rel in log.dirty:
            story.last_day = file_day(self.docs_dir / rel)
            story.last_note = "file date, not from Git: changed since its last commit"
        elif newest.commit.boundary and newest.old is None:
            story.last_day = newest.commit.day
            story.last_note = "or earlier: the oldest commit in this shallow copy of the repository"
        else:
            story.last_day, story.last_author = newest.commit.day, newest.commit.author
        if log.state == "shallow":
            story.notice = ("This history is incomplete: the site was built from a shallow clone of the repository "
                            "(its oldest commits are not in it), so earlier changes are missing.")
        elif log.truncated and changes[-1].old is not None:
            story.notice = "Only the newest commits were read; earlier changes are missing."
        story.older = max(0, len(entries) - MAX_ENTRIES)
        story.entries = entries[:MAX_ENTRIES]
        return story

    def _entry(self, record: Record, change: Change, *, current: bool) -> Entry | None:
        commit = change.commit
        assert change.new is not None or change.old is not None
        if change.new is None:  # the file was deleted, and later added back
            old = self.version(change.old) if change.old else None
            if old is None or not self.sees(old):
                return None
            return Entry(commit.day, commit.author, self.message(change), note="The record's file was removed.")
        new = Version(None, record.confidentiality, "") if current else self.version(change.new)
        if not self.sees(new):
            return None  # a version this audience could not have seen: nothing of it is shown
        message = self.message(change)
        if change.old is None:
            note = ("The oldest version in this shallow copy of the repository." if commit.boundary
                    else "First version in Git.")
            if new.problem:
                note += " " + new.problem[0].upper() + new.problem[1:] + "."
            return Entry(commit.day, commit.author, message, note=note)
        old = self.version(change.old)
        if not self.sees(old):
            return Entry(commit.day, commit.author, message,
                         note=f"Shown to the {self.audience.value} audience from this version on; what changed "
                              "before it is not shown.")
        if new.problem:
            return Entry(commit.day, commit.author, message, note=new.problem[0].upper() + new.problem[1:] + ".")
        if old.problem or old.model is None or new.model is None:
            return Entry(commit.day, commit.author, message,
                         note="The version before could not be read as a record, so what changed is not shown.")
        sentences = self.differ.changes(old.model, new.model)
        if old.body != new.body:
            sentences.append("page text edited")
        if not sentences:
            if old.model != new.model:
                return None  # every change was about what the audience does not see: not listed
            sentences = ["layout of the file only: no field changed"]
        return Entry(commit.day, commit.author, message, tuple(sentences))

    # An amendment -----------------------------------------------------------------------

    def amendment(self, record: Record) -> list[str]:
        return amendment_changes(self.catalogue, record)


def amendment_changes(catalogue: Catalogue, record: Record) -> list[str]:
    """What an amendment changes in the agreement it amends, from the two records as this
    audience sees them (both visible: a hidden one is not amended, as far as the page says)."""
    if record.type != "agreement" or not record.agreement.amends:
        return []
    target = catalogue.records.get(record.agreement.amends)
    if target is None or target.type != "agreement":
        return []
    return Differ(catalogue, lambda value: shorten(" ".join(value.split()), SHORT)).amends(target.agreement,
                                                                                           record.agreement)


_DIGEST = re.compile(r"\b([0-9a-fA-F]{8})[0-9a-fA-F]{48}([0-9a-fA-F]{8})\b")


def shorten(text: str, limit: int) -> str:
    # A digest (a signed copy's SHA-256) as the page shows it, first and last 8 of its 64
    # digits: whole, it is one 64-letter word, broken mid-word on a phone.
    text = _DIGEST.sub(r"\1…\2", text)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:. ")
    return (cut or text[:limit]) + "…"


class Differ:
    """Two versions' fields compared, said in the record's own terms. `text`: how a text
    value of a version may be shown (accord.site.changes.Histories.text)."""

    def __init__(self, catalogue: Catalogue, text: Callable[[str], str]) -> None:
        self.catalogue = catalogue
        self.text = text

    # Values ---------------------------------------------------------------------------

    def name(self, record_id: str | None) -> str:
        if not record_id:
            return NOT_SET
        record = self.catalogue.records.get(record_id)
        return record.title if record is not None else NOT_SHOWN

    def seen(self, ids: Iterable[str]) -> list[str]:
        """The ids the audience sees, in order: the others are left out."""
        return [i for i in ids if i in self.catalogue.records]

    def names(self, ids: Iterable[str]) -> str:
        shown = [self.name(i) for i in self.seen(ids)]
        return ", ".join(shown) if shown else "none"

    def lesson(self, address: str) -> str:
        ref = self.catalogue.lessons.get(address)
        if ref is not None:
            return ref.lesson.title
        return NOT_SHOWN if address.partition("#")[0] not in self.catalogue.records else self.text(address)

    def value(self, value: Any) -> str:
        if value is None or value == "" or value == []:
            return NOT_SET
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, list):
            return ", ".join(self.value(v) for v in value)
        if hasattr(value, "value") and isinstance(value.value, str):  # an enum of the format
            return value.value.capitalize()
        return self.text(str(value))

    @staticmethod
    def _amount(amount: float | None, currency: str | None) -> str:
        if amount is None:
            return NOT_SET
        number = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
        return f"{number} {currency}" if currency else number

    def _pair(self, out: list[str], label: str, old: Any, new: Any, show: Callable[[Any], str] | None = None) -> None:
        if old == new:
            return
        show = show or self.value
        before, after = show(old), show(new)
        if NOT_SHOWN in (before, after) or _WITHHELD in before or _WITHHELD in after:
            return  # a reference to a record the audience does not see, or a value withheld: left out
        if before != after:
            out.append(f"{label}: {before} → {after}")

    def _ids(self, out: list[str], label: str, old: list[str], new: list[str]) -> None:
        added = self.seen(i for i in new if i not in old)
        removed = self.seen(i for i in old if i not in new)
        if added:
            out.append(f"{label} added: {self.names(added)}")
        if removed:
            out.append(f"{label} removed: {self.names(removed)}")

    def _words(self, out: list[str], label: str, old: list[str], new: list[str],
               show: Callable[[str], str] = str) -> None:
        added = [shown for v in new if v not in old if _WITHHELD not in (shown := self.text(show(v)))]
        removed = [shown for v in old if v not in new if _WITHHELD not in (shown := self.text(show(v)))]
        if added:
            out.append(f"{label} added: {', '.join(added)}")
        if removed:
            out.append(f"{label} removed: {', '.join(removed)}")

    # Records --------------------------------------------------------------------------

    def changes(self, old: RecordBase, new: RecordBase) -> list[str]:
        out: list[str] = []
        if type(old) is not type(new):
            out.append(f"type: {getattr(old, 'type', '?')} → {getattr(new, 'type', '?')}")
            return out
        self._pair(out, "id", old.id, new.id)
        self._pair(out, "title", old.title, new.title)
        self._pair(out, "summary", old.summary, new.summary)
        self._pair(out, "confidentiality", old.confidentiality, new.confidentiality)
        self._words(out, "tag", old.tags, new.tags)
        if isinstance(old, Agreement) and isinstance(new, Agreement):
            self._agreement(out, old, new)
        elif isinstance(old, Organization) and isinstance(new, Organization):
            self._organization(out, old, new)
        elif isinstance(old, Playbook) and isinstance(new, Playbook):
            self._pair(out, "owner", old.owner, new.owner, self.name)
            self._words(out, "applies to kind", [k.value for k in old.applies_to.kinds],
                        [k.value for k in new.applies_to.kinds], lambda k: KIND_NAMES.get(k, k))
            self._words(out, "applies to sector", old.applies_to.sectors, new.applies_to.sectors, sector_name)
            self._pair(out, "last reviewed", old.reviewed, new.reviewed)
        elif isinstance(old, Retrospective) and isinstance(new, Retrospective):
            self._retrospective(out, old, new)
        self._ids(out, "related record", old.related, new.related)
        for name in type(new).model_fields:  # a field not said above (one added to the format since)
            if name not in _SAID and getattr(old, name, None) != getattr(new, name, None):
                self._any(out, name.replace("_", " "), getattr(old, name, None), getattr(new, name, None))
        for key in sorted(set(old.extra) | set(new.extra)):
            self._pair(out, f"extra field {self.text(str(key))}", old.extra.get(key), new.extra.get(key))
        for key in ("hide", "icon", "template", "search", "description", "comments", "subtitle"):
            self._pair(out, f"page setting {key}", getattr(old, key), getattr(new, key))
        return [sentence for sentence in out if _WITHHELD not in sentence]  # (a value withheld: left out)

    def _any(self, out: list[str], label: str, old: Any, new: Any) -> None:
        """Any value: a mapping of the format field by field, anything else as `value` says it."""
        if isinstance(old, BaseModel) and type(old) is type(new):
            for name in type(new).model_fields:
                self._any(out, f"{label} {name.replace('_', ' ')}", getattr(old, name), getattr(new, name))
            return
        self._pair(out, label, old, new, self._compact)

    def _compact(self, value: Any) -> str:
        if isinstance(value, BaseModel):
            shown = [f"{name.replace('_', ' ')} {self.value(v)}" for name, v in value if v not in (None, "", [])]
            return ", ".join(shown) or NOT_SET
        return self.value(value)

    def _agreement(self, out: list[str], old: Agreement, new: Agreement) -> None:
        kind = lambda k: KIND_NAMES.get(getattr(k, "value", k), str(k)) if k else NOT_SET  # noqa: E731
        self._pair(out, "kind", old.kind, new.kind, kind)
        self._pair(out, "status", old.status, new.status)
        self._pair(out, "sector", old.sector, new.sector, lambda s: sector_name(s) if s else NOT_SET)
        self._parties(out, old, new)
        for key, label in (("signed", "date signed"), ("effective", "effective"), ("expires", "expires")):
            self._pair(out, label, getattr(old.dates, key), getattr(new.dates, key))
        self._pair(out, "review dates", sorted(old.dates.review), sorted(new.dates.review))
        self._objectives(out, old, new, amendment=False)
        self._responsibilities(out, old, new, amendment=False)
        self._resources(out, old, new, amendment=False)
        for key in ("meetings", "escalation", "reporting"):
            self._pair(out, f"governance {key}", getattr(old.governance, key), getattr(new.governance, key))
        self._pair(out, "amends", old.amends, new.amends, self.name)
        self._pair(out, "supersedes", old.supersedes, new.supersedes, self.name)
        added = [a for a in new.lessons_applied if a not in old.lessons_applied and self.lesson(a) != NOT_SHOWN]
        removed = [a for a in old.lessons_applied if a not in new.lessons_applied and self.lesson(a) != NOT_SHOWN]
        if added:
            out.append(f"lesson applied added: {', '.join(self.lesson(a) for a in added)}")
        if removed:
            out.append(f"lesson applied removed: {', '.join(self.lesson(a) for a in removed)}")

    def _parties(self, out: list[str], old: Agreement, new: Agreement, *, amendment: bool = False) -> None:
        before = {p.org: p for p in old.parties}
        after = {p.org: p for p in new.parties}
        for org, party in after.items():
            if org not in self.catalogue.records:
                continue  # a party the audience does not see: left out
            if org not in before:
                signatory = self.text(party.signatory) if party.signatory else _WITHHELD
                signed = f", signed by {signatory}" if _WITHHELD not in signatory else ""
                out.append(f"party added: {self.name(org)} ({party.role.value.capitalize()}{signed})")
                continue
            was = before[org]
            self._pair(out, f"party {self.name(org)} role", was.role, party.role)
            if not amendment or party.signatory:
                self._pair(out, f"party {self.name(org)} signatory", was.signatory, party.signatory)
        if not amendment:
            for org in self.seen(before):
                if org not in after:
                    out.append(f"party removed: {self.name(org)}")

    @staticmethod
    def _match(old: list[Any], new: list[Any], keys: list[Callable[[Any], Any]],
               position: bool) -> list[tuple[int | None, int | None]]:
        """Items of two lists paired: by each key in turn (a key that is None pairs nothing),
        then, with `position`, those left at the same place; (old index, new index), None
        where an item has no partner."""
        pairs: dict[int, int] = {}
        taken: set[int] = set()
        for key in keys:
            for j, item in enumerate(new):
                k = None if j in pairs else key(item)
                if k is None:
                    continue
                for i, other in enumerate(old):
                    if i not in taken and key(other) == k:
                        pairs[j] = i
                        taken.add(i)
                        break
        if position:
            for j in range(min(len(old), len(new))):
                if j not in pairs and j not in taken:
                    pairs[j] = j
                    taken.add(j)
        return [(pairs.get(j), j) for j in range(len(new))] + [(i, None) for i in range(len(old)) if i not in taken]

    def _objectives(self, out: list[str], old: Agreement, new: Agreement, *, amendment: bool) -> None:
        keys: list[Callable[[Any], Any]] = [lambda o: o.id, lambda o: o.statement]
        if amendment:
            keys.append(lambda o: o.metric)
        for i, j in self._match(old.objectives, new.objectives, keys, position=not amendment):
            if j is None:
                if not amendment:
                    out.append(f"objective removed: {self.text(old.objectives[i].statement)}")
                continue
            objective = new.objectives[j]
            if i is None:
                details = [f"{label} {self.value(getattr(objective, key))}" for key, label in
                           (("target", "target"), ("due", "due")) if getattr(objective, key)]
                extra = f" ({', '.join(details)})" if details else ""
                out.append(f"objective added: {self.text(objective.statement)}{extra}")
                continue
            was = old.objectives[i]
            label = f"objective “{self.text(was.statement)}”" if amendment else f"objective {j + 1}"
            if not amendment:
                self._pair(out, f"{label} statement", was.statement, objective.statement)
            for key in ("metric", "baseline", "target", "due"):
                self._pair(out, f"{label} {key}", getattr(was, key), getattr(objective, key))
            self._pair(out, f"{label} owner", was.owner, objective.owner, self.name)

    def _letters(self, row: Any) -> str:
        parts = []
        for letter, ids in (("R", row.responsible), ("A", [row.accountable] if row.accountable else []),
                            ("C", row.consulted), ("I", row.informed)):
            if self.seen(ids):
                parts.append(f"{letter}: {self.names(ids)}")
        return ", ".join(parts)

    def _responsibilities(self, out: list[str], old: Agreement, new: Agreement, *, amendment: bool) -> None:
        keys: list[Callable[[Any], Any]] = [lambda r: r.activity]
        for i, j in self._match(old.responsibilities, new.responsibilities, keys, position=not amendment):
            if j is None:
                if not amendment:
                    out.append(f"responsibility removed: {self.text(old.responsibilities[i].activity)}")
                continue
            row = new.responsibilities[j]
            if i is None:
                letters = self._letters(row)
                out.append(f"responsibility added: {self.text(row.activity)}{', ' + letters if letters else ''}")
                continue
            was = old.responsibilities[i]
            label = f"responsibility “{self.text(row.activity)}”"
            if was.activity != row.activity:
                out.append(f"responsibility {j + 1} activity: {self.text(was.activity)} → {self.text(row.activity)}")
            for letter, key in (("R", "responsible"), ("A", "accountable"), ("C", "consulted"), ("I", "informed")):
                before, after = getattr(was, key), getattr(row, key)
                before = [before] if isinstance(before, str) else (before or [])
                after = [after] if isinstance(after, str) else (after or [])
                if self.seen(before) != self.seen(after):
                    out.append(f"{label} {letter}: {self.names(before)} → {self.names(after)}")

    def _resource(self, resource: Any) -> str:
        kind = resource.kind.value if resource.kind else "resource"
        what = f"{self._amount(resource.amount, resource.currency)} {kind}" if resource.amount is not None else kind
        source = f" from {self.name(resource.from_)}" if self.seen([resource.from_] if resource.from_ else []) else ""
        description = f": {self.text(resource.description)}" if resource.description else ""
        return f"{what}{source}{description}"

    def _resources(self, out: list[str], old: Agreement, new: Agreement, *, amendment: bool) -> None:
        if amendment:
            for resource in new.resources:
                if resource not in old.resources:
                    out.append(f"resource added: {self._resource(resource)}")
            return
        keys: list[Callable[[Any], Any]] = [lambda r: r, lambda r: (r.from_, r.kind, r.description),
                                            lambda r: (r.from_, r.kind)]
        for i, j in self._match(old.resources, new.resources, keys, position=True):
            if j is None:
                out.append(f"resource removed: {self._resource(old.resources[i])}")
            elif i is None:
                out.append(f"resource added: {self._resource(new.resources[j])}")
            else:
                was, now = old.resources[i], new.resources[j]
                label = f"resource {j + 1}"
                self._pair(out, f"{label} from", was.from_, now.from_, self.name)
                self._pair(out, f"{label} kind", was.kind, now.kind)
                self._pair(out, f"{label} description", was.description, now.description)
                self._pair(out, f"{label} amount", (was.amount, was.currency), (now.amount, now.currency),
                           lambda pair: self._amount(*pair))

    def _organization(self, out: list[str], old: Organization, new: Organization) -> None:
        self._pair(out, "kind", old.kind, new.kind, lambda k: ORGANIZATION_KIND_NAMES.get(k.value, k.value))
        self._pair(out, "jurisdiction", old.jurisdiction, new.jurisdiction)
        self._pair(out, "part of", old.parent, new.parent, self.name)
        self._pair(out, "website", old.website, new.website)
        before = {(c.name or c.email or ""): c for c in old.contacts}
        after = {(c.name or c.email or ""): c for c in new.contacts}
        for key, contact in after.items():
            if key not in before:
                role = f" ({self.text(contact.role)})" if contact.role else ""
                out.append(f"contact added: {self.text(key)}{role}")
            else:
                self._pair(out, f"contact {self.text(key)} role", before[key].role, contact.role)
                self._pair(out, f"contact {self.text(key)} e-mail", before[key].email, contact.email)
        for key in before:
            if key not in after:
                out.append(f"contact removed: {self.text(key)}")

    def _retrospective(self, out: list[str], old: Retrospective, new: Retrospective) -> None:
        self._pair(out, "held", old.held, new.held)
        self._pair(out, "phase", old.phase, new.phase)
        self._ids(out, "agreement", old.agreements, new.agreements)
        self._ids(out, "partner", old.partners, new.partners)
        before = {lesson.id: lesson for lesson in old.lessons}
        after = {lesson.id: lesson for lesson in new.lessons}
        for key, lesson in after.items():
            if key not in before:
                out.append(f"lesson added: {self.text(lesson.title)}")
                continue
            was = before[key]
            label = f"lesson “{self.text(lesson.title)}”"
            self._pair(out, "lesson title", was.title, lesson.title)
            for name in ("event", "lesson", "recommendation", "impact"):
                self._pair(out, f"{label} {name}", getattr(was, name), getattr(lesson, name))
            self._words(out, f"{label} topic", was.topics, lesson.topics)
        for key in before:
            if key not in after:
                out.append(f"lesson removed: {self.text(before[key].title)}")

    # An amendment ---------------------------------------------------------------------

    def amends(self, target: Agreement, amendment: Agreement) -> list[str]:
        """What the amendment changes in `target`: what it adds, and the values it gives
        otherwise (an item it does not repeat is unchanged, not removed)."""
        out: list[str] = []
        kind = lambda k: KIND_NAMES.get(getattr(k, "value", k), str(k)) if k else NOT_SET  # noqa: E731
        self._pair(out, "kind", target.kind, amendment.kind, kind)
        if amendment.sector:
            self._pair(out, "sector", target.sector, amendment.sector, lambda s: sector_name(s) if s else NOT_SET)
        self._parties(out, target, amendment, amendment=True)
        if amendment.dates.expires:
            self._pair(out, "expires", target.dates.expires, amendment.dates.expires)
        self._objectives(out, target, amendment, amendment=True)
        self._responsibilities(out, target, amendment, amendment=True)
        self._resources(out, target, amendment, amendment=True)
        for key in ("meetings", "escalation", "reporting"):
            given = getattr(amendment.governance, key)
            if given:
                self._pair(out, f"governance {key}", getattr(target.governance, key), given)
        return out


def page_history(docs_dir: Path, catalogue: Catalogue, *, unseen: Iterable[str] = (), hidden: Iterable[str] = (),
                 edit_url: Callable[[str], str | None] | None = None, log: Any = None,
                 messages: bool = True) -> Histories:
    """The build's histories; says once (to `log`, a logger) where they are incomplete: a
    shallow clone is a warning (a build server that fetched one commit would date every
    record by it, and `--strict` should stop it), no Git at all is information (a folder
    that is not a repository has nothing wrong, and `--strict` builds of it must pass)."""
    git = read_log(docs_dir)
    histories = Histories(docs_dir, catalogue, git, unseen=unseen, hidden_paths=hidden, edit_url=edit_url,
                          messages=messages)
    if log is not None:
        if git.state == "none":
            log.info(f"Record pages show no history of changes: {git.reason}; each says its last change is its "
                     "file's date, not from Git")
        elif git.state == "shallow":
            log.warning("The knowledge base's Git repository is a shallow clone: record pages say their history "
                        "is incomplete, and records are dated by the oldest commit in it. Build from the whole "
                        "history (`git fetch --unshallow`; in GitHub Actions, actions/checkout with fetch-depth: 0)")
        else:
            uncommitted = sum(1 for rel in histories.visible_files if not git.changes.get(rel))
            if uncommitted:
                log.info(f"{uncommitted} record{'s' if uncommitted != 1 else ''} not yet committed to Git: "
                         f"{'their pages say' if uncommitted != 1 else 'its page says'} so, dated by the file")
    return histories
