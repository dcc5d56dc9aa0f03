#!/usr/bin/env bash
# Builds Keepsake's release packages.
#
#   ./build.sh dist [RID ...]
#
# writes into dist/:
#   keepsake-<version>-<rid>.tar.gz   (keepsake-<version>-win-x64.zip for Windows): one self-contained,
#                                     single-file, ReadyToRun executable that carries only its own
#                                     platform's native libraries, with README.md
#   keepsake.<version>.nupkg and keepsake.<rid>.<version>.nupkg: the .NET tool
#                                     (dotnet tool install --global --add-source dist keepsake)
#   SHA256SUMS                        (sha256sum -c SHA256SUMS checks them)
# The RIDs default to linux-x64 linux-arm64 osx-arm64 osx-x64 win-x64; naming some builds only those (and no
# tool package unless "tool" is one of the words). KEEPSAKE_DIST_NATIVE_AOT=1 builds linux-x64 with Native AOT
# instead (see docs/design/distribution.md for why it is not the default).
set -euo pipefail
cd "$(dirname "$0")"

usage() { echo "usage: ./build.sh dist [linux-x64|linux-arm64|osx-arm64|osx-x64|win-x64|tool ...]" >&2; exit 2; }
[ $# -ge 1 ] && [ "$1" = "dist" ] || usage
shift

all_rids=(linux-x64 linux-arm64 osx-arm64 osx-x64 win-x64)
rids=(); tool=0
if [ $# -eq 0 ]; then
  rids=("${all_rids[@]}"); tool=1
else
  for word in "$@"; do
    case "$word" in
      tool) tool=1 ;;
      linux-x64|linux-arm64|osx-arm64|osx-x64|win-x64) rids+=("$word") ;;
      *) usage ;;
    esac
  done
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
project=src/Keepsake.Cli/Keepsake.Cli.csproj
version=$(dotnet msbuild "$project" -getProperty:Version -nologo)
# The commit goes into the informational version (keepsake --version prints it); the SDK finds it itself in
# a git checkout, and this says it explicitly so a detached or shallow checkout gives the same answer.
commit=$(git rev-parse HEAD 2>/dev/null || true)
commit_arg=()
[ -n "$commit" ] && commit_arg=("-p:SourceRevisionId=$commit")

dist=dist
mkdir -p "$dist"
work=$(mktemp -d "${TMPDIR:-/tmp}/keepsake-dist.XXXXXX")
trap 'rm -rf "$work"' EXIT

for rid in "${rids[@]}"; do
  name="keepsake-$version-$rid"
  out="$work/$name"
  echo "build.sh: $name"
  if [ "$rid" = "linux-x64" ] && [ "${KEEPSAKE_DIST_NATIVE_AOT:-0}" = "1" ]; then
    dotnet publish "$project" -c Release -r "$rid" -nologo -v quiet -o "$out" "${commit_arg[@]}" \
      -p:PublishAot=true -p:DebugType=none
  else
    # Self-contained single file with the native libraries inside (extracted once, on first use, into
    # ~/.net). ReadyToRun, not composite: our assemblies and the libraries' are precompiled (start-up without
    # the JIT), the runtime's already are. Partial trimming removes unused parts of the runtime's assemblies
    # only (ours and the libraries' stay whole, so their reflection keeps working): about half the size.
    dotnet publish "$project" -c Release -r "$rid" -nologo -v quiet -o "$out" "${commit_arg[@]}" \
      --self-contained -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:DebugType=none \
      -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=false \
      -p:PublishTrimmed=true -p:TrimMode=partial -p:SuppressTrimAnalysisWarnings=true \
      -p:ILLinkTreatWarningsAsErrors=false -p:EnableTrimAnalyzer=false
  fi
  cp README.md "$out/"
  rm -f "$out"/*.pdb "$out"/*.dbg "$out"/*.xml
  if [ "$rid" = "win-x64" ]; then
    rm -f "$dist/$name.zip"
    (cd "$work" && zip -qr -9 - "$name") > "$dist/$name.zip"
  else
    tar -C "$work" --owner=0 --group=0 -czf "$dist/$name.tar.gz" "$name"
  fi
  rm -rf "$out"
done

if [ "$tool" -eq 1 ]; then
  echo "build.sh: keepsake $version (.NET tool)"
  rm -f "$dist"/keepsake.*"$version".nupkg
  # One small package that points to one package per platform, each with only that platform's native
  # libraries (the .NET 10 SDK's RID-specific tools); dotnet tool install picks the right one.
  dotnet pack "$project" -c Release -nologo -v quiet -o "$dist" "${commit_arg[@]}" \
    -p:PackAsTool=true -p:ToolCommandName=keepsake -p:PackageId=keepsake \
    "-p:ToolPackageRuntimeIdentifiers=$(IFS=';'; echo "${all_rids[*]}" | sed 's/;/%3B/g')"
fi

shopt -s nullglob
cd "$dist"
built=(keepsake-*.tar.gz keepsake-*.zip keepsake.*.nupkg)
rm -f SHA256SUMS
sha256sum -- "${built[@]}" > SHA256SUMS
echo "build.sh: $dist/"
for file in "${built[@]}"; do
  printf '  %8.1f MB  %s\n' "$(($(stat -c %s "$file") * 10 / 1048576))e-1" "$file"
done
