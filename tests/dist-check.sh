#!/usr/bin/env bash
# The linux-x64 release package, as a user gets it: builds it (./build.sh dist linux-x64), checks that the
# archive is at most KEEPSAKE_DIST_LIMIT_MB (60) MB, unpacks it into an empty folder and runs the README's main
# command with the packaged executable in place of `dotnet run --project src/Keepsake.Cli --`, in an empty home
# folder with no .NET variables set, then lists the snapshot it made. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
limit_mb=${KEEPSAKE_DIST_LIMIT_MB:-60}
start=$SECONDS

./build.sh dist linux-x64
archive=$(ls -t dist/keepsake-*-linux-x64.tar.gz | head -n 1)
size=$(stat -c %s "$archive")
echo "dist-check: $archive is $((size / 1048576)) MB ($size bytes; limit $limit_mb MB)"
if [ "$size" -gt $((limit_mb * 1048576)) ]; then
  echo "dist-check: FAILED: the archive is larger than $limit_mb MB" >&2
  exit 1
fi
(cd dist && grep " $(basename "$archive")\$" SHA256SUMS | sha256sum -c -)

work=$(mktemp -d "${TMPDIR:-/tmp}/keepsake-dist-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/home"
tar -C "$work" -xzf "$archive"
exe=$(echo "$work"/keepsake-*-linux-x64/keepsake)
[ -x "$exe" ] || { echo "dist-check: FAILED: no executable keepsake in the archive" >&2; exit 1; }

readme=$(sed -n '/^    /{s/^ *//;p;q}' README.md)
command=${readme/dotnet run --project src\/Keepsake.Cli --/\"$exe\"}
if [ "$command" = "$readme" ]; then
  echo "dist-check: FAILED: the README's main command no longer starts with 'dotnet run --project src/Keepsake.Cli --': $readme" >&2
  exit 1
fi
clean_env=(env -i "HOME=$work/home" "PATH=/usr/local/bin:/usr/bin:/bin" "TMPDIR=$work")
"${clean_env[@]}" "$exe" --version
echo "dist-check: $command"
output=$("${clean_env[@]}" bash -c "cd '$work/home' && $command" 2>&1) || { echo "$output" >&2; echo "dist-check: FAILED: the README's main command" >&2; exit 1; }
echo "$output" | tail -n 3
grep -Eq 'snapshot [0-9a-f]{8} saved for' <<<"$output" || { echo "dist-check: FAILED: no snapshot line" >&2; exit 1; }
[ -f "$work/home/.local/share/keepsake/vault/config" ] || { echo "dist-check: FAILED: no vault in the data folder" >&2; exit 1; }
"${clean_env[@]}" KEEPSAKE_PASSWORD=choose-a-vault-password "$exe" snapshots | tail -n 2
echo "dist-check: passed in $((SECONDS - start)) s"
