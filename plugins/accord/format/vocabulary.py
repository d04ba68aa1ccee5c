"""Names of the format's closed vocabularies as people write them, and the audience a build
or a command is for (nothing imported but the standard library's: used by commands that
must start fast)."""

import os
from collections.abc import Callable, Mapping

KIND_NAMES = {  # as people write them
    "mou": "Memorandum of understanding",
    "moa": "Memorandum of agreement",
    "data-sharing": "Data-sharing agreement",
    "ppp": "Public–private partnership",
    "grant": "Grant",
    "service-level": "Service-level agreement",
    "other": "Agreement",
}

ORGANIZATION_KINDS = ("government", "ngo", "business", "academic", "community", "international")
# An organisation's kind as readers see it (the format's value stays the token).
ORGANIZATION_KIND_NAMES = {
    "government": "Government",
    "ngo": "NGO",
    "business": "Business",
    "academic": "Academic",
    "community": "Community",
    "international": "International",
}
# A record's type as readers see it: the format spells `organization` the US way, the site does not.
TYPE_NAMES = {
    "organization": "Organisation",
    "agreement": "Agreement",
    "playbook": "Playbook",
    "retrospective": "Retrospective",
}
# What people call an organisation, and the kind the format calls it (for `accord new`'s messages).
ORGANIZATION_KIND_OF = {
    "university": "academic", "college": "academic", "school": "academic", "research": "academic",
    "institute": "academic", "charity": "ngo", "nonprofit": "ngo", "non-profit": "ngo", "foundation": "ngo",
    "company": "business", "firm": "business", "private": "business", "corporate": "business",
    "council": "government", "ministry": "government", "agency": "government", "municipality": "government",
    "city": "government", "public": "government", "department": "government",
    "association": "community", "residents": "community", "neighbourhood": "community", "neighborhood": "community",
    "multilateral": "international", "un": "international",
}


def sector_name(sector: str) -> str:
    """A sector slug as readers see it: "public-health" is "Public health"."""
    return sector.replace("-", " ").capitalize()


AUDIENCE_RANK = {"public": 0, "internal": 1, "restricted": 2}


def narrowest(configured: str | None, environment: str | None) -> tuple[str, str | None]:
    """The audience when mkdocs.yml and ACCORD_AUDIENCE both set one: never the wider of
    two. Returns the audience and, when the two differ, a warning to show."""
    if not configured or not environment or configured == environment:
        return configured or environment or "internal", None
    if configured not in AUDIENCE_RANK or environment not in AUDIENCE_RANK:
        return configured, None  # the caller reports the unknown one
    chosen = min(configured, environment, key=AUDIENCE_RANK.__getitem__)
    return chosen, (f"the audience is set twice: `{configured}` in mkdocs.yml and `{environment}` in "
                    f"ACCORD_AUDIENCE; building for `{chosen}`, the narrower (set one of them only)")


class UnknownAudience(ValueError):
    """An audience that is none of public, internal, restricted. The message is the one
    `accord` prints; `environment` is the value of ACCORD_AUDIENCE when that is the unknown
    one (the plugin's build names the variable: `variable_message`)."""

    def __init__(self, audience: str, environment: str | None) -> None:
        super().__init__(f"unknown audience `{audience}` (from mkdocs.yml or ACCORD_AUDIENCE); "
                         "use public, internal or restricted")
        self.audience = audience
        self.environment = environment

    @property
    def variable_message(self) -> str:
        return f"ACCORD_AUDIENCE is `{self.environment}`; use one of: {', '.join(AUDIENCE_RANK)}"


def chosen_audience(configured: str | None, environ: Mapping[str, str] = os.environ,
                    warn: Callable[[str], None] = lambda message: None) -> str:
    """The audience of a build or a command from mkdocs.yml's `audience` (`configured`) and
    the environment's ACCORD_AUDIENCE, the narrower if both are set (`warn` is given the
    warning then): the one place ACCORD_AUDIENCE is read. An unknown value, from either, is
    an UnknownAudience (a ValueError)."""
    environment = environ.get("ACCORD_AUDIENCE", "").strip() or None
    audience, conflict = narrowest(configured, environment)
    if conflict:  # (only ever when both are known audiences: never with the error below)
        warn(conflict)
    if environment is not None and environment not in AUDIENCE_RANK:
        raise UnknownAudience(audience, environment)
    if audience not in AUDIENCE_RANK:
        raise UnknownAudience(audience, None)
    return audience
