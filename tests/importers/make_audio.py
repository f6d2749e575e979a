"""Tiny valid audio files written from their format descriptions (no audio copied from anywhere):
WAV by the stdlib wave module, AMR from frame headers, MP3 as a run of MPEG-1 Layer III frames, AAC as
ADTS frames, Ogg Opus as three CRC-checked pages, and
MP4/3GP audio as an ftyp box plus a moov box holding the movie header (mvhd) and one sound track
(trak/mdia with its media header mdhd and a `soun` handler) with its duration."""
from __future__ import annotations

import struct
import wave
from pathlib import Path

AMR_NB_122_FRAME = bytes([0x3C]) + bytes(31)  # frame type 7 (12.2 kbit/s), quality bit set: 32 bytes, 20 ms
AMR_WB_660_FRAME = bytes([0x04]) + bytes(17)  # frame type 0 (6.60 kbit/s): 18 bytes, 20 ms
MP3_FRAME = bytes([0xFF, 0xFB, 0x18, 0xC0]) + bytes(140)  # MPEG-1 L3, 32 kbit/s, 32 kHz, mono: 144 bytes, 36 ms


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def wav(path: Path, seconds: float, rate: int = 8000) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(2 * int(seconds * rate)))
    return path


def amr(path: Path, seconds: float, wide: bool = False) -> Path:
    frames = int(round(seconds / 0.02))
    head, frame = (b"#!AMR-WB\n", AMR_WB_660_FRAME) if wide else (b"#!AMR\n", AMR_NB_122_FRAME)
    return _write(path, head + frame * frames)


def mp3(path: Path, seconds: float, id3: bool = False) -> Path:
    frames = int(round(seconds / 0.036))
    tag = b"ID3\x04\x00\x00\x00\x00\x00\x00" if id3 else b""  # an empty ID3v2.4 tag
    return _write(path, tag + MP3_FRAME * frames)


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4_audio(path: Path, seconds: float, brand: bytes = b"M4A ") -> Path:
    timescale = 1000
    mvhd = (bytes(4) + struct.pack(">IIII", 0, 0, timescale, int(seconds * timescale)) + struct.pack(">IH", 0x00010000, 0x0100)
            + bytes(10) + struct.pack(">9I", 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000) + bytes(24)
            + struct.pack(">I", 2))
    mdhd = bytes(4) + struct.pack(">IIII", 0, 0, timescale, int(seconds * timescale)) + struct.pack(">HH", 0x55C4, 0)
    hdlr = bytes(8) + b"soun" + bytes(12) + b"SoundHandler\x00"
    trak = _box(b"trak", _box(b"mdia", _box(b"mdhd", mdhd) + _box(b"hdlr", hdlr)))  # one sound track
    ftyp = _box(b"ftyp", brand + struct.pack(">I", 0) + brand + b"isom")
    return _write(path, ftyp + _box(b"moov", _box(b"mvhd", mvhd) + trak))


def corrupt_amr(path: Path) -> Path:
    """An AMR header and one good frame, then bytes that are no AMR frame (reserved frame type 12)."""
    return _write(path, b"#!AMR\n" + AMR_NB_122_FRAME + bytes([0x64]) + bytes(40))


def _ogg_crc(data: bytes) -> int:
    """Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, initial value 0."""
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
            crc &= 0xFFFFFFFF
    return crc


def _ogg_page(packet: bytes, sequence: int, granule: int, flags: int) -> bytes:
    lacing = bytes([255] * (len(packet) // 255) + [len(packet) % 255])
    header = (b"OggS" + bytes([0, flags]) + struct.pack("<qII", granule, 0x0C0FFEE, sequence) + bytes(4)
              + bytes([len(lacing)]) + lacing)
    page = header + packet
    return page[:22] + struct.pack("<I", _ogg_crc(page)) + page[26:]


def opus(path: Path, seconds: float, pre_skip: int = 312) -> Path:
    """Ogg Opus: the OpusHead and OpusTags pages, then one audio page whose granule position (48 kHz
    samples, pre-skip included) ends the stream at `seconds`."""
    head = b"OpusHead" + bytes([1, 1]) + struct.pack("<HIhB", pre_skip, 8000, 0, 0)
    tags = b"OpusTags" + struct.pack("<I", 4) + b"test" + struct.pack("<I", 0)
    end = pre_skip + int(seconds * 48000)
    return _write(path, _ogg_page(head, 0, 0, 0x02) + _ogg_page(tags, 1, 0, 0)
                  + _ogg_page(bytes([0xF8, 0xFF, 0xFE]), 2, end, 0x04))  # a silent 20 ms Opus frame, last page


def aac_adts(path: Path, seconds: float, payload: int = 24) -> Path:
    """AAC-LC in ADTS frames: 16 kHz mono, 1024 samples (64 ms) per frame, no CRC."""
    length = 7 + payload
    header = bytes([0xFF, 0xF1,  # sync, MPEG-4, layer 0, no CRC
                    (1 << 6) | (8 << 2) | 0,  # profile LC (1), sampling index 8 (16 kHz), channel config high bit
                    (1 << 6) | (length >> 11),  # channel config 1, frame length bits 12-11
                    (length >> 3) & 0xFF, ((length & 7) << 5) | 0x1F, 0xFC])  # buffer fullness 0x7FF, 1 block
    frames = int(round(seconds / 0.064))
    return _write(path, (header + bytes(payload)) * frames)
