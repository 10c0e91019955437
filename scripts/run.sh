#!/usr/bin/env bash
# Starts the web app and a Celery worker with embedded beat in one process group; Ctrl-C stops both.
set -uo pipefail
PORT=${PORT:-8000}
PY=.venv/bin/python

pids=()
stop() {
    trap - INT TERM EXIT
    echo; echo "正在停止 (stopping)…"
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    exit 0
}
trap stop INT TERM EXIT

rm -f var/celerybeat-schedule* 2>/dev/null
$PY -m celery -A config worker -B --loglevel=WARNING --concurrency=1 --pool=solo -s var/celerybeat-schedule &
pids+=($!)
$PY manage.py runserver "127.0.0.1:$PORT" --noreload &
pids+=($!)

sleep 2
$PY manage.py demo_info --base "http://127.0.0.1:$PORT"
wait -n "${pids[@]}"
stop
