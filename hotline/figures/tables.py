"""Where the line's figures outlive the conversations: counts per cell (week x
channel x language x topic x country) and the histogram of waits per cell.

No row here has an id or points at anything: a cell is named only by its five
dimensions, so nothing can lead back from a figure to a conversation.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from hotline.extensions import db


class FigureCell(db.Model):
    """The folded counts of one cell (``hotline.figures.cells.COUNTS``)."""

    __tablename__ = "figure_cells"

    week: Mapped[date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    topic: Mapped[str] = mapped_column(String(32), primary_key=True)
    country: Mapped[str] = mapped_column(String(8), primary_key=True)
    conversations: Mapped[int] = mapped_column(default=0)
    messages: Mapped[int] = mapped_column(default=0)
    danger: Mapped[int] = mapped_column(default=0)
    handoffs: Mapped[int] = mapped_column(default=0)
    after_hours: Mapped[int] = mapped_column(default=0)
    not_understood: Mapped[int] = mapped_column(default=0)
    deletions: Mapped[int] = mapped_column(default=0)


class FigureWait(db.Model):
    """How many waits for a person of one cell fell in one bucket
    (``hotline.figures.cells.WAIT_BUCKETS``; -1: longer than the last)."""

    __tablename__ = "figure_waits"

    week: Mapped[date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    topic: Mapped[str] = mapped_column(String(32), primary_key=True)
    country: Mapped[str] = mapped_column(String(8), primary_key=True)
    bucket: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    waits: Mapped[int] = mapped_column(default=0)
