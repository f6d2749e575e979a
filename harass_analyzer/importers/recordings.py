"""Call recordings (通话录音) found among the inputs: audio files, recognised by their content.

A recording is evidence but not an event: read() returns no rows. The pipeline hashes the file into
the manifest like every input, and analysis/recordings.py reads `recording_info` (number and start time
from the file name, by the naming-scheme table in recording_names.py; duration from the audio itself)
and links it to its call in events.csv.

Sniffed formats: MP3 (ID3 tag or an MPEG audio frame header), MP4 audio (ftyp: M4A, 3GP/3G2, isom/mp42),
AMR-NB/AMR-WB (`#!AMR`), WAV (RIFF…WAVE), Ogg (Opus/Vorbis), AAC ADTS. Durations come from mutagen,
except AMR, whose length is counted from its frame headers here (20 ms per frame).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .base import Importer, ReadContext, empty_raw_frame
from .recording_names import SCHEMES, RecordingName, parse_recording_name

NAME = "call_recording"
AMR_NB, AMR_WB = b"#!AMR\n", b"#!AMR-WB\n"
# Speech bytes after the 1-byte frame header, by frame type 0-15 (3GPP TS 26.101 / 26.201); 0 = no data.
AMR_NB_BYTES = (12, 13, 15, 17, 19, 20, 26, 31, 5, 0, 0, 0, 0, 0, 0, 0)
AMR_WB_BYTES = (17, 23, 32, 36, 40, 46, 50, 58, 60, 5, 0, 0, 0, 0, 0, 0)
AMR_NB_INVALID, AMR_WB_INVALID = set(range(9, 15)), set(range(10, 14))  # reserved types: a damaged file
MP4_AUDIO_BRANDS = (b"M4A ", b"M4B ", b"3gp", b"3g2", b"isom", b"mp42", b"mp41", b"iso2", b"MSNV")


def audio_format(head: bytes) -> str | None:
    """The audio container a file's first bytes show, or None."""
    if head.startswith(AMR_WB):
        return "amr-wb"
    if head.startswith(AMR_NB):
        return "amr"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"OggS":
        return "opus" if b"OpusHead" in head[:512] else "ogg"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand.startswith((b"3gp", b"3g2")):
            return "3gp"
        if any(brand.startswith(b) for b in MP4_AUDIO_BRANDS):
            return "m4a"
        return None
    if head[:3] == b"ID3":
        return "mp3"
    if len(head) >= 4 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
        bitrate, rate = head[2] >> 4, (head[2] >> 2) & 3
        if layer == 0 and version in (0, 2, 3) and head[1] & 0xF6 == 0xF0:
            return "aac"  # ADTS: layer bits 00
        if version != 1 and layer == 1 and bitrate not in (0, 15) and rate != 3:
            return "mp3"
    return None


def amr_duration(data: bytes) -> float:
    """Seconds of an AMR-NB/WB file, counted frame by frame; ValueError on a damaged frame."""
    wide = data.startswith(AMR_WB)
    sizes, invalid = (AMR_WB_BYTES, AMR_WB_INVALID) if wide else (AMR_NB_BYTES, AMR_NB_INVALID)
    pos, frames = len(AMR_WB if wide else AMR_NB), 0
    while pos < len(data):
        frame_type = (data[pos] >> 3) & 0x0F
        if frame_type in invalid or data[pos] & 0x83:  # padding bits must be 0
            raise ValueError(f"AMR frame {frames + 1} at byte {pos} has a bad header (0x{data[pos]:02x})")
        pos += 1 + sizes[frame_type]
        if pos > len(data):
            raise ValueError(f"AMR frame {frames + 1} is cut off at the end of the file")
        frames += 1
    return frames * 0.02


def audio_duration(path: Path, kind: str) -> float:
    """Seconds of audio; ValueError (with mutagen's reason) when the file cannot be read as `kind`."""
    if kind in ("amr", "amr-wb"):
        return amr_duration(path.read_bytes())
    import mutagen
    from mutagen import aac, mp3, mp4, oggopus, wave

    # The class for the sniffed content, not mutagen's guess (which also weighs the file name: an ADTS
    # stream without ".aac" is not recognised); other Ogg codecs are left to the guess.
    reader = {"mp3": mp3.MP3, "m4a": mp4.MP4, "3gp": mp4.MP4, "wav": wave.WAVE, "opus": oggopus.OggOpus,
              "aac": aac.AAC}.get(kind, mutagen.File)
    try:
        audio = reader(path)
    except Exception as exc:  # noqa: BLE001 - a third-party parser on damaged input: any failure = unreadable
        raise ValueError(f"{type(exc).__name__}: {exc}") from exc
    length = getattr(getattr(audio, "info", None), "length", None)
    if audio is None or not length or length <= 0:
        raise ValueError("no audio stream length found")
    return float(length)


@dataclass
class RecordingInfo:
    path: Path
    label: str
    kind: str
    parsed: RecordingName | None
    duration_s: float | None
    problem: str  # "" when the audio was read


def recording_info(path: Path, label: str) -> RecordingInfo:
    """What a recording's name and audio say; a file that cannot be read or decoded gets a `problem`."""
    try:
        with open(path, "rb") as fh:
            kind = audio_format(fh.read(4096)) or "unknown"
        duration, problem = audio_duration(path, kind), ""
    except OSError as exc:
        kind, duration, problem = "unknown", None, f"cannot read the file ({exc.strerror or exc})"
    except ValueError as exc:
        duration, problem = None, f"audio unreadable ({exc})"
    return RecordingInfo(path, label, kind, parse_recording_name(label), duration, problem)


class RecordingImporter(Importer):
    NAME = NAME
    DESCRIPTION = ("call recordings 通话录音 (mp3/m4a/amr/wav/3gp/ogg/opus/aac): linked to their calls, "
                   "not events; naming schemes:")
    DIALECTS = tuple(f"{s.key:15} {s.vendor}: {s.example}" for s in SCHEMES)

    def sniff(self, path: Path, head: bytes) -> bool:
        return audio_format(head) is not None

    def read(self, path: Path, ctx: ReadContext) -> pd.DataFrame:
        return empty_raw_frame()

    def count(self, path: Path, ctx: ReadContext) -> int:
        return 0  # no events: `inspect` shows it as a call_recording with 0 records
