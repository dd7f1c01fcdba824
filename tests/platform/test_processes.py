"""Real separate processes holding real locks: slots, and SIGKILL followed by the reaper."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

HOLD = str(ROOT / "tests" / "helpers" / "hold_slot.py")


def _spawn(env, job_type, release, ready=None):
    args = [sys.executable, HOLD, job_type, str(release)] + ([str(ready)] if ready else [])
    return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(paths, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if all(Path(p).exists() for p in paths):
            return
        time.sleep(0.05)
    raise AssertionError(f"not ready: {[p for p in paths if not Path(p).exists()]}")


def test_six_holders_of_five_slots_one_exits_4(proc_env, tmp_path, run_proc):
    env = dict(proc_env, MAX_CONCURRENT_DISCOVERY_JOBS="5")
    assert run_proc("init").returncode == 0
    release = tmp_path / "release"
    ready = [tmp_path / f"ready{i}" for i in range(5)]
    holders = [_spawn(env, "discovery", release, r) for r in ready]
    try:
        _wait_for(ready)
        sixth = _spawn(env, "discovery", release)
        out, err = sixth.communicate(timeout=60)
        assert sixth.returncode == 4, (out, err)
        assert out.startswith("skipped")
    finally:
        release.write_text("go")
        codes = [p.wait(timeout=60) for p in holders]
    assert codes == [0] * 5
    runs = json.loads(run_proc("--json", "jobs", "--type", "discovery").stdout)["runs"]
    assert sorted(r["status"] for r in runs) == ["skipped"] + ["succeeded"] * 5


def test_sigkilled_run_is_abandoned_by_the_next_command(proc_env, tmp_path, run_proc, store):
    from harvester_cli.models import Video
    from harvester_cli.store import runs as runs_store
    from harvester_cli.store import videos

    videos.upsert_discovered(
        store, [Video(id=7386111312293610270, promoted_reason="hashtag #ad")], "files", force_refresh=False
    )
    release, ready = tmp_path / "never", tmp_path / "ready"
    holder = _spawn(proc_env, "harvesting", release, ready)
    _wait_for([ready])
    run_id = int(ready.read_text())
    # the holder claims a video the way harvest does, then dies without a chance to clean up
    claimed = videos.claim(store, run_id, 10, store.now())
    assert [c.id for c in claimed] == [7386111312293610270]
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=30)
    assert runs_store.get(store, run_id)["status"] == "running"

    result = run_proc("--json", "jobs")
    assert result.returncode == 0, result.stderr
    assert runs_store.get(store, run_id)["status"] == "abandoned"
    video = videos.get(store, 7386111312293610270)
    assert video["harvest_state"] == "queued" and video["claimed_by"] is None


def test_sigterm_stops_a_run_cleanly(proc_env, tmp_path, store):
    from harvester_cli.store import runs as runs_store

    release, ready = tmp_path / "never", tmp_path / "ready"
    holder = _spawn(proc_env, "extraction", release, ready)
    _wait_for([ready])
    holder.send_signal(signal.SIGTERM)
    holder.wait(timeout=30)
    assert holder.returncode == 1
    row = runs_store.get(store, int(ready.read_text()))
    assert row["status"] == "cancelled" and "SIGTERM" in row["error"]


def test_kill_switch_on_makes_cleanup_exit_3_and_record_skipped(run_proc):
    assert run_proc("kill-switch", "on", "--reason", "incident 42", "--by", "ops").returncode == 0
    result = run_proc("cleanup")
    assert result.returncode == 3
    status = json.loads(run_proc("--json", "kill-switch", "status").stdout)
    assert status["active"] is True and status["reason"] == "incident 42" and status["requested_by"] == "ops"
    runs = json.loads(run_proc("--json", "jobs", "--type", "cleanup").stdout)["runs"]
    assert [r["status"] for r in runs] == ["skipped"]
    assert run_proc("kill-switch", "off").returncode == 0
    assert run_proc("cleanup").returncode == 0
