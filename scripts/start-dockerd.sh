#!/usr/bin/env bash
# Starts dockerd for development/tests if it is not running, then waits for its API socket.
# Works here with the defaults (overlay2, iptables, cgroup v1); pass extra daemon flags in CROWNEST_DOCKERD_ARGS
# (e.g. "--storage-driver vfs --iptables=false") on hosts without overlay or iptables support.
set -euo pipefail

socket="${DOCKER_SOCKET:-/var/run/docker.sock}"
log="${CROWNEST_DOCKERD_LOG:-/tmp/dockerd.log}"

ready() { docker -H "unix://$socket" version --format '{{.Server.APIVersion}}' >/dev/null 2>&1; }

if ready; then
  exit 0
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
  command -v dockerd >/dev/null || { echo "dockerd is not installed (apt-get install docker.io)" >&2; exit 1; }
  # setsid + nohup: the daemon must outlive the test run that started it.
  # shellcheck disable=SC2086
  setsid nohup dockerd -H "unix://$socket" ${CROWNEST_DOCKERD_ARGS:-} >"$log" 2>&1 < /dev/null &
fi

for _ in $(seq 1 60); do
  if ready; then
    exit 0
  fi
  sleep 0.5
done

echo "dockerd did not become ready within 30s; last log lines ($log):" >&2
tail -n 20 "$log" >&2 || true
exit 1
