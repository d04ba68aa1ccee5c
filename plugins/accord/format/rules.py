"""FORMAT.md's rules within a record and across records, each on the offending line."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Set
from dataclasses import dataclass
from datetime import date

from accord.format import placeholders
from accord.format.diagnostics import Diagnostic, place
from accord.format.models import Agreement, AgreementStatus, Confidentiality, Retrospective
from accord.format.records import Record, references
from accord.format.source import CURLY_QUOTES, SourceFile, in_curly_quotes, straight_quoted
from accord.format.suggest import closest, did_you_mean

_RACI_FIELDS = ("responsible", "accountable", "consulted", "informed")


@dataclass(frozen=True)
class Naming:
    """What a diagnostic's message may name: every record (`accord validate`), or, for an
    audience (the preview, a command run with `--audience`), only the ids and files of the
    records it may see. The verdicts are the same either way; a suggestion, another
    record's path or type, or a hidden record's content is never named to an audience that
    may not see it."""

    ids: frozenset[str] | None = None
    paths: frozenset[str] | None = None

    def may_name(self, record_id: str) -> bool:
        return self.ids is None or record_id in self.ids

    def may_show(self, path: str) -> bool:
        return self.paths is None or path in self.paths

    def nameable(self, ids: Iterable[str]) -> list[str]:
        return [i for i in ids if self.may_name(i)]


EVERYTHING = Naming()


def check_all(
    records: list[Record], today: date, broken: dict[str, list[SourceFile]] | None = None,
    naming: Naming = EVERYTHING, unread: dict[str, list[SourceFile]] | None = None,
) -> list[Diagnostic]:
    """Every rule over the whole knowledge base (all audiences: validation sees all).

    `broken`: the ids declared by records that failed to load (their errors are already
    reported). They still count for duplicate ids, and references to them are not
    reported again. `naming`: what the messages may name (see Naming). `unread`: records
    with errors whose id could not be read, by file name: an id no record has, named by
    such a file's name, is said to be likely that file's, to fix first.
    """
    broken = broken or {}
    found: list[Diagnostic] = []
    by_id: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        by_id[record.id].append(record)
    found += _duplicate_ids(by_id, broken, naming)
    # An id used twice (an error either way): the record this audience may see, if one is.
    index = {record_id: next((r for r in group if naming.may_show(r.source.path)), group[0])
             for record_id, group in by_id.items()}
    broken_ids = set(broken)
    known = index.keys() | broken_ids
    for record in records:
        found += _placeholders(record)
        found += _references(record, index, broken_ids, naming, unread or {})
        if isinstance(record.model, Agreement):
            found += _agreement(record, record.model, today, known, naming)
        elif isinstance(record.model, Retrospective):
            found += _retrospective(record, record.model)
    found += _chains(records, index, naming)
    return found


def _placeholders(record: Record) -> list[Diagnostic]:
    """The scaffold's text left in a record, and its values in curly quotes, kept with the file read."""
    return file_problems(record.source)


def file_problems(source: SourceFile) -> list[Diagnostic]:
    """What the rules find in a valid record's file alone (the scaffold's text left in it, its
    values in curly quotes), kept with the file read: accord.format.loading asks while the
    file's node tree is still at hand (and in its reading processes, when it has some)."""
    if source.placeholders is None:
        source.placeholders = [*_find_placeholders(source), *_curly_quotes(source)]
    return source.placeholders


def _curly_quotes(source: SourceFile) -> Iterator[Diagnostic]:
    """Values pasted with their curly quotes (`title: “Flood wardens”`): YAML keeps them as text.
    A value in straight quotes (`title: "“Flood wardens”"`) keeps them on purpose."""
    # Only a plain value is reported, and a plain value's characters are all in the text
    # as written (no escapes): without a curly quote in it, no value needs the walk below
    # (0.07 ms a record, 0.7 s of accord validate at 10,000 records).
    if not any(quote in source.front_matter for quote in CURLY_QUOTES):
        return
    for path, value in _texts(source.data):
        inside = in_curly_quotes(value)
        if inside is None or not source.plain(path):
            continue
        key = f"{path[-1]}: " if isinstance(path[-1], str) else ""
        yield source.diagnostic(
            "curly-quotes", f"{place(path, source.data)} is in curly quotes, which YAML does not read as quotes: "
            f"they are kept as part of the text, and shown; if you meant them as quotes, write straight ones: "
            f"`{key}{straight_quoted(inside)}`; to keep them, `{key}{straight_quoted(value)}`", path)


def _texts(data: object, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every text value of a front matter, with where it is."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str):
                yield from _texts(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _texts(value, (*path, i))


def _find_placeholders(source: SourceFile) -> Iterator[Diagnostic]:
    found = placeholders.in_fields(source.data) if source.scaffold_text is not False else ()
    for path, text in found:
        yield source.diagnostic("scaffold-placeholder", f"{place(path, source.data)} still says “{text}”, the text "
                                "`accord new` wrote; write the record's own, or delete the line", path)
    if any(line in source.body for line in placeholders.BODY):
        for number, text in placeholders.in_body(source.body):
            yield Diagnostic(source.path, source.body_line + number, 1, "scaffold-placeholder",
                             f"the body still says “{text}”, the text `accord new` wrote; write the record's own "
                             "in its place, or delete the line")


def _duplicate_ids(by_id: dict[str, list[Record]], broken: dict[str, list[SourceFile]],
                   naming: Naming) -> Iterator[Diagnostic]:
    for record_id in sorted(by_id.keys() | broken.keys()):
        sources = [record.source for record in by_id.get(record_id, [])] + broken.get(record_id, [])
        if len(sources) < 2:
            continue
        for source in sources:
            named = [other.path for other in sources if other is not source and naming.may_show(other.path)]
            unnamed = len(sources) - 1 - len(named)
            others = ", ".join(named + (["another record"] if unnamed else []))
            yield source.diagnostic(
                "duplicate-id", f"id `{record_id}` is also used by {others}; ids must be unique", ("id",)
            )


def _references(record: Record, index: dict[str, Record], broken_ids: set[str], naming: Naming,
                unread: dict[str, list[SourceFile]]) -> Iterator[Diagnostic]:
    public = record.confidentiality is Confidentiality.PUBLIC
    for ref in references(record.model):
        target = index.get(ref.target)
        if target is None and ref.target in broken_ids:
            continue
        # A record the audience may not see: whatever is wrong is said as of an unknown id
        # (neither its type, its path nor its lessons are named).
        unseen = target is not None and not naming.may_show(target.source.path)
        if target is None or (unseen and (
                (ref.expected and target.type != ref.expected)
                or (ref.lesson is not None
                    and ref.lesson not in [lesson.id for lesson in target.retrospective.lessons]))):
            which = "no record" if naming.ids is None else "no record this audience sees"
            files = [source.path for source in unread.get(ref.target, ()) if naming.may_show(source.path)]
            if target is None and files:
                yield record.diagnostic(
                    "unknown-id", f"`{ref.field}` names `{ref.target}`, likely the record in {files[0]}, which "
                    "could not be read: fix that file first", ref.loc)
                continue
            candidates = naming.nameable(r.id for r in index.values() if ref.expected in (None, r.type))
            yield record.diagnostic(
                "unknown-id",
                f"`{ref.field}` names `{ref.target}`, but {which} has that id{did_you_mean(ref.target, candidates)}",
                ref.loc,
            )
            continue
        if ref.expected and target.type != ref.expected:
            yield record.diagnostic(
                "wrong-type",
                f"`{ref.field}` must name {_article(ref.expected)}, but `{ref.target}` is {_article(target.type)} "
                f"({target.source.path})",
                ref.loc,
            )
            continue
        if ref.lesson is not None:
            lesson_ids = [lesson.id for lesson in target.retrospective.lessons]
            if ref.lesson not in lesson_ids:
                yield record.diagnostic(
                    "unknown-lesson",
                    f"`{ref.target}` has no lesson `{ref.lesson}`{did_you_mean(ref.lesson, lesson_ids)}",
                    ref.loc,
                )
                continue
        if public and target.confidentiality is not Confidentiality.PUBLIC:
            level = f"which is {target.confidentiality.value}" if naming.ids is None else "which is not public"
            yield record.diagnostic(
                "public-references-hidden",
                f"this public record names `{ref.target}`, {level}: public readers will not see it",
                ref.loc,
            )


def _agreement(record: Record, agreement: Agreement, today: date, known: Set[str],
               naming: Naming) -> Iterator[Diagnostic]:
    yield from _parties(record, agreement, known, naming)
    yield from _dates(record, agreement, today)


def _parties(record: Record, agreement: Agreement, known: Set[str], naming: Naming) -> Iterator[Diagnostic]:
    """Each party listed once, and every organisation the agreement gives a part to a party."""
    parties = agreement.party_ids
    nameable = naming.nameable(parties)
    # A misspelt party (reported as unknown-id, with its correction) is the one cause of
    # every "not a party" for its correct id: those are not reported again.
    meant = {closest(p, known) for p in parties if p not in known} - {None}
    seen: set[str] = set()
    for i, org in enumerate(parties):
        if org in seen:
            yield record.diagnostic(
                "duplicate-party", f"`{org}` is listed as a party more than once", ("parties", i, "org")
            )
        seen.add(org)

    def not_a_party(org: str, loc: tuple[str | int, ...], what: str) -> Diagnostic:
        return record.diagnostic(
            "not-a-party",
            f"{what} `{org}` is not a party to this agreement{did_you_mean(org, nameable)}; add it to `parties`",
            loc,
        )

    for i, row in enumerate(agreement.responsibilities):
        for name in _RACI_FIELDS:
            value = getattr(row, name)
            for j, org in enumerate(value if isinstance(value, list) else [value]):
                loc: tuple[str | int, ...] = (
                    ("responsibilities", i, name, j) if isinstance(value, list) else ("responsibilities", i, name)
                )
                if org not in parties and org not in meant:
                    yield not_a_party(org, loc, f"{name} party")
    for i, objective in enumerate(agreement.objectives):
        if objective.owner and objective.owner not in parties and objective.owner not in meant:
            yield not_a_party(objective.owner, ("objectives", i, "owner"), "objective owner")
    for i, resource in enumerate(agreement.resources):
        if resource.from_ and resource.from_ not in parties and resource.from_ not in meant:
            yield not_a_party(resource.from_, ("resources", i, "from"), "resource provider")


def _dates(record: Record, agreement: Agreement, today: date) -> Iterator[Diagnostic]:
    """The agreement's dates in order, and as its status needs them."""
    dates = agreement.dates
    if dates._review_commas:
        listed = ", ".join(str(d) for d in dates.review)
        yield record.diagnostic(
            "date-list-commas",
            f"`dates.review` is read as the dates {listed}; write them as a list in brackets: `review: [{listed}]`",
            ("dates", "review"),
        )
    if dates.effective and dates.expires and dates.effective > dates.expires:
        yield record.diagnostic(
            "date-order",
            f"`dates.expires` ({dates.expires}) is before `dates.effective` ({dates.effective})",
            ("dates", "expires"),
        )
    if agreement.status.is_signed and dates.signed is None:
        yield record.diagnostic(
            "signed-missing",
            f"status is `{agreement.status.value}`, so `dates.signed` is required: add the date of signature",
            ("status",),
        )
    if agreement.status is AgreementStatus.ACTIVE and dates.expires and dates.expires < today:
        yield record.diagnostic(
            "active-expired",
            f"status is `active` but the agreement expired on {dates.expires}; set `status: expired` or renew it",
            ("dates", "expires"),
        )
    if dates.expires:
        for i, objective in enumerate(agreement.objectives):
            if objective.due and objective.due > dates.expires:
                yield record.diagnostic(
                    "due-after-expiry",
                    f"{place(('objectives', i), record.source.data)} is due {objective.due}, after the agreement "
                    f"expires ({dates.expires})",
                    ("objectives", i, "due"),
                )


def _retrospective(record: Record, retrospective: Retrospective) -> Iterator[Diagnostic]:
    if not retrospective.agreements and not retrospective.partners:
        yield record.diagnostic(
            "partners-missing",
            "list the `agreements` this retrospective looks back on, or its `partners`",
            # On an empty `agreements:` or `partners:` if there is one, else on the record's first line.
            ("agreements",) if "agreements" in (record.source.data or {}) else ("partners",),
            key=True,
        )
    seen: set[str] = set()
    for i, lesson in enumerate(retrospective.lessons):
        if lesson.id in seen:
            yield record.diagnostic(
                "duplicate-lesson", f"lesson id `{lesson.id}` is used twice in this retrospective", ("lessons", i, "id")
            )
        seen.add(lesson.id)


def _chains(records: list[Record], index: dict[str, Record], naming: Naming) -> Iterator[Diagnostic]:
    """Cycles in amends/supersedes, and superseded agreements that do not say so."""
    edges: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for record in records:
        if isinstance(record.model, Agreement) and index.get(record.id) is record:
            for name in ("amends", "supersedes"):
                target = getattr(record.model, name)
                if target and target in index and index[target].type == "agreement":
                    edges[record.id].append((name, target))

    def reaches(start: str, goal: str) -> bool:
        stack, seen = [start], set()
        while stack:
            node = stack.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                stack.extend(target for _, target in edges.get(node, ()))
        return False

    for source_id, out in edges.items():
        record = index[source_id]
        for name, target in out:
            if reaches(target, source_id):
                back = f": `{target}` already leads back to `{source_id}`" \
                    if naming.may_show(index[target].source.path) else ""
                yield record.diagnostic("chain-cycle", f"`{name}: {target}` closes a cycle{back}", (name,))
            if name == "supersedes":
                older = index[target].agreement
                if older.status is not AgreementStatus.SUPERSEDED:
                    newer = f"`{source_id}`" if naming.may_show(record.source.path) else "A newer agreement"
                    yield index[target].diagnostic(
                        "superseded-status",
                        f"{newer} supersedes this agreement, but its status is `{older.status.value}`; "
                        "set `status: superseded`",
                        ("status",),
                    )


def _article(record_type: str) -> str:
    return f"an {record_type}" if record_type[0] in "aeiou" else f"a {record_type}"
