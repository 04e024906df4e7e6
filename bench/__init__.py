"""Quality and speed harnesses (run as ``python -m bench.<name>``)."""
