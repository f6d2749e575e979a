"""harass-analyzer: turn exported SMS and call logs into evidence of excessive debt-collection contact.

Public API (the CLI and notebooks use the same functions):
    load_events(paths, tz=...)  -> LoadResult (events DataFrame, issues, inputs)
    analyze(paths, out, tz=...) -> BundleSummary (writes the evidence bundle)
    batch(paths, out, ...)      -> BatchResult (many phones on dask; the collectors across cases)
"""
from __future__ import annotations

__version__ = "0.1.0"


def __getattr__(name: str):  # lazy: `import harass_analyzer` stays cheap for the CLI's --help
    if name == "load_events":
        from .pipeline import load_events
        return load_events
    if name in ("analyze", "BundleSummary"):
        from . import api
        return getattr(api, name)
    if name == "batch":
        from .batching import batch
        return batch
    raise AttributeError(name)


__all__ = ["__version__", "analyze", "batch", "load_events"]
