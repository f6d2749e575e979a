"""harass-analyzer: turn exported SMS and call logs into evidence of excessive debt-collection contact.

The library API (the CLI and the notebooks use these, nothing else):

    import harass_analyzer as ha

    # the whole job
    summary = ha.analyze(["phone_export/"], "out")            # writes the evidence bundle → BundleSummary
    analysis = ha.run_analysis(["phone_export/"], ha.Options(role="contact"))  # the same, in memory → Analysis
    result = ha.batch(["phone_1/", "phone_2/"], "batch_out")  # many phones on dask → BatchResult
    ha.verify_bundle("out")                                    # [] when every file matches manifest.json

    # step by step, on DataFrames
    loaded = ha.load_events(["phone_export/"])                 # LoadResult: events, issues, inputs
    events, entities = ha.assign_entities(loaded.events)       # collector entities (entities.csv)
    senders = ha.sender_summary(events)                        # senders.csv
    profile = ha.load_rules("cn")                              # a rule pack with its citations
    violations = ha.check_rules(events, profile, role="debtor")  # violations.csv
    suspects = ha.find_suspects(events, set(entities["entity"]))  # calls-only suspected collectors
    texts = ha.classify_events(frame_with_kind_and_body)       # category, tags, matched_terms, score

Nothing here changes the process (allocator, signal handlers, matplotlib's backend): that policy is the
command line's (`harass_analyzer.policy`). Imports are lazy, so `import harass_analyzer` stays cheap.
"""
from __future__ import annotations

from ._version import __version__

# public name → (module, attribute)
_API = {
    "analyze": ("api", "analyze"),
    "run_analysis": ("api", "run_analysis"),
    "Options": ("schema", "Options"),
    "Analysis": ("schema", "Analysis"),
    "BundleSummary": ("schema", "BundleSummary"),
    "LoadResult": ("schema", "LoadResult"),
    "load_events": ("pipeline", "load_events"),
    "classify_events": ("classify", "classify_events"),
    "assign_entities": ("analysis.entities", "assign_entities"),
    "sender_summary": ("analysis.senders", "sender_summary"),
    "find_suspects": ("analysis.call_patterns", "find_suspects"),
    "load_rules": ("rules", "load_profile"),
    "check_rules": ("rules", "check_rules"),
    "batch": ("batching", "batch"),
    "BatchResult": ("batching", "BatchResult"),
    "verify_bundle": ("evidence", "verify_bundle"),
    "bundle_fingerprint": ("evidence", "bundle_fingerprint"),
    "chart_rc": ("report.fonts", "font_rc"),
    "write_many_phones": ("synthetic", "write_many_phones"),
}

__all__ = ["__version__", *sorted(_API)]


def __getattr__(name: str):
    if name not in _API:
        raise AttributeError(f"module 'harass_analyzer' has no attribute {name!r}")
    from importlib import import_module

    module, attribute = _API[name]
    value = getattr(import_module(f".{module}", __name__), attribute)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return list(__all__)
