"""accord.site.preview, unit by unit: the pages `mkdocs serve` shows while records are broken.
Each problem names its line and column, its code, what is wrong and how to fix it, as text
whatever the value it quotes holds; the problems page lists them by file, linking to each
broken record's page; the banner counts them. (The preview served for real: test_preview.py.)"""

from __future__ import annotations

from accord.format.diagnostics import CODES, Diagnostic
from accord.site import preview

HOSTILE = Diagnostic("docs/agreements/<b>deal</b>.md", 7, 9, "invalid-choice",
                     "`status` is `activ<script>x()</script>`; choose one of `active`, `draft`")
TABLE_HEAD = "<thead><tr><th>Line</th><th>Problem</th><th>How to fix it</th></tr></thead>"
HOSTILE_ROW = ("<tr><td>7:9</td><td><code>invalid-choice</code>: <code>status</code> is "
               "<code>activ&lt;script&gt;x()&lt;/script&gt;</code>; choose one of <code>active</code>, "
               "<code>draft</code></td><td>use one of the listed values</td></tr>")


def test_a_broken_records_page_names_the_file_and_each_problem_as_text() -> None:
    page = preview.record_page(HOSTILE.path, [HOSTILE])
    assert page.split("\n") == [
        "---", "title: Errors in this record", "search:", "  exclude: true", "---", "",
        "# This record has errors", "",
        "<p><code>docs/agreements/&lt;b&gt;deal&lt;/b&gt;.md</code> is not shown until its error is fixed; save "
        "the file and this page reloads.</p>", "",
        "<table>", TABLE_HEAD, "<tbody>", HOSTILE_ROW, "</tbody>", "</table>", "",
    ]
    assert CODES["invalid-choice"].fix == "use one of the listed values"  # the third cell


def test_a_broken_records_page_counts_its_errors() -> None:
    second = Diagnostic(HOSTILE.path, 12, 3, "invalid-choice", "`kind` is `mouu`")
    page = preview.record_page(HOSTILE.path, [HOSTILE, second])
    assert "is not shown until its 2 errors are fixed; save the file and this page reloads.</p>" in page
    assert page.count("<tr><td>") == 2 and "<tr><td>12:3</td>" in page


def test_a_message_is_one_line_and_a_lone_backtick_is_text() -> None:
    diagnostic = Diagnostic("docs/x.md", 1, 1, "invalid-choice", "line one\n::error:: `a` then `b")
    page = preview.record_page("docs/x.md\nnext", [diagnostic])
    assert "<p><code>docs/x.md\\nnext</code> is not shown" in page  # the path's line break shown, not kept
    assert "<td><code>invalid-choice</code>: line one\\n::error:: <code>a</code> then `b</td>" in page


def test_an_unknown_code_has_an_empty_fix_cell() -> None:
    page = preview.record_page("docs/x.md", [Diagnostic("docs/x.md", 2, 1, "no-such-code", "odd")])
    assert "<tr><td>2:1</td><td><code>no-such-code</code>: odd</td><td></td></tr>" in page


def test_the_problems_page_lists_errors_by_file_and_links_each_broken_page() -> None:
    other = Diagnostic("docs/agreements/a b.md", 1, 1, "invalid-choice", "x")
    found = preview.by_file([HOSTILE, other, HOSTILE])
    assert list(found) == [HOSTILE.path, "docs/agreements/a b.md"] and found[HOSTILE.path] == [HOSTILE, HOSTILE]
    page = preview.problems_page(found, {"docs/agreements/a b.md": "agreements/a b.md"})
    assert ("3 errors in 2 files. The preview keeps serving the rest of the site; `mkdocs build` fails until "
            "they are fixed (`accord validate` lists every record's).") in page
    # A file's name is text in Markdown; the broken record's page, a link with its address quoted.
    assert "\n## <code>docs/agreements/&lt;b&gt;deal&lt;/b&gt;\\.md</code>\n" in page
    assert "\n## [<code>docs/agreements/a b\\.md</code>](<agreements/a%20b.md>)\n" in page
    assert page.count(HOSTILE_ROW) == 2


def test_the_problems_page_says_one_error_in_one_file() -> None:
    page = preview.problems_page({"docs/x.md": [Diagnostic("docs/x.md", 1, 1, "invalid-choice", "x")]}, {})
    assert "\n1 error in 1 file. The preview keeps serving" in page
    assert page.startswith("---\ntitle: Errors\nsearch:\n  exclude: true\n---\n\n# Errors in the knowledge base\n")


def test_the_banner_counts_the_errors_and_leads_to_them() -> None:
    assert preview.banner(1, "../accord-problems/") == (
        '<div class="accord-preview-banner" role="alert"><strong>1 error</strong> in the knowledge base: the '
        'preview shows the rest of the site. <a href="../accord-problems/">See what is wrong and how to fix '
        "it</a></div>")
    assert "<strong>3 errors</strong>" in preview.banner(3, "accord-problems/")
    assert '<a href="x/?a=&quot;b&quot;&amp;c">' in preview.banner(2, 'x/?a="b"&c')  # an address, escaped
