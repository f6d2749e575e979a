"""CI executes the exploratory notebook: it must run top to bottom on sample_data with the library API."""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "explore_sample.ipynb"


def test_notebook_runs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    first = "".join(o.get("text", "") for o in nb.cells[1].outputs)
    assert "events;" in first and int(first.split()[0]) > 0
