#!/usr/bin/env bash
# Installs code-server (a full VS Code for the web) and its native pieces into a tools folder outside the repo,
# so the end-to-end suite can run the extension in a real VS Code on machines that cannot download VS Code.
# Idempotent: a finished install leaves a stamp, and a second run only checks it.
# Prints the code-server folder (the one holding out/node/entry.js) as its last line.
set -euo pipefail
export npm_config_update_notifier=false

# code-server 4.100.x is the newest line whose package declares Node 20, the machines' Node; later 4.x releases
# want Node 22 or 24.
CODE_SERVER_VERSION="${LAYERLENS_CODE_SERVER_VERSION:-4.100.3}"
TOOLS="${LAYERLENS_TOOLS:-$HOME/.cache/layer-lens}/vscode"
CS="$TOOLS/node_modules/code-server"
STAMP="$TOOLS/.layer-lens-ready"
# Headers for code-server's native modules, Debian's ripgrep for its search, Chromium to drive it; the compilers
# node-gyp needs are usually there already. fonts-nanum: Hangul glyphs, so screenshots of the Korean tests are readable.
APT_PACKAGES=(libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev ripgrep chromium make g++ fonts-nanum)

log() { echo "[vscode-setup] $*" >&2; }

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
command -v python3 >/dev/null || missing+=(python3)
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  apt_log="$(mktemp)"
  if ! { $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"; } >"$apt_log" 2>&1; then
    cat "$apt_log" >&2
    log "apt-get failed"
    exit 1
  fi
  rm -f "$apt_log"
fi

# One install at a time: two runs at once (a test run and a second checkout's) would rebuild the same native modules
# under each other's feet (node-gyp: "ENOENT ... build/node_gyp_bins"). The second waits, then finds the stamp.
mkdir -p "$(dirname "$TOOLS")"
exec 9>"$TOOLS.lock"
if ! flock -n 9; then
  log "another setup is installing code-server into $TOOLS: waiting for it"
  flock -w 900 9 || { log "still locked after 15 min: $TOOLS.lock"; exit 1; }
fi

if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$CODE_SERVER_VERSION" && -f "$CS/out/node/entry.js" ]]; then
  log "code-server $CODE_SERVER_VERSION already installed in $TOOLS"
  echo "$CS"
  exit 0
fi

log "installing code-server $CODE_SERVER_VERSION into $TOOLS"
rm -f "$STAMP"
mkdir -p "$TOOLS"
cd "$TOOLS"
[[ -f package.json ]] || echo '{ "name": "layer-lens-vscode-tools", "private": true }' > package.json
npm install --ignore-scripts --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >&2

cd "$CS/lib/vscode"
npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2
npm_config_yes=true npm rebuild --loglevel=error kerberos node-pty @parcel/watcher @vscode/spdlog @vscode/deviceid native-watchdog >&2
# @vscode/ripgrep's postinstall downloads a binary from outside the reachable registries; use Debian's.
mkdir -p node_modules/@vscode/ripgrep/bin
cp /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
[[ -e node_modules.asar ]] || ln -s node_modules node_modules.asar

cd "$TOOLS"
npm rebuild --loglevel=error argon2 >&2

echo "$CODE_SERVER_VERSION" > "$STAMP"
log "done"
echo "$CS"
