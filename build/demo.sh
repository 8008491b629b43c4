#!/usr/bin/env bash
# The main job, for a new user: the FocalLoss analyzer catching focal-loss bugs in a sample project
# (C# ports of real detection code plus buggy variants), the diff its fixes apply, the clean
# rebuild, and then, in TorchSharp, the FocalLoss.TorchSharp runtime next to TorchSharp's own
# torchvision.ops, and the buggy losses executed before and after the fix.
#
#   build/demo.sh            everything (installs what is missing first: cmake, g++, git, and the
#                            Debian 13 root that TorchSharp 0.107 needs on Debian 12)
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

if [ $deps -eq 1 ]; then
  step "Checking what the demo needs"
  bash build/install-deps.sh --demo
  build/torchsharp-env.sh --prepare
fi

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
# a name that says what the file holds (in the repository it is named after the article it came from)
[ -f "$work/Seed000Proposal.cs" ] && mv "$work/Seed000Proposal.cs" "$work/OpenPcdetProposedFix.cs"
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

step "The sample project: C# ports of OpenPCDet, MMDetection and YOLOv5 focal losses, and five buggy ones"
declare -A about=(
  [OpenPcdetLoss.cs]="OpenPCDet's SigmoidFocalClassificationLoss as published (correct: its pt holds 1 - p_t)"
  [MmdetFocalLoss.cs]="MMDetection's py_sigmoid_focal_loss (correct)"
  [Yolov5FocalLoss.cs]="YOLOv5's FocalLoss (correct)"
  [OpenPcdetProposedFix.cs]="OpenPCDet's loss after a proposed \"fix\": pt rewritten to p_t, pt^gamma kept (inverted modulating factor)"
  [Yolov5InvertedAlpha.cs]="YOLOv5's loss with alpha swapped between positives and negatives"
  [DoubleSigmoidFocalLoss.cs]="probabilities passed to binary_cross_entropy_with_logits (sigmoid applied twice)"
  [BranchFormLogLoss.cs]="log(p) and log(1 - p) of the probability (-inf in float32 for large |x|)"
  [ReducedTooEarly.cs]="the cross entropy reduced before the focal weighting"
)
for f in "$work"/*.cs; do n=$(basename "$f"); printf '  %-26s %s\n' "$n" "${about[$n]:-}"; done

step "dotnet build (the analyzer runs inside the compiler)"
set +e
dotnet build "$work/FocalLossSample.csproj" -nologo -v q -clp:NoSummary > "$work/build1.log" 2>&1
rc=$?
set -e
grep -E ": (warning|error) " "$work/build1.log" | sed "s#$work/##; s# \[.*\]##" | sort -u
[ $rc -eq 0 ] || { echo "build failed:"; tail -20 "$work/build1.log"; exit 1; }
ids=$(grep -oE "warning FL[0-9]{4}" "$work/build1.log" | awk '{print $2}' | sort -u)
mkdir -p "$work/.before" "$work/.after"
cp "$work"/bin/Debug/*/FocalLossSample.dll "$work/.before/"

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
cp "$work"/bin/Debug/*/FocalLossSample.dll "$work/.after/"

step "The second code action: replace a hand-written loss (here the double-sigmoid one) with FocalLoss.TorchSharp"
echo "  (offered after the in-place fix, as in the IDE's light bulb; dotnet format applies only the first)"
mkdir -p "$work/runtime"
dotnet run --project samples/RuntimeFixDemo/RuntimeFixDemo.csproj -c Release -v q -- \
  "$work/.original/DoubleSigmoidFocalLoss.cs" "$work/runtime/DoubleSigmoidFocalLoss.cs"
git --no-pager diff --no-index --color=$color --src-prefix=before/ --dst-prefix=after/ \
  "$work/.original/DoubleSigmoidFocalLoss.cs" "$work/runtime/DoubleSigmoidFocalLoss.cs" \
  | sed -e "s#$work/.original/#/sample/#g" -e "s#$work/runtime/#/sample/#g" | grep -vE "^(diff --git|index )" || true

step "Building FocalLoss.TorchSharp (its native kernel library, then the TorchSharp programs below)"
bash build/build-native.sh > "$work/native.log" 2>&1 || { tail -30 "$work/native.log"; exit 1; }
for p in RuntimeDemo FixedLossDemo; do
  dotnet build "samples/$p/$p.csproj" -c Release -nologo -v q -clp:NoSummary > "$work/$p.log" 2>&1 \
    || { tail -30 "$work/$p.log"; exit 1; }
done
echo "  done (TorchSharp programs run through build/torchsharp-env.sh: $(build/torchsharp-env.sh --where | sed 's#^host$#this machine#; s#^/.*#a Debian 13 root, for its newer libstdc++#'))"

step "FocalLoss.TorchSharp next to TorchSharp's own torchvision.ops.sigmoid_focal_loss: loss and gradient"
build/torchsharp-env.sh dotnet samples/RuntimeDemo/bin/Release/net10.0/RuntimeDemo.dll

step "The buggy losses executed: as written, after dotnet format's fix, and the correct value"
build/torchsharp-env.sh dotnet samples/FixedLossDemo/bin/Release/net10.0/FixedLossDemo.dll \
  "$work/.before/FocalLossSample.dll" "$work/.after/FocalLossSample.dll"
