#!/usr/bin/env bash
# A CI-sized fuzzing run: each reader's target under afl++ for FUZZ_SECONDS (default 25; ten targets
# stay under five minutes), seeded from synthetic inputs and, when present, ../shared/fixtures (read
# in place, never copied into the repository). Exit 0: nothing found; 3: afl++ found crashes or hangs
# (each input is left under artifacts/fuzz/<target>/default/crashes or hangs, and is replayed in-process
# here to say what it raised: it becomes a regression test); 1: a target could not be fuzzed at all.
# Skip with KEEPSAKE_SKIP_FUZZ=1. Needs afl-fuzz (Debian afl++) and the sharpfuzz tool (SharpFuzz.CommandLine 2.3.0).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-25}
out=artifacts/fuzz
tools=artifacts/tools
[ -x "$tools/sharpfuzz" ] || dotnet tool install --tool-path "$tools" SharpFuzz.CommandLine --version 2.3.0 >/dev/null
bin=artifacts/fuzz-bin
rm -rf "$bin" "$out"
dotnet publish fuzz/Keepsake.Fuzz -c Release -o "$bin" --nologo -v quiet
fixtures=../shared/fixtures
[ -d "$fixtures" ] || fixtures=""
# Seeds first: instrumented code needs afl-fuzz's shared memory and cannot run on its own.
dotnet "$bin/Keepsake.Fuzz.dll" --seeds "$out/seeds" $fixtures
# Instrument the readers' assemblies (not the harness or the BCL).
for assembly in Keepsake.Plist Keepsake.BackupFormat Keepsake.Export Keepsake.Repository; do
  "$tools/sharpfuzz" "$bin/$assembly.dll" >/dev/null
done
# The instrumentation is in the .NET assemblies, not in the dotnet host afl-fuzz checks (SharpFuzz's documented setting).
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_QUIET=1
status=0
for target in plist keyed-archive manifest-db mbdb keybag typedstream notes-protobuf pack-header tree index; do
  timeout $((seconds + 30)) afl-fuzz -V "$seconds" -t 5000 -m none -i "$out/seeds/$target" -o "$out/$target" -- \
    dotnet "$bin/Keepsake.Fuzz.dll" "$target" >"$out/$target.log" 2>&1 || true
  crashes=$(find "$out/$target/default/crashes" "$out/$target/default/hangs" -type f -name 'id:*' 2>/dev/null | wc -l)
  execs=$(sed -n 's/^execs_done *: *//p' "$out/$target/default/fuzzer_stats" 2>/dev/null || echo 0)
  echo "fuzz $target: ${execs:-0} executions, $crashes crashes or hangs"
  if [ "$crashes" -gt 0 ]; then
    [ "$status" -eq 1 ] || status=3
    find "$out/$target/default/crashes" "$out/$target/default/hangs" -type f -name 'id:*' -print0 2>/dev/null \
      | xargs -0 -r timeout 120 dotnet fuzz/Keepsake.Fuzz/bin/Release/net10.0/Keepsake.Fuzz.dll "$target" --replay 2>&1 | sed "s/^/fuzz $target finding: /" || true
  fi
  # A target afl-fuzz could not run at all is a failure, not a clean result.
  [ "${execs:-0}" -gt 0 ] || { echo "fuzz $target: afl-fuzz did not run (see $out/$target.log)"; status=1; }
done
exit $status
