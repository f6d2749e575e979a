"""CI executes both notebooks top to bottom with the library API: one phone (sample_data) and a batch of
twenty generated phones on a local dask cluster."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def run(name: str) -> list:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the charts are drawn inline
    return nb.cells


def test_explore_sample_runs() -> None:
    cells = run("explore_sample.ipynb")
    first = "".join(o.get("text", "") for o in cells[1].outputs)
    assert "events;" in first and int(first.split()[0]) > 0


def test_many_phones_runs() -> None:
    text = "".join(o.get("text", "") for c in run("many_phones.ipynb") if c.cell_type == "code" for o in c.outputs)
    assert "20 cases analysed, 0 failed" in text
    assert "batch manifest verifies: True" in text
    counted = [line for line in text.splitlines() if "recounted from the bundles" in line]
    assert len(counted) == 1
    listed, recounted = counted[0].split("collectors.csv:")[1].split("; recounted from the bundles:")
    assert int(listed) == int(recounted) > 0


@pytest.mark.parametrize("name", ["explore_sample.ipynb", "many_phones.ipynb"])
def test_notebook_is_stored_with_outputs(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.get("outputs") for c in code)


@pytest.mark.parametrize("name", ["explore_sample.ipynb", "many_phones.ipynb"])
def test_notebook_uses_only_the_public_api(name: str) -> None:
    """Issue 21: notebooks import the package as a whole (`import harass_analyzer as ha`), no module of it,
    and every `ha.` name they use is in the public API."""
    import re

    import harass_analyzer as ha

    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "import harass_analyzer as ha" in code and not re.search(r"harass_analyzer\.\w", code)
    used = set(re.findall(r"\bha\.(\w+)", code))
    assert used and used <= set(ha.__all__)


def test_public_api_is_listed_and_documented() -> None:
    import harass_analyzer as ha

    assert set(dir(ha)) == set(ha.__all__) and {"analyze", "batch", "load_events", "check_rules"} <= set(ha.__all__)
    for name in ha.__all__:
        if name != "__version__":
            assert getattr(ha, name).__doc__, name
    assert callable(ha.batch) and ha.batch.__module__ == "harass_analyzer.batching"
