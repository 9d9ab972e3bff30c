#!/usr/bin/env bash
# Starts two private Docker daemons for the oracle tests (run scripts/engines/setup.sh first):
#   classic  : bookworm dockerd 20.10 on unix:///tmp/ll-classic.sock   (build with DOCKER_BUILDKIT=0)
#   buildkit : trixie   dockerd 26.1  on unix:///tmp/ll-buildkit.sock  (build with docker buildx build)
# Usage: start.sh [classic] [buildkit]     (default: both; or LAYERLENS_ENGINES="classic buildkit")
# Prints one line per engine: "<engine>: ready ..." or "<engine>: NOT ready: <why>". Exit 1 if any is not ready.
#
# Two daemons on one machine: each gets its own data root, exec root, pidfile and socket under /tmp/ll-<engine>/,
# AND its own containerd. A dockerd without --containerd uses /run/containerd/containerd.sock whenever that socket
# exists (a system containerd), which would make both daemons share one containerd (and its "moby" namespace).
# So we start one containerd per engine ourselves (the engine's own version: 1.6 for classic, 1.7 for buildkit),
# with private root/state dirs and gRPC/ttrpc sockets, and pass --containerd to dockerd. Shim sockets are keyed
# by a hash of the containerd address, and runc state lives under each dockerd's exec root, so nothing collides.
# Only the buildkit daemon gets a bridge network (BuildKit's RUN needs it), our own $LL_BRIDGE rather than docker0
# (see start_engine); classic uses --bridge=none.
# --iptables=false on both: no host firewall changes.
# LL_NICE=N starts both daemons (and so every build step they run) at that niceness: `npm test` sets it while the
# oracle runs beside the editor's tiers, so the builds take the CPU the real VS Code leaves over, not the reverse.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/common.sh"

engines=("$@")
[ ${#engines[@]} -gt 0 ] || read -r -a engines <<< "${LAYERLENS_ENGINES:-classic buildkit}"
DEADLINE_S="${LAYERLENS_ENGINE_START_TIMEOUT:-90}"
NICE=()
[ -n "${LL_NICE:-}" ] && NICE=(nice -n "$LL_NICE")

# poll CMD... until it succeeds or the deadline (seconds since $SECONDS=start) passes
wait_until() {  # $1 = deadline (absolute $SECONDS), rest = command
  local deadline="$1"; shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start_engine() {  # prints exactly one status line
  local e="$1" st sock dockerd ctrd bindir deadline
  st="$(ll_state "$e")"; sock="$(ll_sock "$e")"; dockerd="$(ll_dockerd "$e")"; bindir="$(ll_bindir "$e")"
  ctrd="$bindir/containerd"
  for f in "$dockerd" "$ctrd" "$(ll_docker "$e")" /usr/sbin/runc; do
    [ -x "$f" ] || { echo "$e: NOT ready: $f missing (run scripts/engines/setup.sh)"; return 1; }
  done
  deadline=$((SECONDS + DEADLINE_S))
  if ll_cli "$e" info >/dev/null 2>&1; then
    :   # already running
  else
    mkdir -p "$st/containerd/root" "$st/containerd/state" "$st/data" "$st/exec"
    if ! alive "$st/containerd.pid"; then
      cat > "$st/containerd.toml" <<TOML
version = 2
root = "$st/containerd/root"
state = "$st/containerd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$st/containerd.sock"
[ttrpc]
  address = "$st/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
TOML
      PATH="$(ll_path "$e")" setsid "${NICE[@]}" "$ctrd" --config "$st/containerd.toml" </dev/null >"$st/containerd.log" 2>&1 &
      echo $! > "$st/containerd.pid"
    fi
    if ! wait_until "$deadline" test -S "$st/containerd.sock"; then
      echo "$e: NOT ready: containerd did not start: $(tail -3 "$st/containerd.log" | tr '\n' ' ')"; return 1
    fi
    if ! alive "$st/dockerd.pid"; then
      echo '{}' > "$st/daemon.json"
      local extra=()
      if [ "$e" = classic ]; then
        extra+=(--bridge=none)
      else
        # BuildKit's RUN needs a bridge network. Not docker0: a dockerd started with --bridge=none (the classic
        # engine) deletes the link named docker0 at start-up, which breaks every later RUN here with "adding
        # interface vethX to bridge docker0 failed: Device does not exist". Our own bridge is never touched.
        if ! ip link show "$LL_BRIDGE" >/dev/null 2>&1; then
          ip link add "$LL_BRIDGE" type bridge && ip addr add "$LL_BRIDGE_CIDR" dev "$LL_BRIDGE" \
            || { echo "$e: NOT ready: could not create bridge $LL_BRIDGE (needs root and iproute2)"; return 1; }
        fi
        ip link set "$LL_BRIDGE" up
        extra+=(--bridge="$LL_BRIDGE")
      fi
      PATH="$(ll_path "$e")" setsid "${NICE[@]}" "$dockerd" --config-file "$st/daemon.json" \
        --data-root "$st/data" --exec-root "$st/exec" --pidfile "$st/dockerd.pid" \
        -H "unix://$sock" --containerd "$st/containerd.sock" --iptables=false --ip6tables=false "${extra[@]}" \
        </dev/null >"$st/dockerd.log" 2>&1 &
      # (dockerd writes its own pidfile; keep ours until it does)
      echo $! > "$st/dockerd.pid.launch"
    fi
    if ! wait_until "$deadline" ll_cli "$e" info; then
      echo "$e: NOT ready: dockerd did not answer within ${DEADLINE_S}s: $(grep -iE 'level=(error|fatal)|failed' "$st/dockerd.log" | tail -2 | tr '\n' ' ')"
      return 1
    fi
  fi
  local n
  for n in 1 2; do
    if ! ll_cli "$e" image inspect "localbase:$n" >/dev/null 2>&1; then
      ll_cli "$e" import "$LL_BASE/localbase-$n.r"*.tar "localbase:$n" >/dev/null 2>"$st/import.err" \
        || { echo "$e: NOT ready: import of localbase:$n failed: $(cat "$st/import.err")"; return 1; }
    fi
  done
  if [ "$e" = buildkit ] && ! ll_cli "$e" buildx version >/dev/null 2>&1; then
    echo "$e: NOT ready: docker buildx plugin not found in $LL_DOCKER_CONFIG (run setup.sh)"; return 1
  fi
  echo "$e: ready (Engine $(ll_cli "$e" version -f '{{.Server.Version}}' 2>/dev/null), DOCKER_HOST=unix://$sock, $((SECONDS - deadline + DEADLINE_S))s)"
}

# Start the engines in parallel; collect their one-line reports in order.
tmpd="$(mktemp -d)"; pids=()
for e in "${engines[@]}"; do
  case "$e" in classic|buildkit) ;; *) echo "start.sh: unknown engine '$e' (classic|buildkit)" >&2; exit 2 ;; esac
  start_engine "$e" > "$tmpd/$e" 2>&1 & pids+=($!)
done
rc=0
for i in "${!engines[@]}"; do
  wait "${pids[$i]}" || rc=1
  cat "$tmpd/${engines[$i]}"
done
rm -rf "$tmpd"
exit $rc
