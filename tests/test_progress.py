"""The progress line and the report count pages the same way: requisites apart."""

from __future__ import annotations

from crawler.extensions.progress import progress_line
from crawler.extensions.report import page_statuses

STATS = {
    "response_received_count": 10,
    "downloader/response_status_count/200": 8,
    "downloader/response_status_count/404": 2,
    "arsip/requisites/status_count/200": 3,
    "arsip/requisites/status_count/404": 2,
}


def test_page_statuses_leave_out_requisites():
    assert page_statuses(STATS) == {"200": 5}


def test_progress_line_counts_pages_only():
    line = progress_line(STATS, elapsed=2.0)
    assert line.startswith("pages 5 |") and "2.5 pages/s" in line
