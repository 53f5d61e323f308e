#!/usr/bin/env bash
# Sets latentlab up on a Debian machine: system packages, npm packages, the native addon and the
# TypeScript build. Idempotent: each step runs only when something it depends on changed.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "setup: $*" >&2; }

# 1. System packages: libtorch (with its headers), OpenBLAS (libtorch falls back to a slow
#    reference BLAS without it) in its OpenMP build too (the addon links that one: it shares
#    libtorch's thread pool), Fashion-MNIST, and the compiler toolchain for the addon (and for
#    better-sqlite3, built from source). `--tests` adds Chromium, which the report tests drive, and
#    iproute2, whose `ip netns` the distributed tests use to simulate two machines.
packages=(libtorch-dev libgloo-dev libopenblas-dev libopenblas0-openmp dataset-fashion-mnist g++ make python3)
if [ "${1:-}" = "--tests" ]; then packages+=(chromium iproute2); fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    say "missing Debian packages: ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}"
    exit 1
  fi
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. npm packages, exactly as locked.
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
stamp="libtorch=${LIBTORCH:-debian} blas=$(node scripts/openmp-blas-dir.cjs)"
if [ ! -f node_modules/.latentlab-lock ] || [ "$(cat node_modules/.latentlab-lock)" != "$lock_hash" ]; then
  say "installing npm packages and building the native addon"
  npm ci --no-audit --no-fund --loglevel=error # its install script builds the addon
  echo "$lock_hash" > node_modules/.latentlab-lock
  echo "$stamp" > build/.latentlab-libtorch
fi

# 3. The native addon, rebuilt when its sources or the libraries it builds against change.
addon=build/Release/latentlab.node
if [ ! -f "$addon" ] || [ "$(cat build/.latentlab-libtorch 2>/dev/null)" != "$stamp" ] ||
   [ -n "$(find native binding.gyp scripts/openmp-blas-dir.cjs -newer "$addon" 2>/dev/null | head -1)" ]; then
  say "building the native addon (${stamp})"
  if [ ! -f build/Makefile ] || [ "$(cat build/.latentlab-libtorch 2>/dev/null)" != "$stamp" ] ||
     [ binding.gyp -nt build/Makefile ]; then
    npx --no-install node-gyp configure --loglevel=error
  fi
  npx --no-install node-gyp build -j "$(nproc)" --loglevel=error
  echo "$stamp" > build/.latentlab-libtorch
fi

# 4. TypeScript (incremental: quick when nothing changed).
npx --no-install tsc -p tsconfig.json

# 5. The explorer's page script, bundled by esbuild (seconds).
node scripts/build-web.mjs
