"""Data sources behind one interface: tiktok, worker, files."""
