"""Atomic output files: the destination is replaced whole, or left as it was."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from xrsim import atomicio
from xrsim.atomicio import atomic_write


def test_writes_the_file_and_leaves_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    with atomic_write(path, newline="") as handle:
        handle.write("a,b\r\n1,2\n")
    assert path.read_bytes() == b"a,b\r\n1,2\n"  # newline="" writes exactly what it is given
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_failure_mid_write_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    path.write_text("old")
    with pytest.raises(RuntimeError), atomic_write(path) as handle:
        handle.write("half of the new")
        raise RuntimeError("interrupted")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_a_full_disk_leaves_no_truncated_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ENOSPC surfaces when the data is flushed: no new file, no temporary left behind."""
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomicio.os, "fsync", full)
    path = tmp_path / "trace.json"
    with pytest.raises(OSError, match="No space left"), atomic_write(path) as handle:
        handle.write("{}")
    assert list(tmp_path.iterdir()) == []


def test_permissions_are_those_of_a_plain_write(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.write_text("x")
    with atomic_write(tmp_path / "atomic") as handle:
        handle.write("x")
    assert (tmp_path / "atomic").stat().st_mode == plain.stat().st_mode


def test_a_long_destination_name_does_not_overflow_the_temporary_one(tmp_path: Path) -> None:
    path = tmp_path / ("t" * 250)  # within the 255-byte limit; a '.name.tmp' temporary would not be
    with atomic_write(path) as handle:
        handle.write("x")
    assert path.read_text() == "x"


def test_a_missing_folder_raises_and_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError), atomic_write(tmp_path / "no" / "x.csv") as handle:
        handle.write("x")
    assert list(tmp_path.iterdir()) == []


def test_a_symbolic_link_keeps_pointing_at_its_replaced_target(tmp_path: Path) -> None:
    target = tmp_path / "target.yaml"
    target.write_text("old")
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    with atomic_write(link) as handle:
        handle.write("new")
    assert link.is_symlink() and target.read_text() == "new"


def test_a_pipe_or_device_is_written_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader, so opening to write does not block
    try:
        with atomic_write(fifo) as handle:
            handle.write("through")
        assert os.read(reader, 100) == b"through"
    finally:
        os.close(reader)
    assert fifo.is_fifo()
    with atomic_write(Path(os.devnull)) as handle:
        handle.write("nothing")
    assert Path(os.devnull).is_char_device()
