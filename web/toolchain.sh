# Sourced by web/build and web/unit (with WEB_DIR set): puts the dashboard's toolchain on PATH and NODE_PATH.
#
# Modules resolve from web/node_modules first (after an ordinary `npm install`), then from Debian's
# /usr/share/nodejs (esbuild, node-react, node-react-dom, node-typescript), which `ensure_toolchain` installs when
# neither provides them.

SYSTEM_MODULES=/usr/share/nodejs
DEBIAN_PACKAGES=(esbuild node-react node-react-dom node-typescript node-csstype node-prop-types)

export PATH="$WEB_DIR/node_modules/.bin:$PATH"
export NODE_PATH="$WEB_DIR/node_modules:$SYSTEM_MODULES"

have_module() {
  [ -e "$WEB_DIR/node_modules/$1/package.json" ] || [ -e "$SYSTEM_MODULES/$1/package.json" ]
}

toolchain_present() {
  command -v node >/dev/null 2>&1 && command -v tsc >/dev/null 2>&1 && command -v esbuild >/dev/null 2>&1 &&
    have_module react && have_module react-dom && have_module @types/react && have_module @types/react-dom
}

# ensure_toolchain NAME: installs the Debian packages when something is missing; NAME prefixes its messages.
ensure_toolchain() {
  local name="$1"
  toolchain_present && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "$name: node, tsc, esbuild and React are missing; run 'npm install' in web/ first." >&2
    exit 1
  fi
  echo "$name: installing the dashboard toolchain (${DEBIAN_PACKAGES[*]})" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null
  $sudo apt-get install -y -qq --no-install-recommends "${DEBIAN_PACKAGES[@]}" >/dev/null
  toolchain_present || {
    echo "$name: the toolchain is still incomplete after installing ${DEBIAN_PACKAGES[*]}" >&2
    exit 1
  }
}
