#!/usr/bin/env bash
# Installs the two real Docker engines the oracle tests build with, plus two tiny local base images.
# Idempotent and fast when everything is already there. Needs root and Debian 12 (bookworm) apt sources.
#
#   classic  : Debian bookworm's docker.io (Engine 20.10), installed system-wide with apt (dockerd, docker, containerd)
#              plus busybox-static, runc and iproute2 (the buildkit bridge). The daemon is never started as a service (start.sh runs a private one).
#   buildkit : Docker Engine 26.1 + buildx 0.13 + containerd 1.7 (+ compose 2.26) from Debian trixie, downloaded with
#              `apt-get download` into $LAYERLENS_TOOLS/engines/trixie and unpacked with dpkg-deb -x.
#              Nothing from trixie is installed system-wide; trixie's runc is NOT used (needs a newer glibc),
#              the system runc is.
#   buildx   : docker-buildx from Debian sid (0.29 when written) replaces trixie's 0.13.1 in the buildkit engine's
#              DOCKER_CONFIG, for `docker buildx history` (trixie's buildx stays as the fallback).
#   images   : localbase:1 and localbase:2, busybox-static root filesystems that differ in one file
#              (/etc/localbase-release). Saved as tarballs here; start.sh imports them with `docker import`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/common.sh"

log() { echo "setup: $*"; }
APT_OPTS=(-o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)

if [ "$(id -u)" != 0 ]; then echo "setup: must run as root (apt-get, dockerd)" >&2; exit 1; fi
mkdir -p "$LL_ENGINES"

# ---------------------------------------------------------------- classic engine (system packages)
need_pkgs=()
for p in docker.io busybox-static runc iproute2; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need_pkgs+=("$p")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
  log "installing ${need_pkgs[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  # Never let the package start a system docker/containerd service (no systemd here anyway).
  created_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; created_policy=1; fi
  if ! apt-get install -y -qq "${APT_OPTS[@]}" "${need_pkgs[@]}" >"$LL_ENGINES/setup-apt.log" 2>&1; then
    apt-get update -qq "${APT_OPTS[@]}" >>"$LL_ENGINES/setup-apt.log" 2>&1
    apt-get install -y -qq "${APT_OPTS[@]}" "${need_pkgs[@]}" >>"$LL_ENGINES/setup-apt.log" 2>&1 \
      || { tail -20 "$LL_ENGINES/setup-apt.log" >&2; [ -n "$created_policy" ] && rm -f /usr/sbin/policy-rc.d; exit 1; }
  fi
  [ -n "$created_policy" ] && rm -f /usr/sbin/policy-rc.d
fi
log "classic: $(/usr/sbin/dockerd --version)"

# ---------------------------------------------------------------- buildkit engine (trixie, extracted)
# apt_download SUITE APTDIR LOG PKG...: downloads the packages of another Debian suite into APTDIR/debs with a private
# apt state (the system's first Debian source with the suite replaced; nothing is installed). Returns 1 on failure
# (LOG says why); the caller decides whether that is fatal.
apt_download() {
  local suite="$1" aptdir="$2" logf="$3" line srcopt A
  shift 3
  rm -rf "$aptdir"; mkdir -p "$aptdir/lists/partial" "$aptdir/cache/archives/partial" "$aptdir/debs" "$aptdir/parts"
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    # First deb822 stanza of the system's Debian sources, with the suite replaced.
    awk 'BEGIN{RS="";ORS="\n"} NR==1{print}' /etc/apt/sources.list.d/debian.sources \
      | sed -E "s/^Suites:.*/Suites: $suite/; s/^Components:.*/Components: main/" > "$aptdir/parts/$suite.sources"
    srcopt=(-o "Dir::Etc::sourcelist=-" -o "Dir::Etc::sourceparts=$aptdir/parts")
  else
    # One-line format: reuse the first Debian main archive line.
    line="$(grep -hE '^deb ' /etc/apt/sources.list | grep -v security | head -1)"
    [ -n "$line" ] || { echo "setup: no Debian apt source found" > "$logf"; return 1; }
    echo "$line" | awk -v suite="$suite" '{ $3=suite; print $1, $2, $3, "main" }' > "$aptdir/$suite.list"
    srcopt=(-o "Dir::Etc::sourcelist=$aptdir/$suite.list" -o "Dir::Etc::sourceparts=-")
  fi
  A=("${srcopt[@]}" -o "Dir::State::Lists=$aptdir/lists" -o "Dir::Cache=$aptdir/cache" -o APT::Sandbox::User=root "${APT_OPTS[@]}")
  apt-get "${A[@]}" update -qq >"$logf" 2>&1 && (cd "$aptdir/debs" && apt-get "${A[@]}" download "$@" >>"$logf" 2>&1)
}

TRIXIE_PKGS=(docker.io docker-cli docker-buildx containerd tini)
if [ ! -f "$LL_TRIXIE/.complete" ]; then
  log "downloading ${TRIXIE_PKGS[*]} from Debian trixie into $LL_ENGINES (not installed system-wide)"
  aptdir="$LL_ENGINES/apt"
  apt_download trixie "$aptdir" "$LL_ENGINES/setup-trixie.log" "${TRIXIE_PKGS[@]}" \
    || { tail -20 "$LL_ENGINES/setup-trixie.log" >&2; exit 1; }
  tmp="$LL_TRIXIE.tmp"; rm -rf "$tmp"; mkdir -p "$tmp"
  for d in "$aptdir"/debs/*.deb; do dpkg-deb -x "$d" "$tmp"; done
  # trixie's runc is deliberately not downloaded: the system runc (/usr/sbin/runc) is used.
  (cd "$aptdir/debs" && ls *.deb) > "$tmp/.complete"
  rm -rf "$LL_TRIXIE"; mv "$tmp" "$LL_TRIXIE"
  rm -rf "$aptdir"
fi
for f in usr/bin/docker usr/sbin/dockerd usr/bin/containerd usr/bin/containerd-shim-runc-v2 usr/libexec/docker/cli-plugins/docker-buildx; do
  [ -x "$LL_TRIXIE/$f" ] || { echo "setup: $LL_TRIXIE/$f missing; delete $LL_TRIXIE and re-run" >&2; exit 1; }
done
# The compose plugin: the reference the discovery of compose files is tested against (`docker compose config`,
# no daemon needed). Downloaded on its own, so a tools folder made before it was added gets it too.
if [ ! -x "$LL_TRIXIE/usr/libexec/docker/cli-plugins/docker-compose" ]; then
  log "downloading docker-compose from Debian trixie into $LL_ENGINES (not installed system-wide)"
  aptdir="$LL_ENGINES/apt-compose"
  if apt_download trixie "$aptdir" "$LL_ENGINES/setup-compose.log" docker-compose; then
    for d in "$aptdir"/debs/*.deb; do dpkg-deb -x "$d" "$LL_TRIXIE"; done
  else
    # Not fatal: the compose reference test then says it skips, and why.
    log "docker-compose could not be downloaded (see $LL_ENGINES/setup-compose.log)"
  fi
  rm -rf "$aptdir"
fi
# A newer buildx from Debian unstable (sid): trixie's 0.13.1 has no `docker buildx history`, which Layer Lens reads
# builds made outside it from (the record.dockerHistory source). sid's buildx is a static Go binary that runs here and
# talks to the 26.1 daemon (history ls / inspect / logs work against it). Same download technique, suite sid; only
# the plugin binary is kept. Not fatal: the buildkit engine then keeps trixie's buildx and the history tests skip.
if [ ! -x "$LL_SID/usr/libexec/docker/cli-plugins/docker-buildx" ]; then
  log "downloading docker-buildx from Debian sid into $LL_ENGINES (not installed system-wide)"
  aptdir="$LL_ENGINES/apt-sid"
  if apt_download sid "$aptdir" "$LL_ENGINES/setup-sid.log" docker-buildx; then
    tmp="$LL_SID.tmp"; rm -rf "$tmp"; mkdir -p "$tmp"
    for d in "$aptdir"/debs/*.deb; do dpkg-deb -x "$d" "$tmp"; done
    if DOCKER_CONFIG=/nonexistent "$tmp/usr/libexec/docker/cli-plugins/docker-buildx" version >>"$LL_ENGINES/setup-sid.log" 2>&1; then
      rm -rf "$LL_SID"; mv "$tmp" "$LL_SID"
    else
      log "sid's docker-buildx does not run here (see $LL_ENGINES/setup-sid.log); keeping trixie's"; rm -rf "$tmp"
    fi
  else
    log "docker-buildx could not be downloaded from sid (see $LL_ENGINES/setup-sid.log); keeping trixie's"
  fi
  rm -rf "$aptdir"
fi
buildx="$LL_TRIXIE/usr/libexec/docker/cli-plugins/docker-buildx"
[ -x "$LL_SID/usr/libexec/docker/cli-plugins/docker-buildx" ] && buildx="$LL_SID/usr/libexec/docker/cli-plugins/docker-buildx"
mkdir -p "$LL_DOCKER_CONFIG/cli-plugins"
ln -sfn "$buildx" "$LL_DOCKER_CONFIG/cli-plugins/docker-buildx"
if [ -x "$LL_TRIXIE/usr/libexec/docker/cli-plugins/docker-compose" ]; then
  ln -sfn "$LL_TRIXIE/usr/libexec/docker/cli-plugins/docker-compose" "$LL_DOCKER_CONFIG/cli-plugins/docker-compose"
  log "compose: $(DOCKER_CONFIG="$LL_DOCKER_CONFIG" "$LL_TRIXIE/usr/bin/docker" compose version --short 2>/dev/null)"
fi
log "buildkit: $("$LL_TRIXIE/usr/sbin/dockerd" --version), $(DOCKER_CONFIG="$LL_DOCKER_CONFIG" "$LL_TRIXIE/usr/bin/docker" buildx version 2>/dev/null | cut -d' ' -f2)"

# ---------------------------------------------------------------- base images (busybox, no registry)
BASE_RECIPE=3   # bump when the rootfs recipe below changes
make_base() {  # $1 = 1 or 2
  local n="$1" out root
  out="$LL_BASE/localbase-$n.r$BASE_RECIPE.tar"
  [ -f "$out" ] && return 0
  root="$(mktemp -d)"
  mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/root" "$root/home/app" "$root/var" "$root/usr/bin"
  chmod 755 "$root"; chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for a in $("$root/bin/busybox" --list); do [ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"; done
  printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\napp:x:1000:\nnogroup:x:65534:\n' > "$root/etc/group"
  chown 1000:1000 "$root/home/app"
  echo "localbase $n" > "$root/etc/localbase-release"   # the one file that differs between 1 and 2
  mkdir -p "$LL_BASE"
  tar --sort=name --mtime=@946684800 --numeric-owner -C "$root" -cf "$out.tmp" .
  mv "$out.tmp" "$out"; rm -rf "$root"
}
case "$(ldd /bin/busybox 2>&1 || true)" in
  *"not a dynamic"*|*"statically linked"*) ;;
  *) echo "setup: /bin/busybox is not static (install busybox-static)" >&2; exit 1 ;;
esac
make_base 1; make_base 2
log "images: $(ls "$LL_BASE" | tr '\n' ' ')"
log "done (tools in $LL_ENGINES). Next: scripts/engines/start.sh"
