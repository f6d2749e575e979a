"""Every importer module's Importer class is in the explicit registry (plaso's completeness check)."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import harass_analyzer.importers as pkg
from harass_analyzer.importers import IMPORTERS
from harass_analyzer.importers.base import Importer


def test_every_importer_is_registered() -> None:
    registered = {type(i) for i in IMPORTERS}
    found = set()
    for info in pkgutil.iter_modules(pkg.__path__):
        module = importlib.import_module(f"{pkg.__name__}.{info.name}")
        for _, obj in inspect.getmembers(module, inspect.isclass):
            # a shared base (sqlite_base.SqliteImporter) has no NAME: it is not an importer of its own
            if issubclass(obj, Importer) and obj.NAME and obj.__module__ == module.__name__:
                found.add(obj)
    assert found, "no importer modules found"
    missing = sorted(c.__name__ for c in found - registered)
    assert not missing, f"importers not in the registry: {missing}"


def test_names_are_unique_and_described() -> None:
    names = [i.NAME for i in IMPORTERS]
    assert len(names) == len(set(names)) and all(names)
    assert all(i.DESCRIPTION for i in IMPORTERS)
