#!/usr/bin/env bash
# Build the Linux one-folder bundle (dist/holbrook/) and prove it works: --version and --self-test
# run from the bundle itself. Safe to run again: each run replaces build/ and dist/holbrook/.
#
#   packaging/build-linux.sh                         uses .venv in the checkout (made if missing)
#   PYTHON=/path/to/venv/bin/python packaging/build-linux.sh   uses that environment instead
#
# Exit status: 0 built and self-tested; 1 the build or a check failed; 3 PyInstaller could not be
# installed (no network, say), which .ci/run reports as a skip rather than a failure.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
PYINSTALLER_REQUIREMENT='pyinstaller>=6.10,<7'  # keep in step with pyproject.toml's "package" extra
EXIT_NO_PYINSTALLER=3
started=$(date +%s)

say() { echo "build-linux: $*" >&2; }

if [ -n "${PYTHON:-}" ]; then
  PY=$PYTHON
else
  [ -x .venv/bin/python ] || python3 -m venv .venv
  PY=$REPO/.venv/bin/python
fi

# pip answers "already satisfied" without the network when the venv has it.
if ! "$PY" -m pip install -q --disable-pip-version-check "$PYINSTALLER_REQUIREMENT" >&2; then
  say "cannot install $PYINSTALLER_REQUIREMENT with $PY"
  exit $EXIT_NO_PYINSTALLER
fi
# The app's dependencies come from the venv; the app itself from this checkout (the spec's pathex).
if ! (cd / && "$PY" -c "import holbrook_desktop") 2>/dev/null; then
  say "installing the app and its dependencies into $("$PY" -c 'import sys; print(sys.prefix)')"
  "$PY" -m pip install -q --disable-pip-version-check -e "$REPO" >&2
fi

say "building with PyInstaller $("$PY" -m PyInstaller --version)"
build_log=$REPO/build/pyinstaller.log
mkdir -p "$REPO/build"
if ! "$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$REPO/dist" --workpath "$REPO/build" packaging/holbrook.spec >"$build_log.tmp" 2>&1; then
  cat "$build_log.tmp" >&2
  say "PyInstaller failed (log above)"
  exit 1
fi
mv "$build_log.tmp" "$build_log"  # after --clean, which empties build/
built=$(date +%s)

BUNDLE=$REPO/dist/holbrook
APP=$BUNDLE/holbrook
for folder in content resources; do
  [ -d "$BUNDLE/_internal/$folder" ] || { say "the bundle has no _internal/$folder"; exit 1; }
done

# The bundle must use what it carries, not a content folder named in this shell's environment.
run_bundle() { env -u HOLBROOK_CONTENT_DIR -u HOLBROOK_DATA_DIR "$@"; }

version=$(run_bundle "$APP" --version)
say "$version"
[ "$version" = "holbrook $("$PY" -c 'import holbrook_desktop; print(holbrook_desktop.__version__)')" ] \
  || { say "the bundle reports '$version', not this checkout's version"; exit 1; }

self_test_log=$REPO/build/self-test.log
t0=$(date +%s.%N)
if ! run_bundle "$APP" --self-test 2>"$self_test_log"; then
  run_bundle "$APP" --self-test --verbose >&2 || true  # again, with the traceback of what failed
  say "the bundle's self-test failed"
  exit 1
fi
t1=$(date +%s.%N)
cat "$self_test_log" >&2
grep -q "_internal/content" "$self_test_log" || { say "the self-test did not read the bundled content"; exit 1; }

# The self-test draws off screen; where Xvfb is at hand, draw once more through the real X11
# plugin (xcb), which needs libraries the offscreen one does not.
if command -v xvfb-run >/dev/null; then
  if ! QT_QPA_PLATFORM=xcb run_bundle xvfb-run -a "$APP" --self-test 2>"$self_test_log.xcb"; then
    cat "$self_test_log.xcb" >&2
    say "the bundle's self-test failed on X11 (xcb, under Xvfb)"
    exit 1
  fi
  say "self-test on X11 (xcb, under Xvfb): $(tail -n 1 "$self_test_log.xcb")"
else
  say "xvfb-run not found: the X11 (xcb) drawing check is skipped"
fi

say "bundle: $BUNDLE ($(du -sh "$BUNDLE" | cut -f1), $(find "$BUNDLE" -type f | wc -l) files)"
say "build time $((built - started)) s; self-test from the bundle $(awk "BEGIN{printf \"%.1f\", $t1 - $t0}") s"
