#!/usr/bin/env bash
# The package consumer test: packs FocalLoss.TorchSharp into artifacts/packages, then makes a fresh project in a
# temporary folder that references it from that local folder feed together with TorchSharp-cpu and TorchVision from
# the normal feed, builds it and runs it (through build/torchsharp-env.sh, where TorchSharp's native library loads).
# The program (tests/package/consumer/Program.cs) checks the loss and its gradient against torchvision's composite.
#
#   tests/package/run.sh [--no-pack]      --no-pack: use the .nupkg already in artifacts/packages
# Writes artifacts/test-results/consumer.counts ("passed failed skipped") for build/test.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
results="$root/artifacts/test-results"; mkdir -p "$results"
counts="$results/consumer.counts"
echo "0 1 0" > "$counts"   # a failure unless the program says otherwise

pack=1
[ "${1:-}" = "--no-pack" ] && pack=0

version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -1)
torchsharp=$(sed -n 's:.*<TorchSharpVersion>\(.*\)</TorchSharpVersion>.*:\1:p' Directory.Packages.props | head -1)
feed="$root/artifacts/packages"

if [ $pack -eq 1 ]; then
  rm -f "$feed"/FocalLoss.TorchSharp.*.nupkg
  dotnet pack src/FocalLoss.TorchSharp -c Release -o "$feed" -nologo -v q
fi
nupkg="$feed/FocalLoss.TorchSharp.$version.nupkg"
[ -f "$nupkg" ] || { echo "consumer: no $nupkg" >&2; exit 1; }

work=$(mktemp -d /tmp/focalloss-consumer.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The version does not change between builds, so a copy of FocalLoss.TorchSharp $version in the NuGet global cache
# may be an older build. The consumer therefore restores into its own empty packages folder, so this build's package
# is the one extracted. Deleting the copy from the shared global cache instead would race with other builds on the
# same machine (one deletes it while another restores from it). The other packages come from the global cache,
# through a fallback folder that links every package there except FocalLoss.TorchSharp (no second download).
global="${NUGET_PACKAGES:-$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')}"
global="${global%/}"
mkdir -p "$work/packages" "$work/fallback" "$work/project"
for d in "$global"/*/; do
  name=$(basename "$d")
  [ "$name" = "focalloss.torchsharp" ] || ln -s "${d%/}" "$work/fallback/$name"
done
proj="$work/project"   # beside, not above, the packages folders (the SDK globs every .cs file below a project)
cp tests/package/consumer/Program.cs "$proj/"
cat > "$proj/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <!-- FocalLoss.TorchSharp is not published: it comes from this local folder; everything else from the usual feed. -->
    <add key="focalloss-local" value="$feed" />
  </packageSources>
  <fallbackPackageFolders>
    <add key="global-without-focalloss" value="$work/fallback" />
  </fallbackPackageFolders>
</configuration>
XML
cat > "$proj/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>disable</ImplicitUsings>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="FocalLoss.TorchSharp" Version="$version" />
    <PackageReference Include="TorchSharp-cpu" Version="$torchsharp" />
    <PackageReference Include="TorchVision" Version="$torchsharp" />
  </ItemGroup>
</Project>
XML

echo "consumer: building a fresh project in $proj (FocalLoss.TorchSharp $version from $feed, TorchSharp-cpu $torchsharp)"
(cd "$proj" && NUGET_PACKAGES="$work/packages" dotnet build -c Release -nologo -v q)
restored=$(find "$work/packages" -path "*/focalloss.torchsharp/$version/lib/*/FocalLoss.TorchSharp.dll" | head -1)
cmp -s "$restored" <(unzip -p "$nupkg" "${restored#*/focalloss.torchsharp/$version/}") \
  || { echo "consumer: the restored FocalLoss.TorchSharp is not the one just packed" >&2; exit 1; }
set +e
(cd "$proj" && "$root/build/torchsharp-env.sh" dotnet bin/Release/net10.0/Consumer.dll)
rc=$?
set -e
if [ $rc -eq 0 ]; then echo "1 0 0" > "$counts"; fi
exit $rc
