"""Byte-level XML reading shared by the XML importers: stream cleaning, exact record lines, and the
SMS Backup & Restore record loop. Nothing here imports pandas, so a parse worker process
(`sbr_worker`) starts in a fraction of the time the importer registry would take.
"""
