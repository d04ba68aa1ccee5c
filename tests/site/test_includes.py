"""Includes (issue 20, item 2): no page includes a record, or a file of one, that the site's
audience may not see; not in a build through Accord, not in `accord render`'s project built
by MkDocs or Zensical, not in the live preview, not when the folder is built without Accord.

Each test builds a real knowledge base (made by `accord init`) holding a restricted
agreement whose front matter and body carry a canary word (never its id or file name: the
hostile pages below spell those out themselves), and looks for the canary in every file
written, gzip and search index included."""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from engines import EPOCH, accord, zensical
from serving import Serve, fetch
from sites import Build, build

CANARY = "zzincludecanary"
SECRET_ID = "secret-settlement"
SECRET = f"agreements/{SECRET_ID}.md"
SECRET_RECORD = f"""\
---
id: {SECRET_ID}
type: agreement
title: Settlement terms {CANARY.capitalize()}
summary: The {CANARY} summary.
kind: mou
status: draft
confidentiality: restricted
parties:
  - org: example-city-council
  - org: example-community-trust
extra:
  note: the {CANARY} figure
---
Before the terms.

--8<-- [start:terms]
The {CANARY} terms.
--8<-- [end:terms]

The {CANARY} body.
"""
PUBLIC = {**EPOCH, "ACCORD_AUDIENCE": "public"}
SHARED = "Shared text from the snippets folder."


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A knowledge base from `accord init`, with the restricted agreement and files it owns."""
    where = tmp_path_factory.mktemp("base")
    result = accord("init", "kb", "--name", "Includes test", cwd=where)
    assert result.returncode == 0, result.stderr
    root = where / "kb"
    docs = root / "docs"
    (docs / SECRET).write_text(SECRET_RECORD)
    owned = docs / "agreements" / SECRET_ID
    owned.mkdir()
    (owned / "annex.txt").write_text(f"The {CANARY} annex.\n")
    (owned / "terms.yml").write_text(f"terms: the {CANARY} terms\n")
    (owned / "logo.svg").write_text(f'<svg xmlns="http://www.w3.org/2000/svg"><title>{CANARY}</title></svg>\n')
    (root / "snippets").mkdir()
    (root / "snippets" / "shared.md").write_text(
        f'{SHARED}\n\n--8<-- "../docs/{SECRET}"\n\n--8<-- "{docs / SECRET}"\n')
    validated = accord("validate", "--strict", cwd=root)
    assert validated.returncode == 0, validated.stdout
    return root


def project(tmp_path: Path, base: Path, extensions: str = "", page: str = "# Home\n") -> Path:
    """A copy of the base knowledge base with more Markdown extensions and a home page."""
    root = tmp_path / "kb"
    shutil.copytree(base, root, symlinks=True)
    config = root / "mkdocs.yml"
    text = config.read_text()
    assert text.rstrip().endswith("fence_code_format")  # markdown_extensions comes last
    config.write_text(text.rstrip("\n") + "\n" + extensions.replace("{root}", str(root)))
    (root / "docs" / "index.md").write_text(page.replace("{docs}", str(root / "docs")))
    return root


def canaries(files: dict[Path, str]) -> list[Path]:
    return [path for path, text in files.items() if CANARY in text.lower()]


def everything(folder: Path) -> dict[Path, str]:
    return {p: p.read_text(errors="replace") for p in folder.rglob("*") if p.is_file()} if folder.exists() else {}


# 1. A configuration that lets a page reach a record is refused, by the build and by render ----


@dataclass
class Variant:
    extensions: str  # appended to markdown_extensions (`{root}`: the project's folder)
    page: str  # the public home page that tries it (`{docs}`: the docs folder)
    says: str  # in the refusal
    setup: Callable[[Path], None] | None = None


def _link(name: str, target: str, hard: bool = False) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        link, real = root / "snippets" / name, root / "docs" / target
        if hard:
            os.link(real, link)
        else:
            link.symlink_to(os.path.relpath(real, link.parent))
    return make


def _theme_dir(root: Path) -> None:
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("theme:\n", "theme:\n  custom_dir: docs\n", 1))


def _base_links_to_records(root: Path) -> None:
    (root / "shared").symlink_to("docs/agreements")


def _plugin(entry: str) -> Callable[[Path], None]:
    def add(root: Path) -> None:
        config = root / "mkdocs.yml"
        config.write_text(config.read_text().replace("plugins:\n", f"plugins:\n  - {entry}\n", 1))
    return add


SNIPPETS_AT = "  - pymdownx.snippets:\n      base_path: [{base}]\n"
RECORD_FOLDER = "the record folder docs/agreements"
REFUSED = {
    "snippets with their default base (the working folder)": Variant(
        "  - pymdownx.snippets\n", f'--8<-- "docs/{SECRET}"\n', f"base_path `.` holds {RECORD_FOLDER}"),
    "snippets based on the docs folder": Variant(
        SNIPPETS_AT.format(base="docs"), f'--8<-- "{SECRET}"\n', f"base_path `docs` holds {RECORD_FOLDER}"),
    "snippets based on an absolute folder": Variant(
        SNIPPETS_AT.format(base="{root}"), f'--8<-- "{{docs}}/{SECRET}"\n', f"kb` holds {RECORD_FOLDER}"),
    "one base among others inside the record folders": Variant(
        SNIPPETS_AT.format(base="snippets, docs/agreements"), f'--8<-- "{SECRET_ID}.md"\n',
        "base_path `docs/agreements` is in the record area"),
    "a base that is a record's own file": Variant(
        SNIPPETS_AT.format(base=f"docs/{SECRET}"), f'--8<-- "{SECRET_ID}.md"\n',
        f"base_path `docs/{SECRET}` is in the record area"),
    "a base that is a link to the record folder": Variant(
        SNIPPETS_AT.format(base="shared"), f'--8<-- "{SECRET_ID}.md"\n', "base_path `shared` is in the record area",
        _base_links_to_records),
    "snippets free to leave their base": Variant(
        SNIPPETS_AT.format(base="snippets") + "      restrict_base_path: false\n", f'--8<-- "../docs/{SECRET}"\n',
        "restrict_base_path is off"),
    "snippets that download URLs": Variant(
        SNIPPETS_AT.format(base="snippets") + "      url_download: true\n",
        f'--8<-- "https://example.invalid/kb/{SECRET}"\n', "url_download is on"),
    "auto_append naming a record": Variant(
        SNIPPETS_AT.format(base="snippets") + f"      auto_append: [../docs/{SECRET}]\n", "# Home\n",
        f"auto_append names docs/{SECRET}"),
    "a link in the snippets folder to a record": Variant(
        SNIPPETS_AT.format(base="snippets"), '--8<-- "alias.md"\n',
        f"holds snippets/alias.md, a link to docs/{SECRET}", _link("alias.md", SECRET)),
    "a link in the snippets folder to the record folder": Variant(
        SNIPPETS_AT.format(base="snippets"), f'--8<-- "records/{SECRET_ID}.md"\n',
        "holds snippets/records, a link to docs/agreements", _link("records", "agreements")),
    "a hard link in the snippets folder to a record": Variant(
        SNIPPETS_AT.format(base="snippets"), '--8<-- "copy.md"\n',
        f"holds snippets/copy.md, another name (a hard link) for {SECRET}", _link("copy.md", SECRET, hard=True)),
    "include-markdown, as Zensical runs it": Variant(
        "  - zensical.extensions.include_markdown\n", f'{{% include-markdown "{SECRET}" %}}\n',
        "zensical.extensions.include_markdown includes any file a page names"),
    "macros, as Zensical runs it": Variant(
        "  - zensical.extensions.macros\n", f'{{% include "{SECRET}" %}}\n',
        "zensical.extensions.macros makes every page a Jinja template"),
    "table-reader, as Zensical runs it": Variant(
        "  - zensical.extensions.table_reader\n", f'{{{{ read_raw("{SECRET}") }}}}\n',
        "zensical.extensions.table_reader reads any file of the docs folder"),
    "markdownextradata reading a record's folder": Variant(
        f"  - zensical.extensions.markdownextradata:\n      data: docs/agreements/{SECRET_ID}\n",
        "Terms: {{ terms.terms }}\n", f"data folder `docs/agreements/{SECRET_ID}` is in the record area"),
    "emoji icons from the record folders": Variant(
        "  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "      emoji_generator: !!python/name:material.extensions.emoji.to_svg\n"
        "      options:\n        custom_icons: [docs/agreements]\n",
        f"Logo :{SECRET_ID}-logo:\n", "custom_icons folder `docs/agreements` is in the record area"),
    "a theme folder holding the records": Variant(
        "", f"---\ntemplate: {SECRET}\n---\n# Home\n", f"custom_dir `docs` holds {RECORD_FOLDER}", _theme_dir),
    "pymdownx.b64 with its default base (the working folder)": Variant(
        "  - pymdownx.b64\n", f"![terms](docs/agreements/{SECRET_ID}/logo.svg)\n",
        f"pymdownx.b64's base_path `.` holds {RECORD_FOLDER}"),
    "material/meta reading a file of the hidden record as metadata": Variant(
        "", "# Home\n", f"meta_file `terms.yml` is the name of docs/agreements/{SECRET_ID}/terms.yml",
        _plugin("meta:\n      meta_file: terms.yml")),
    "material/blog kept in a record folder": Variant(
        "", "# Home\n", "the material/blog plugin's blog_dir `agreements` is in the record area",
        _plugin("material/blog:\n      blog_dir: agreements")),
    "material/projects, building projects Accord never reads": Variant(
        "", "# Home\n", "the material/projects plugin builds other projects", _plugin("material/projects")),
}


@pytest.mark.parametrize("name", REFUSED)
def test_a_configuration_that_lets_a_page_include_a_record_is_refused(name: str, base: Path, tmp_path: Path) -> None:
    variant = REFUSED[name]
    root = project(tmp_path, base, variant.extensions, variant.page)
    if variant.setup:
        variant.setup(root)
    built = build(root, env=PUBLIC, strict=False)
    assert built.returncode == 1, built.log
    assert variant.says in built.log and "Traceback" not in built.log, built.log
    assert re.search(r"ERROR +- +\d setting", built.log) and re.search(r"\nmkdocs\.yml:\d+: ", built.log), built.log
    assert canaries(built.text_files()) == []
    # accord render writes nothing that another engine would read the same way.
    out = tmp_path / "plain"
    rendered = accord("render", str(out), "--audience", "public", cwd=root)
    assert rendered.returncode == 1, rendered.stdout + rendered.stderr
    assert variant.says in rendered.stderr and "nothing rendered" in rendered.stderr, rendered.stderr
    assert not out.exists()


# What MkDocs cannot even load, but Zensical runs (or another engine might), is refused by render.
RENDER_REFUSED = {
    "the include-markdown plugin (Zensical runs it unasked)": (
        "plugins:\n  - include-markdown\n", f'{{% include-markdown "{SECRET}" %}}\n', "the include-markdown plugin"),
    "the macros plugin": ("plugins:\n  - macros\n", f'{{% include "{SECRET}" %}}\n', "the macros plugin"),
    "the table-reader plugin": (
        "plugins:\n  - table-reader\n", f'{{{{ read_raw("{SECRET}") }}}}\n', "the table-reader plugin"),
    "the markdown-exec plugin": ("plugins:\n  - markdown-exec\n", "# Home\n", "the markdown-exec plugin runs"),
    "a markdown-exec fence": (
        "  - pymdownx.superfences:\n      custom_fences:\n        - name: python\n          class: python\n"
        "          format: !!python/name:markdown_exec.formatter\n", "# Home\n", "fence of markdown-exec"),
    "the codeinclude plugin": ("plugins:\n  - codeinclude\n", "# Home\n", "the codeinclude plugin"),
    "the embed_file plugin": ("plugins:\n  - embed_file\n", f"![[{SECRET_ID}]]\n", "the embed_file plugin"),
    "markdown-include": ("  - markdown_include.include:\n      base_path: docs\n", f"{{!{SECRET}!}}\n",
                         "markdown_include.include includes any file"),
    "mdx_include": ("  - mdx_include\n", f"{{! {SECRET} !}}\n", "mdx_include includes any file or URL"),
    "material/social's card layouts from the docs folder": (
        "plugins:\n  - social:\n      cards_layout_dir: docs\n", "# Home\n",
        f"the social plugin's cards_layout_dir `docs` holds {RECORD_FOLDER}"),
    "a markdown-exec fence inside pymdownx.extra, named as Zensical names a function": (
        "  - pymdownx.extra:\n      pymdownx.superfences:\n        custom_fences:\n          - name: python\n"
        "            class: python\n            format: markdown_exec.formatter\n", "# Home\n",
        "pymdownx.superfences custom fence of markdown-exec"),
    "snippets named through Zensical's mapping form": (
        "markdown_extensions:\n  pymdownx:\n    snippets:\n      base_path: [docs]\n", f'--8<-- "{SECRET}"\n',
        "pymdownx.snippets' base_path `docs` holds the record folder docs/agreements"),
}


@pytest.mark.parametrize("name", RENDER_REFUSED)
def test_render_refuses_what_would_include_a_record_in_another_engine(name: str, base: Path,
                                                                      tmp_path: Path) -> None:
    config, page, says = RENDER_REFUSED[name]
    root = project(tmp_path, base, page=page)
    text = (root / "mkdocs.yml").read_text()
    if config.startswith("plugins:"):
        text = text.replace("plugins:\n", config, 1)
    elif config.startswith("markdown_extensions:"):
        text = text[: text.index("markdown_extensions:")] + config
    else:
        text = text.rstrip("\n") + "\n" + config
    (root / "mkdocs.yml").write_text(text)
    out = tmp_path / "plain"
    rendered = accord("render", str(out), "--audience", "public", cwd=root)
    assert rendered.returncode == 1 and says in rendered.stderr, rendered.stderr
    assert re.search(r"mkdocs\.yml:\d+: ", rendered.stderr) and "Traceback" not in rendered.stderr, rendered.stderr
    assert not out.exists()
    built = build(root, env=PUBLIC, strict=False)  # MkDocs stops too (it cannot load them here)
    assert built.returncode == 1 and canaries(built.text_files()) == []


# 2. Every form of include in a public page, under a configuration that passes ----------------

HOSTILE = f"""\
# Shared text

--8<-- "shared.md"

Every way a page can name the restricted agreement:

--8<-- "{{docs}}/{SECRET}"
--8<-- '../docs/{SECRET}'
-8<- "../docs/{SECRET}:1:40"
------8<------ "{{docs}}/{SECRET}:terms"
--8<-- "../../kb/docs/{SECRET}"

--8<--
../docs/{SECRET}
{{docs}}/{SECRET}::30
;{{docs}}/{SECRET}
{{docs}}/{SECRET}:-3:
{{docs}}/{SECRET}:1:2,10:12
../docs/agreements/{SECRET_ID}/annex.txt
--8<--

- In a list:

    --8<-- "../docs/{SECRET}"

```text
--8<-- "{{docs}}/{SECRET}"
```

<div markdown>
--8<-- "{{docs}}/{SECRET}"
</div>

;--8<-- "{{docs}}/{SECRET}"

{{% include-markdown "{SECRET}" %}}
{{% include "{SECRET}" %}}
{{!../docs/{SECRET}!}}
{{{{ read_raw("{SECRET}") }}}}
"""
SAFE = "  - pymdownx.snippets:\n      base_path: [{root}/snippets]\n"


@pytest.fixture(scope="module")
def hostile(base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Snippets kept to a folder of their own (by an absolute path), and public pages, a
    public record among them, that try every form of include."""
    root = project(tmp_path_factory.mktemp("hostile"), base, SAFE, HOSTILE)
    mou = root / "docs" / "agreements" / "example-partnership-mou.md"
    mou.write_text(mou.read_text() + "\n" + HOSTILE.replace("{docs}", str(root / "docs")))
    return root


def test_a_public_build_includes_nothing_of_a_hidden_record_in_any_form(hostile: Path) -> None:
    built = build(hostile, env=PUBLIC)  # --strict
    assert built.returncode == 0, built.log
    files = built.text_files()
    assert canaries(files) == []
    assert SHARED in (built.site / "index.html").read_text()  # snippets work, within their folder
    assert SHARED in (built.site / "agreements" / "example-partnership-mou" / "index.html").read_text()
    assert any("search" in path.parts for path in files)


def test_render_built_by_mkdocs_and_zensical_includes_nothing_hidden(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "plain"
    rendered = accord("render", str(out), "--audience", "public", cwd=hostile)
    assert rendered.returncode == 0, rendered.stderr
    assert canaries(everything(out)) == []
    assert str(hostile / "snippets") in (out / "mkdocs.yml").read_text()  # the absolute base, kept
    mkdocs = build(out, env=EPOCH, strict=False)
    assert mkdocs.returncode == 0, mkdocs.log
    copy = tmp_path / "zensical"
    shutil.copytree(out, copy)
    zen = zensical(copy)
    assert zen.returncode == 0, zen.log
    for built in (mkdocs, zen):
        assert canaries(built.text_files()) == [], built.site
        assert SHARED in (built.site / "index.html").read_text()  # both engines include from the base


def test_the_folder_built_without_accord_includes_nothing_hidden(hostile: Path, tmp_path: Path) -> None:
    """Fail closed: the configuration that passes is safe in engines that skip Accord."""
    root = tmp_path / "kb"
    shutil.copytree(hostile, root, symlinks=True)
    zen = zensical(root)
    assert zen.returncode == 0, zen.log
    config = root / "mkdocs.yml"
    config.write_text("".join(line for line in config.read_text().splitlines(keepends=True) if "accord/" not in line))
    plain = build(root, strict=False)
    assert plain.returncode == 0, plain.log
    for built in (zen, plain):
        assert canaries(built.text_files()) == []
        assert SHARED in (built.site / "index.html").read_text()


# 3. Whatever reads a file while Accord builds: a plugin unknown to it (an MkDocs hook) ------

HOOK = """\
from pathlib import Path

def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri != "index.md":
        return markdown
    try:
        return markdown + "\\n\\n" + Path({path!r}).read_text()
    except Exception:
        if {swallow}:
            return markdown + "\\n\\n(could not include it)\\n"
        raise
"""


def _reader(root: Path, path: str, swallow: bool = False) -> None:
    (root / "hooks.py").write_text(HOOK.format(path=path, swallow=swallow))
    config = root / "mkdocs.yml"
    config.write_text(config.read_text() + "hooks:\n  - hooks.py\n")


READS = {
    "the hidden record": (f"docs/{SECRET}", "a file of a record this site's audience may not see"),
    "a file the hidden record owns": (f"docs/agreements/{SECRET_ID}/annex.txt",
                                      "a file of a record this site's audience may not see"),
    "a link to it outside the docs folder": ("alias.md", "a file of a record this site's audience may not see"),
    "a hard link to it outside the docs folder": ("copy.md", "a file of a record this site's audience may not see"),
    "a public record's own file, from another page": (
        "docs/organizations/example-city-council.md", "a record's own file, which only its own page reads"),
}


@pytest.mark.parametrize("name", READS)
def test_a_plugin_reading_a_record_while_the_site_is_built_is_stopped(name: str, base: Path, tmp_path: Path) -> None:
    path, says = READS[name]
    root = project(tmp_path, base, page=f"# Home\n\nInclude {Path(path).name} here.\n")
    (root / "alias.md").symlink_to(f"docs/{SECRET}")
    os.link(root / "docs" / SECRET, root / "copy.md")
    _reader(root, path)
    built = build(root, env=PUBLIC, strict=False)
    assert built.returncode == 1, built.log
    assert says in built.log and "Traceback" not in built.log, built.log
    assert "docs/index.md:3: this page would include" in built.log and "hooks.py read it" in built.log, built.log
    assert canaries(built.text_files()) == []


def test_a_refused_read_that_the_plugin_passes_over_still_fails_the_build(base: Path, tmp_path: Path) -> None:
    root = project(tmp_path, base)
    _reader(root, f"docs/{SECRET}", swallow=True)
    built = build(root, env=PUBLIC, strict=False)
    assert built.returncode == 1 and "a file of a record this site's audience may not see" in built.log, built.log
    assert canaries(built.text_files()) == []
    assert "(could not include it)" in (built.site / "index.html").read_text()  # made without it


def test_plugins_still_read_their_own_settings_in_the_record_folders(base: Path, tmp_path: Path) -> None:
    """material/meta reads `.meta.yml` in any folder: a dot file, never published, not a record's."""
    root = project(tmp_path, base, SAFE)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - search\n", "  - search\n  - meta\n", 1))
    (root / "docs" / "agreements" / ".meta.yml").write_text("tags: [agreement]\n")
    built = build(root, env=PUBLIC)
    assert built.returncode == 0, built.log
    assert canaries(built.text_files()) == []


# 4. The live preview ------------------------------------------------------------------------


def _public(root: Path) -> None:
    config = root / "mkdocs.yml"
    config.write_text(re.sub(r"  - accord/records.*\n", "  - accord/records:\n      audience: public\n",
                             config.read_text(), count=1))


def test_the_preview_will_not_serve_a_configuration_that_reaches_records(base: Path, tmp_path: Path) -> None:
    root = project(tmp_path, base, SNIPPETS_AT.format(base="docs"), f'--8<-- "{SECRET}"\n')
    _public(root)
    server = Serve(root)
    deadline = time.monotonic() + 60
    while server.process.poll() is None and time.monotonic() < deadline:
        try:
            page = fetch(server.url, timeout=2)
        except OSError:
            time.sleep(0.3)
            continue
        server.stop()
        pytest.fail(f"mkdocs serve served the page (canary shown: {CANARY in page.lower()})")
    if server.process.poll() is None:
        server.stop()
        pytest.fail("mkdocs serve neither served nor stopped")
    output = server.process.stdout.read() if server.process.stdout else ""
    assert server.process.returncode != 0
    assert "base_path `docs` holds the record folder docs/agreements" in output and "Traceback" not in output, output
    assert CANARY not in output.lower()


def test_the_public_preview_includes_nothing_hidden(hostile: Path, tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(hostile, root, symlinks=True)
    _public(root)
    server = Serve(root)
    try:
        server.started()
        home = fetch(server.url)
        record = fetch(server.url + "agreements/example-partnership-mou/")
        search = fetch(server.url + "search/search_index.json", timeout=10)
    finally:
        server.stop()
    assert SHARED in home and SHARED in record
    assert CANARY not in (home + record + search).lower()


def test_an_ordinary_knowledge_base_builds_strict_with_the_guard_on_reads(base: Path, tmp_path: Path) -> None:
    """MkDocs, the theme and Accord read every page and file they publish: none is refused."""
    for audience in ("public", "restricted"):
        root = project(tmp_path / audience, base)
        built = build(root, env={**EPOCH, "ACCORD_AUDIENCE": audience})  # --strict
        assert built.returncode == 0, built.log
        page = built.site / "agreements" / SECRET_ID / "index.html"
        assert page.is_file() == (audience == "restricted")  # read as its own page's source, where it is shown


# 5. As every engine reads the configuration: from render's folder, through INHERIT, by any name ---
#
# Each case is built for real in every engine: Accord's build, Zensical and MkDocs without
# Accord on the folder itself, and `accord render`'s folder built by MkDocs and by Zensical.
# The folder fails closed when what Accord accepts no engine can use to include a record:
# where Accord's build passes, neither engine without it includes one; where render writes a
# project, neither engine that builds it does. Each case is one that Accord accepted and an
# engine published, until the configuration was read as that engine reads it.

SCAN = f"{CANARY} scan of the signed settlement ".encode() * 3  # an attachment of the restricted record
SCAN_B64 = base64.b64encode(SCAN)[:40].decode()  # how pymdownx.b64 would embed it


def _scan(root: Path) -> None:
    (root / "docs" / "agreements" / SECRET_ID / "scan.png").write_bytes(SCAN)


def _leaked(built: Build) -> list[Path]:
    return [path for path, text in built.text_files().items() if CANARY in text.lower() or SCAN_B64 in text]


@dataclass
class Engines:
    accord: Build  # mkdocs build, with Accord's plugins
    zensical: Build  # zensical build of the folder
    plain: Build  # mkdocs build of the folder without Accord's plugins
    render: subprocess.CompletedProcess[str]
    out: Path
    rendered: dict[str, Build]  # the render's project, built by mkdocs and by zensical (when render wrote it)


def every_engine(root: Path, tmp_path: Path) -> Engines:
    """`root` (tmp_path/kb) built by every engine, and rendered two folders down (tmp_path/deep/out)."""
    accord_build = build(root, env=PUBLIC, strict=False)
    zen_root, plain_root = tmp_path / "zen-kb", tmp_path / "plain-kb"  # (beside kb: its relative paths lead
    shutil.copytree(root, zen_root, symlinks=True, ignore=shutil.ignore_patterns("site"))  # where they lead from it)
    zen = zensical(zen_root)
    shutil.copytree(root, plain_root, symlinks=True, ignore=shutil.ignore_patterns("site"))
    config = plain_root / "mkdocs.yml"
    config.write_text("".join(line for line in config.read_text().splitlines(keepends=True) if "accord/" not in line))
    plain = build(plain_root, strict=False)
    out = tmp_path / "deep" / "out"
    rendered = accord("render", str(out), "--audience", "public", cwd=root)
    builds = {}
    if rendered.returncode == 0:
        builds["mkdocs"] = build(out, env=EPOCH, strict=False)
        copy = tmp_path / "deep" / "zen"
        shutil.copytree(out, copy)
        builds["zensical"] = zensical(copy)
    return Engines(accord_build, zen, plain, rendered, out, builds)


def fails_closed(engines: Engines) -> None:
    """What Accord accepts, no engine includes a record through."""
    assert _leaked(engines.accord) == [], engines.accord.log
    if engines.accord.returncode == 0:
        for built in (engines.zensical, engines.plain):
            assert _leaked(built) == [], (built.site, built.log[-2000:])
    for engine, built in engines.rendered.items():
        assert _leaked(built) == [], (f"accord render's folder, built by {engine}", built.log[-2000:])


def refused(engines: Engines, says: str, *, by_build: bool = True) -> None:
    fails_closed(engines)
    message = engines.render.stdout + engines.render.stderr
    assert engines.render.returncode == 1 and says in engines.render.stderr, message
    assert "nothing rendered" in engines.render.stderr and "Traceback" not in message, message
    assert not engines.out.exists()
    if by_build:
        assert engines.accord.returncode == 1 and says in engines.accord.log, engines.accord.log
        assert "Traceback" not in engines.accord.log, engines.accord.log


def _config(root: Path, old: str, new: str) -> None:
    config = root / "mkdocs.yml"
    text = config.read_text()
    assert old in text
    config.write_text(text.replace(old, new, 1))


# Gap 1: render checks each path as its project's engines resolve it, from the folder it writes,
# and a tagged value as MkDocs resolves it (or refuses it). The folder itself may be safe ("passes":
# from it the path leads nowhere), refused by Accord's build too, or not even loaded by MkDocs.
FROM_RENDERS_FOLDER = {
    "a snippets base that leads to the records only from render's folder": (
        SNIPPETS_AT.format(base="../../kb/docs"), f'--8<-- "{SECRET}"\n',
        "base_path `../../kb/docs` (as the engines of accord render's folder", "passes"),
    "a snippets base tagged !relative $config_dir": (
        SNIPPETS_AT.format(base="!relative $config_dir/../kb/docs"), f'--8<-- "{SECRET}"\n',
        "base_path `!relative $config_dir/../kb/docs` holds the record folder docs/agreements", "refuses"),
    "a snippets base tagged !relative alone (each page's folder)": (
        "  - pymdownx.snippets:\n      base_path:\n        - !relative\n", f'--8<-- "agreements/{SECRET_ID}.md"\n',
        "base_path `!relative` is `!relative` alone", "refuses"),
    "a snippets base tagged as nothing MkDocs resolves": (
        SNIPPETS_AT.format(base="!docs agreements"), "# Home\n", "base_path `!docs agreements` is a value tagged",
        "fails"),
    "an emoji icon folder that leads to a record's folder only from render's folder": (
        "  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "      emoji_generator: !!python/name:material.extensions.emoji.to_svg\n"
        f"      options:\n        custom_icons: [../../kb/docs/agreements/{SECRET_ID}]\n",
        "Logo :logo:\n", f"custom_icons folder `../../kb/docs/agreements/{SECRET_ID}` (as the engines", "passes"),
}


@pytest.mark.parametrize("name", FROM_RENDERS_FOLDER)
def test_render_checks_paths_as_the_engines_of_its_folder_resolve_them(name: str, base: Path,
                                                                      tmp_path: Path) -> None:
    extensions, page, says, folder = FROM_RENDERS_FOLDER[name]
    root = project(tmp_path, base, extensions, page)
    assert root == tmp_path / "kb"
    engines = every_engine(root, tmp_path)
    refused(engines, says, by_build=folder == "refuses")
    if folder == "passes":
        assert engines.accord.returncode == 0, engines.accord.log
    elif folder == "fails":  # (MkDocs cannot read the tag: nothing is built)
        assert engines.accord.returncode == 1 and "Traceback" not in engines.accord.log, engines.accord.log


# Gap 2: what else reads a file a page names (pymdownx.b64, material's blog), kept away from records.
def _blog_authors_from_render(root: Path) -> None:
    """material/blog prints its authors_file beside posts: here one of the restricted record's
    files, by a path that leads there only from render's docs folder."""
    owned = root / "docs" / "agreements" / SECRET_ID
    (owned / "authors.yml").write_text(f"authors:\n  ann:\n    name: Ann {CANARY}\n    description: x\n"
                                       "    avatar: https://example.invalid/ann.png\n")
    posts = root / "docs" / "blog" / "posts"
    posts.mkdir(parents=True)
    (root / "docs" / "blog" / "index.md").write_text("# Blog\n")
    (posts / "hello.md").write_text("---\ndate: 2026-01-05\nauthors: [ann]\n---\n# Hello\n\nA post.\n")
    _config(root, "plugins:\n", f"plugins:\n  - blog:\n      authors_file: ../../../kb/docs/agreements/{SECRET_ID}"
                                "/authors.yml\n")


READERS = {
    "pymdownx.b64 based above the docs folder": (
        "  - pymdownx.b64:\n      base_path: {root}/..\n", f"![scan](kb/docs/agreements/{SECRET_ID}/scan.png)\n",
        "pymdownx.b64's base_path `", _scan, True),
    "pymdownx.b64 free to leave its base": (
        "  - pymdownx.b64:\n      base_path: docs/images\n      restrict_path: false\n",
        f"![scan](../agreements/{SECRET_ID}/scan.png)\n", "pymdownx.b64's restrict_path is off", _scan, True),
    "material/blog's authors_file, from render's docs folder": (
        "", "# Home\n", "blog plugin's authors_file `../../../kb/docs/agreements/", _blog_authors_from_render, False),
}


@pytest.mark.parametrize("name", READERS)
def test_what_embeds_a_file_a_page_or_the_configuration_names_is_kept_from_records(name: str, base: Path,
                                                                                   tmp_path: Path) -> None:
    extensions, page, says, setup, by_build = READERS[name]
    root = project(tmp_path, base, extensions, page)
    (root / "docs" / "images").mkdir()
    setup(root)
    refused(every_engine(root, tmp_path), says, by_build=by_build)


def test_b64_on_a_folder_of_its_own_embeds_its_images_in_every_engine(base: Path, tmp_path: Path) -> None:
    picture = b"GIF89a public picture " * 3
    root = project(tmp_path, base, "  - pymdownx.b64:\n      base_path: docs\n      root_path: docs/images\n",
                   f"# Home\n\n![picture](images/picture.gif)\n\n![scan](agreements/{SECRET_ID}/scan.png)\n")
    (root / "docs" / "images").mkdir()
    (root / "docs" / "images" / "picture.gif").write_bytes(picture)
    _scan(root)
    engines = every_engine(root, tmp_path)
    fails_closed(engines)
    assert engines.render.returncode == 0, engines.render.stderr
    embedded = base64.b64encode(picture).decode()
    for built in (engines.accord, engines.zensical, engines.plain, *engines.rendered.values()):
        assert built.returncode == 0, built.log
        home = next(path for path in (built.site / "index.html",) if path.is_file())
        assert embedded in home.read_text(), built.site


# Gap 3: every entry of every file of the INHERIT chain (Zensical joins the lists MkDocs replaces).
INHERITED = {
    "snippets in the inherited file": (
        "markdown_extensions:\n  - pymdownx.snippets\n", f'--8<-- "docs/{SECRET}"\n',
        "base.yml:2: pymdownx.snippets' base_path `.` holds the record folder docs/agreements"),
    "include-markdown in the inherited file": (
        "plugins:\n  - include-markdown\n", f'{{% include-markdown "{SECRET}" %}}\n',
        "base.yml:2: the include-markdown plugin includes any file a page names"),
    "snippets two files up the chain": (
        "INHERIT: more.yml\n", f'--8<-- "docs/{SECRET}"\n',
        "more.yml:2: pymdownx.snippets' base_path `.` holds the record folder docs/agreements"),
}


@pytest.mark.parametrize("name", INHERITED)
def test_every_file_of_the_inherit_chain_is_checked_as_zensical_joins_it(name: str, base: Path,
                                                                         tmp_path: Path) -> None:
    parent, page, says = INHERITED[name]
    root = project(tmp_path, base, page=page)
    (root / "base.yml").write_text(parent)
    (root / "more.yml").write_text("markdown_extensions:\n  - pymdownx.snippets\n")
    _config(root, "site_name:", "INHERIT: base.yml\nsite_name:")
    refused(every_engine(root, tmp_path), says)


# Gap 4: a plugin or an extension by any name an engine knows it by (Zensical drops `material/` from
# a plugin's name and renames `materialx` and `material.extensions`; MkDocs skips or adds a theme's
# namespace, Python-Markdown takes `module:Class`). MkDocs can load none of these here, so its build
# stops before Accord's check except where it can (the group, whose plugins it loads only when enabled).
NAMED = {
    "material/include-markdown": ("plugins", "material/include-markdown",
                                  f'{{% include-markdown "{{docs}}/{SECRET}" %}}\n',
                                  "the material/include-markdown plugin includes any file"),
    "material/table-reader": ("plugins", "material/table-reader", f'{{{{ read_raw("{SECRET}") }}}}\n',
                              "the material/table-reader plugin reads any file"),
    "material/macros": ("plugins", "material/macros", f'{{% include "{{docs}}/{SECRET}" %}}\n',
                        "the material/macros plugin makes every page a Jinja template"),
    "materialx.include_markdown": ("markdown_extensions", "materialx.include_markdown",
                                   f'{{% include-markdown "{{docs}}/{SECRET}" %}}\n',
                                   "zensical.extensions.include_markdown includes any file"),
    "material.extensions.table_reader": ("markdown_extensions", "material.extensions.table_reader",
                                         f'{{{{ read_raw("{SECRET}") }}}}\n',
                                         "zensical.extensions.table_reader reads any file"),
    "Include_Markdown": ("plugins", "Include_Markdown", "# Home\n", "the Include_Markdown plugin includes any file"),
    "mkdocs-macros-plugin": ("plugins", "mkdocs-macros-plugin", "# Home\n", "the mkdocs-macros-plugin plugin makes"),
    "/macros in a material/group": (
        "plugins", "material/group:\n      enabled: !ENV [ACCORD_TEST_GROUP, false]\n      plugins:\n"
                   "        - /macros", "# Home\n", "the /macros plugin makes every page a Jinja template"),
    "PyMdownX.Snippets:SnippetExtension": ("markdown_extensions", "PyMdownX.Snippets:SnippetExtension", "# Home\n",
                                           "pymdownx.snippets' base_path `.` holds the record folder"),
}


@pytest.mark.parametrize("name", NAMED)
def test_a_plugin_or_extension_is_known_by_every_name_an_engine_gives_it(name: str, base: Path,
                                                                         tmp_path: Path) -> None:
    where, entry, page, says = NAMED[name]
    root = project(tmp_path, base, page=page)
    if where == "plugins":
        _config(root, "plugins:\n", f"plugins:\n  - {entry}\n")
    else:
        config = root / "mkdocs.yml"
        config.write_text(config.read_text().rstrip("\n") + f"\n  - {entry}\n")
    engines = every_engine(root, tmp_path)
    refused(engines, says, by_build="group" in entry)
    assert engines.accord.returncode == 1 and "Traceback" not in engines.accord.log, engines.accord.log
