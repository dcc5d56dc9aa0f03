#!/usr/bin/env bash
# Runs every Keepsake test. Installs what the tests need when it is missing:
# Debian packages (restic, libimobiledevice-utils, libplist-utils, sqlite3, openssl, chromium, poppler-utils,
# libheif-examples, libimage-exiftool-perl, util-linux, nodejs, python3-jsonschema, fonts-dejavu-core, and Ceph's
# radosgw, ceph-mon, ceph-osd, ceph-common for the S3 tests), the npm packages of tests/Keepsake.Export.Tests/js and
# NuGet packages. Starts one throwaway S3 server (tests/s3-server.sh: Ceph radosgw on 127.0.0.1) for the run and
# stops it at the end.
# Usage: ./test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Plist]
set -euo pipefail
cd "$(dirname "$0")"

# program -> Debian package that provides it
declare -A needs=(
  [restic]=restic
  [idevicebackup2]=libimobiledevice-utils
  [idevice_id]=libimobiledevice-utils
  [plistutil]=libplist-utils
  [sqlite3]=sqlite3
  [openssl]=openssl
  [chromium]=chromium
  [pdftoppm]=poppler-utils
  [pdftotext]=poppler-utils
  [heif-enc]=libheif-examples
  [exiftool]=libimage-exiftool-perl
  [node]=nodejs
  [npm]=npm
  [runuser]=util-linux
  [curl]=curl
  [radosgw]=radosgw
  [ceph-mon]=ceph-mon
  [ceph-osd]=ceph-osd
  [ceph]=ceph-common
  [afl-fuzz]=afl++
)
# Python module -> Debian package. The tests run Debian's /usr/bin/python3, which sees apt's modules
# (CI reaches no Python registry).
declare -A python_needs=(
  [jsonschema]=python3-jsonschema
)
# File -> Debian package (the PDF export embeds DejaVu fonts when present).
declare -A file_needs=(
  [/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf]=fonts-dejavu-core
  [/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf]=fonts-dejavu-core
)
missing=()
for file in "${!file_needs[@]}"; do
  [ -f "$file" ] || missing+=("${file_needs[$file]}")
done
for program in "${!needs[@]}"; do
  command -v "$program" >/dev/null 2>&1 || missing+=("${needs[$program]}")
done
for module in "${!python_needs[@]}"; do
  /usr/bin/python3 -c "import $module" >/dev/null 2>&1 || missing+=(python3 "${python_needs[$module]}")
done
if [ ${#missing[@]} -gt 0 ]; then
  packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
  echo "test.sh: installing Debian packages: $packages"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends $packages >/dev/null
fi

# npm packages the tests use as independent parsers (ical.js reads the vCard 4.0 output), pinned by the lock file.
js=tests/Keepsake.Export.Tests/js
if [ ! -d "$js/node_modules" ] || [ "$js/package-lock.json" -nt "$js/node_modules" ]; then
  npm ci --prefix "$js" --no-audit --no-fund --loglevel=error
fi
# axe-core for the web app's accessibility audit in the browser tests, pinned by its lock file.
webjs=tests/Keepsake.Web.Tests/js
if [ ! -d "$webjs/node_modules" ] || [ "$webjs/package-lock.json" -nt "$webjs/node_modules" ]; then
  npm ci --prefix "$webjs" --no-audit --no-fund --loglevel=error
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet restore Keepsake.slnx
dotnet build Keepsake.slnx -c Release --no-restore -nologo -v minimal

# The S3 tests' server: one single-node Ceph radosgw for the whole run, on 127.0.0.1 at a free port,
# stopped (by its pid files) however the run ends. Without it the S3 tests skip, or fail under CI.
if [ -z "${KEEPSAKE_TEST_S3_ENDPOINT:-}" ]; then
  s3dir=$(mktemp -d "${TMPDIR:-/tmp}/keepsake-s3.XXXXXX")
  trap 'tests/s3-server.sh stop "$s3dir"' EXIT
  if tests/s3-server.sh start "$s3dir"; then
    # shellcheck disable=SC1091
    . "$s3dir/env"
  else
    echo "test.sh: the S3 test server did not start; the S3 tests will skip (or fail under CI)." >&2
  fi
fi

results=artifacts/test-results
rm -rf "$results"
# dotnet test takes one --filter: a caller's filter is joined to the hardware exclusion.
filter="Category!=Hardware"
args=()
while [ $# -gt 0 ]; do
  if [ "$1" = "--filter" ] && [ $# -ge 2 ]; then
    filter="$filter&($2)"
    shift 2
  else
    args+=("$1")
    shift
  fi
done
status=0
dotnet test Keepsake.slnx -c Release --no-build --nologo \
  --filter "$filter" \
  --logger "trx" --logger "console;verbosity=normal" \
  --results-directory "$results" "${args[@]}" || status=$?

# The managed fallbacks that Windows and macOS users run, forced on: the vault's zstd and Poly1305 and the
# SQLite column reads (the comparison tests skip, saying why, since there is no native side to compare).
# The crash-safety tests, which exercise process kills rather than these paths, run once above.
if [ "${KEEPSAKE_TEST_MANAGED:-1}" != "0" ]; then
  KEEPSAKE_ZSTD=managed KEEPSAKE_POLY1305=managed KEEPSAKE_SQLITE=managed \
  dotnet test tests/Keepsake.Repository.Tests -c Release --no-build --nologo \
    --filter "$filter&FullyQualifiedName!~CrashSafetyTests" \
    --logger "trx;LogFileName=repository-managed.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results/managed" || status=$?
  KEEPSAKE_ZSTD=managed KEEPSAKE_POLY1305=managed KEEPSAKE_SQLITE=managed \
  dotnet test tests/Keepsake.Export.Tests -c Release --no-build --nologo \
    --filter "$filter&(FullyQualifiedName~Databases|FullyQualifiedName~Messages)" \
    --logger "trx;LogFileName=export-managed.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results/managed" || status=$?
fi

# The linux-x64 release package (tests/dist-check.sh): built with ./build.sh dist, its size checked (at most
# 60 MB), and the README's main command run with it on a clean data folder; it prints its time (about 3 minutes
# here, more when NuGet must first download the runtime packs) and is bounded to 10 minutes.
# KEEPSAKE_SKIP_DIST=1 skips it locally.
if [ "${KEEPSAKE_SKIP_DIST:-0}" != "1" ]; then
  timeout 600 tests/dist-check.sh || { echo "test.sh: the release package check failed (or ran over 10 minutes)"; status=1; }
fi

# The fuzzing run (fuzz/run.sh, under five minutes); KEEPSAKE_SKIP_FUZZ=1 skips it locally, CI runs it.
# A harness that cannot fuzz fails the run. What a time-boxed random campaign newly finds is printed with
# what it raised and kept under artifacts/fuzz, to become a regression test in the test projects (where
# it then fails the run until fixed); it does not by itself fail this run, whose verdict is on the tests.
if [ "${KEEPSAKE_SKIP_FUZZ:-0}" != "1" ]; then
  fuzz_status=0
  fuzz/run.sh || fuzz_status=$?
  if [ "$fuzz_status" -eq 3 ]; then
    echo "test.sh: the fuzzing run found new crashing or hanging inputs (listed above, kept under artifacts/fuzz)"
  elif [ "$fuzz_status" -ne 0 ]; then
    status=1
  fi
fi

# One plain closing line over every test assembly (the last line printed).
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx "$results"/managed/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters"); e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
done
echo "tests: $passed passed, $failed failed, $skipped skipped"

exit $status
