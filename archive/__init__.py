"""WARC writing, index, replay and export."""
