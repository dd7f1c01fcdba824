"""Hold a concurrency slot in a real process: run one recorded job that waits for a file.

usage: python hold_slot.py JOB_TYPE RELEASE_FILE [READY_FILE]
Exits with the run's exit code (4 when no slot was free, 3 when the kill switch is on).
"""

import os
import sys
import time
from pathlib import Path

from harvester_cli import settings as settings_mod
from harvester_cli.runtime import runner
from harvester_cli.runtime import slots as slots_mod
from harvester_cli.store import engine
from harvester_cli.store.base import Store


def main() -> int:
    job_type, release = sys.argv[1], Path(sys.argv[2])
    ready = Path(sys.argv[3]) if len(sys.argv) > 3 else None
    settings = settings_mod.load(os.environ)
    store = Store.open(settings.database_url)
    engine.create_schema(store.engine)
    backend = slots_mod.backend_for(
        settings, store.engine, engine.sqlite_path(settings.database_url), engine.default_state_dir()
    )

    def work(rc):
        if ready:
            ready.write_text(str(rc.run_id))
        while not release.exists():
            rc.checkpoint()
            time.sleep(0.05)
        rc.ok()
        return "released"

    result = runner.run_job(store, settings, backend, job_type, {"holder": True}, work)
    print(f"{result.status} {result.run_id}", flush=True)
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main())
