"""The notebook faces: pictures and tables, the %%entente magic, and the
example notebook executed headless."""

import pathlib

import pytest

import entente
from entente import magic

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


def test_answers_timelines_and_changes_show_as_tables(kb):
    table = kb.query("defends(X, Y)")._repr_html_()
    assert table.startswith("<table>") and "<th>validity</th>" in table
    assert "<td>since 2010</td>" in table
    assert kb.query("defends(iran, Y)", at=2012)._repr_html_() == "<p><em>no answers</em></p>"
    assert "true" in kb.query("defends(russia, armenia)")._repr_html_()
    timeline = kb.timeline("defends(X, azerbaijan)")._repr_html_()
    assert "<th>holds</th>" in timeline and "<td>since 2010</td>" in timeline
    assert str(kb.timeline("defends(X, azerbaijan)")) == "X = turkey: since 2010"


def test_proofs_and_networks_show_as_pictures(kb):
    import xml.dom.minidom

    proof = kb.explain("defends(turkey, azerbaijan)")._repr_svg_()
    network = kb.graph(["agreement"], at=2012)._repr_svg_()
    for svg in (proof, network):
        root = xml.dom.minidom.parseString(svg).documentElement
        assert root.tagName == "svg"
    assert "defends(turkey, azerbaijan)" in proof


def test_the_cell_magic_extends_one_engine_and_shows_queries_and_proofs():
    IPython = pytest.importorskip("IPython")
    from IPython.utils.capture import capture_output

    shell = IPython.core.interactiveshell.InteractiveShell.instance()
    shell.run_line_magic("load_ext", "entente")
    with capture_output() as first:
        shell.run_cell_magic("entente", "", "treaty(armenia, russia).\nally(X, Y) if treaty(X, Y).\n? ally(armenia, Who).\n")
    (shown,) = first.outputs
    assert "<td>russia</td>" in shown.data["text/html"]
    with capture_output() as second:
        shell.run_cell_magic(
            "entente",
            "",
            "treaty(azerbaijan, turkey).\n? ally(X, Y).\n:why ally(azerbaijan, turkey)\n? ally(iran, X).\n",
        )
    table, proof, empty = second.outputs
    assert "<td>azerbaijan</td>" in table.data["text/html"] and "<td>armenia</td>" in table.data["text/html"]
    assert proof.data["image/svg+xml"].startswith("<svg")
    assert "no answers" in empty.data["text/html"]
    # An ordinary cell is not disturbed.
    assert shell.run_cell("1 + 1").result == 2
    assert magic.engine().holds("ally(armenia, russia)")


def test_a_cell_with_an_error_raises_it_and_keeps_the_engine():
    before = magic.engine().program
    with pytest.raises(entente.ParseError):
        magic.run_cell("treaty(a, b)\n? treaty(X, Y).\n")
    assert magic.engine().program == before


def test_the_example_notebook_runs_without_error():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(EXAMPLES / "caucasus.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(EXAMPLES)}},
    )
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    svgs = [o for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert len(svgs) >= 3, "proofs and the network drawn"
