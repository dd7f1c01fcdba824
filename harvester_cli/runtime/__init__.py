"""The job runtime: runs, slots, retries, kill-switch checks and the reaper."""
