"""Android's code tables, defined once for every importer that meets them (formats.md §1.2-1.4, §2.1-2.2).

SMS `type` (Telephony.TextBasedSmsColumns, also SMS Backup & Restore's `type`), MMS `msg_box`
(Telephony.BaseMmsColumns) and call `type` (CallLog.Calls). Each code maps to (direction, status); a call
status of None means "outgoing: answered if it lasted, else unknown", decided by the importer from the
duration. Codes missing here are kept as ("in", "unknown") and listed by the importer.

Vendor codes that found their way into real exports:
* SMS 7 is LG's "blocked" folder: a message the phone received and filtered. It still reached the phone, so
  it counts as received contact (the database importers also mark it `lg:blocked`).
* MMS 5 is AOSP's MESSAGE_BOX_FAILED (an outgoing message that failed).

No pandas here: the SMS Backup & Restore parse workers (xmlscan) use the text-keyed tables.
"""
from __future__ import annotations

SMS_TYPES: dict[int, tuple[str, str]] = {
    1: ("in", "received"), 2: ("out", "sent"), 3: ("out", "draft"), 4: ("out", "outbox"),
    5: ("out", "failed"), 6: ("out", "queued"), 7: ("in", "received")}
SMS_VENDOR_MARKS: dict[int, str] = {7: "lg:blocked"}
MMS_BOXES: dict[int, tuple[str, str]] = {
    1: ("in", "received"), 2: ("out", "sent"), 3: ("out", "draft"), 4: ("out", "outbox"), 5: ("out", "failed")}
CALL_TYPES: dict[int, tuple[str, str | None]] = {
    1: ("in", "answered"), 2: ("out", None), 3: ("in", "missed"), 4: ("in", "voicemail"),
    5: ("in", "rejected"), 6: ("in", "blocked"), 7: ("in", "answered")}  # 7: answered on another device


def text_keyed(table: dict[int, tuple]) -> dict[str, tuple]:
    """The same table keyed by the code as XML writes it ("1", "2", …)."""
    return {str(code): value for code, value in table.items()}


SMS_TYPES_TEXT = text_keyed(SMS_TYPES)
MMS_BOXES_TEXT = text_keyed(MMS_BOXES)
CALL_TYPES_TEXT = text_keyed(CALL_TYPES)
