#!/usr/bin/env bash
# Runs the whole test suite with node's built-in runner on the compiled tests.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s globstar nullglob
files=(dist/test/**/*.test.js)
if [ ${#files[@]} -eq 0 ]; then
  echo "no compiled tests found under dist/test: run npm run setup" >&2
  exit 1
fi
exec node --test --test-concurrency=1 "$@" "${files[@]}"
