#!/usr/bin/env bash
# Stops the private daemons started by start.sh (by their pidfiles only).
# Usage: stop.sh [--purge] [classic] [buildkit]   --purge also deletes /tmp/ll-<engine> (all images and cache).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/common.sh"
purge=; engines=()
for a in "$@"; do case "$a" in --purge) purge=1 ;; classic|buildkit) engines+=("$a") ;; *) echo "stop.sh: unknown argument $a" >&2; exit 2 ;; esac; done
[ ${#engines[@]} -gt 0 ] || engines=(classic buildkit)

stop_pid() {  # $1 = pidfile, $2 = name; TERM, wait up to 20 s, then KILL
  local pf="$1" pid deadline
  [ -f "$pf" ] || return 0
  pid="$(cat "$pf")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    deadline=$((SECONDS + 20))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$pf"
}
for e in "${engines[@]}"; do
  st="$(ll_state "$e")"
  # dockerd's own pidfile, or the launcher's if dockerd never got that far
  stop_pid "$st/dockerd.pid" dockerd; stop_pid "$st/dockerd.pid.launch" dockerd
  stop_pid "$st/containerd.pid" containerd
  rm -f "$(ll_sock "$e")"
  if [ -n "$purge" ] && [ -d "$st" ]; then
    # unmount anything a killed daemon left mounted under its state dir, deepest first
    awk -v p="$st/" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
    rm -rf "$st"
  fi
  echo "$e: stopped${purge:+ (state purged)}"
done
