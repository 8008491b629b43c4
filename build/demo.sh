#!/usr/bin/env bash
# The main job, for a new user: shows the analyzer catching the seed-style focal-loss bugs in a
# sample project, the diff its fixes apply, the clean rebuild, and the fused native runtime
# computing a loss next to the torchvision reference.
#
#   build/demo.sh            everything (installs missing system packages first)
#   build/demo.sh --no-deps  skip the system package check
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MSBUILDDISABLENODEREUSE=1

deps=1
[ "${1:-}" = "--no-deps" ] && deps=0
bold=$'\e[1m'; dim=$'\e[2m'; off=$'\e[0m'
[ -t 1 ] || { bold=""; dim=""; off=""; }
step() { printf '\n%s==> %s%s\n' "$bold" "$1" "$off"; }

if [ $deps -eq 1 ]; then step "Checking system packages"; bash build/install-deps.sh; fi

step "Packing the FocalLoss.Analyzers NuGet package"
dotnet pack src/FocalLoss.Analyzers.Package/FocalLoss.Analyzers.Package.csproj -c Release -nologo -v q
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -1)
torchsharp=$(sed -n 's:.*<TorchSharpVersion>\(.*\)</TorchSharpVersion>.*:\1:p' Directory.Packages.props | head -1)
cache=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
rm -rf "$cache/focalloss.analyzers/$version"
ls -1 artifacts/packages/FocalLoss.Analyzers."$version".nupkg

work=$(mktemp -d "${TMPDIR:-/tmp}/focalloss-demo-XXXXXX")
trap 'rm -rf "$work"' EXIT
cp tests/e2e/sample/*.cs tests/e2e/sample/*.csproj "$work/"
cat > "$work/Directory.Build.props" <<EOF
<Project><PropertyGroup>
  <FocalLossRepo>$root/</FocalLossRepo>
  <FocalLossAnalyzersVersion>$version</FocalLossAnalyzersVersion>
  <TorchSharpVersion>$torchsharp</TorchSharpVersion>
</PropertyGroup></Project>
EOF
cat > "$work/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration><packageSources><add key="focalloss-local" value="$root/artifacts/packages" /></packageSources></configuration>
EOF
mkdir -p "$work/.original" && cp "$work"/*.cs "$work/.original/"

step "The sample project: C# ports of OpenPCDet, MMDetection and YOLOv5 focal losses, plus seed 000's proposed change"
for f in "$work"/*.cs; do printf '  %s\n' "$(basename "$f")"; done

step "dotnet build (the analyzer runs inside the compiler)"
set +e
dotnet build "$work/FocalLossSample.csproj" -nologo -v q -clp:NoSummary > "$work/build1.log" 2>&1
rc=$?
set -e
grep -E ": (warning|error) " "$work/build1.log" | sed "s#$work/##; s# \[.*\]##" | sort -u
[ $rc -eq 0 ] || { echo "build failed:"; tail -20 "$work/build1.log"; exit 1; }
ids=$(grep -oE "warning FL[0-9]{4}" "$work/build1.log" | awk '{print $2}' | sort -u)

step "dotnet format analyzers: applying the code fixes"
for id in $ids; do
  echo "  dotnet format analyzers --diagnostics $id --severity warn"
  dotnet format analyzers "$work/FocalLossSample.csproj" --diagnostics "$id" --severity warn --no-restore
done
color=never; [ -t 1 ] && color=always
for f in "$work"/.original/*.cs; do
  name=$(basename "$f")
  git --no-pager diff --no-index --color=$color --src-prefix=before/ --dst-prefix=after/ "$f" "$work/$name" \
    | sed -e "s#$work/.original/#/sample/#g" -e "s#$work/#/sample/#g" | grep -vE "^(diff --git|index )" || true
done

step "dotnet build again"
dotnet build "$work/FocalLossSample.csproj" -nologo -v q -clp:NoSummary --no-restore --no-dependencies --no-incremental -warnaserror > "$work/build2.log" 2>&1 \
  && echo "  Build succeeded with -warnaserror: 0 FL warnings." \
  || { echo "  rebuild failed:"; tail -20 "$work/build2.log"; exit 1; }

step "The second code action: replace a hand-written loss (here the double-sigmoid one) with FocalLoss.TorchSharp"
echo "  (offered after the in-place fix, as in the IDE's light bulb; dotnet format applies only the first)"
mkdir -p "$work/runtime"
dotnet run --project samples/RuntimeFixDemo/RuntimeFixDemo.csproj -c Release -v q -- \
  "$work/.original/DoubleSigmoidFocalLoss.cs" "$work/runtime/DoubleSigmoidFocalLoss.cs"
git --no-pager diff --no-index --color=$color --src-prefix=before/ --dst-prefix=after/ \
  "$work/.original/DoubleSigmoidFocalLoss.cs" "$work/runtime/DoubleSigmoidFocalLoss.cs" \
  | sed -e "s#$work/.original/#/sample/#g" -e "s#$work/runtime/#/sample/#g" | grep -vE "^(diff --git|index )" || true

step "The runtime: FocalLoss.TorchSharp's fused native core (libtorch $(dpkg-query -W -f='${Version}' libtorch-dev 2>/dev/null | cut -d+ -f1)) next to torchvision"
bash build/build-native.sh > "$work/native.log" 2>&1 || { tail -30 "$work/native.log"; exit 1; }
dotnet run --project samples/RuntimeDemo/RuntimeDemo.csproj -c Release -v q
