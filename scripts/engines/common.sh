# Shared paths for scripts/engines/*.sh (sourced, not run).
# Tools live outside the repo; daemon state lives under /tmp and is thrown away by stop.sh --purge.
LL_TOOLS_ROOT="${LAYERLENS_TOOLS:-$HOME/.cache/layer-lens}"
LL_ENGINES="$LL_TOOLS_ROOT/engines"
LL_TRIXIE="$LL_ENGINES/trixie"            # Docker Engine 26 + buildx + containerd 1.7, extracted (not installed)
LL_SID="$LL_ENGINES/sid"                  # docker-buildx from Debian sid (has `buildx history`), extracted
LL_BASE="$LL_ENGINES/base"                # localbase:1 / localbase:2 tarballs
LL_DOCKER_CONFIG="$LL_ENGINES/docker-config"  # DOCKER_CONFIG with the buildx plugin linked in
LL_BRIDGE="llbk0"                         # the buildkit daemon's bridge (not docker0: see start.sh)
LL_BRIDGE_CIDR="172.29.231.1/24"

# Engine names used everywhere: classic (Debian bookworm docker.io 20.10) and buildkit (trixie 26.1).
# Keep in sync with test/oracle/engine.ts.
ll_sock()    { echo "/tmp/ll-$1.sock"; }
ll_state()   { echo "/tmp/ll-$1"; }
ll_docker()  { if [ "$1" = classic ]; then echo /usr/bin/docker; else echo "$LL_TRIXIE/usr/bin/docker"; fi; }
ll_dockerd() { if [ "$1" = classic ]; then echo /usr/sbin/dockerd; else echo "$LL_TRIXIE/usr/sbin/dockerd"; fi; }
ll_bindir()  { if [ "$1" = classic ]; then echo /usr/bin; else echo "$LL_TRIXIE/usr/bin"; fi; }
# PATH for the daemons: the engine's own containerd/shim/docker-proxy first, then the system (runc is always
# the system's /usr/sbin/runc: trixie's runc needs a newer glibc than bookworm has).
ll_path() {
  if [ "$1" = classic ]; then echo "/usr/sbin:/usr/bin:/sbin:/bin"
  else echo "$LL_TRIXIE/usr/bin:$LL_TRIXIE/usr/sbin:/usr/sbin:/usr/bin:/sbin:/bin"; fi
}
# Run the engine's docker CLI against its private daemon.
ll_cli() {
  local e="$1"; shift
  DOCKER_HOST="unix://$(ll_sock "$e")" DOCKER_CONFIG="$LL_DOCKER_CONFIG" PATH="$(ll_path "$e")" "$(ll_docker "$e")" "$@"
}
