#!/usr/bin/env bash
# Builds the prebuilt files bench/gpu-check.sh needs on a machine that has the checkout but no node_modules and
# no network: out/gpu-bundle/ (at most 64 MiB). Run here, from the repository root, after npm install:
#   bash bench/gpu-bundle.sh
# It writes
#   out/gpu-bundle/gpu-check.js                    bench/gpu-check.ts and the cislab code it uses, bundled by esbuild
#   out/gpu-bundle/node_modules/onnxruntime-node/  package.json, dist/, and bin/napi-v*/linux/x64/ only
#   out/gpu-bundle/node_modules/onnxruntime-common/ package.json, dist/cjs/
# and prints every file with its size. CUDA for ONNX Runtime is not in it: onnxruntime-node downloads its CUDA
# provider at install (--onnxruntime-node-install-cuda), hundreds of MB; a GPU machine that has it installed in the
# checkout's node_modules is used as is. The WebGPU provider is inside libonnxruntime.so.
set -euo pipefail
cd "$(dirname "$0")/.."
out=out/gpu-bundle
rm -rf "$out.tmp"
mkdir -p "$out.tmp/node_modules/onnxruntime-node" "$out.tmp/node_modules/onnxruntime-common/dist"
node_modules/.bin/esbuild bench/gpu-check.ts --bundle --platform=node --target=node20 --format=cjs \
  --external:onnxruntime-node --external:@tensorflow/tfjs-node-gpu --external:@tensorflow/tfjs-node \
  --minify --outfile="$out.tmp/gpu-check.js" --log-level=warning
ort=$(node -p "require('path').dirname(require.resolve('onnxruntime-node/package.json'))")
common=$(node -p "require('path').resolve(require.resolve('onnxruntime-common', { paths: ['$ort'] }), '../../..')")
cp "$ort/package.json" "$out.tmp/node_modules/onnxruntime-node/"
cp -r "$ort/dist" "$out.tmp/node_modules/onnxruntime-node/"
for dir in "$ort"/bin/napi-v*/linux/x64; do
  rel=${dir#"$ort"/}
  mkdir -p "$out.tmp/node_modules/onnxruntime-node/$rel"
  cp "$dir"/* "$out.tmp/node_modules/onnxruntime-node/$rel/"
done
cp "$common/package.json" "$out.tmp/node_modules/onnxruntime-common/"
cp -r "$common/dist/cjs" "$out.tmp/node_modules/onnxruntime-common/dist/"
rm -rf "$out"
mv "$out.tmp" "$out"
(cd "$out" && find . -type f -printf '%10s  %p\n' | sort -k2)
total=$(du -sb "$out" | cut -f1)
echo "total $((total / 1048576)) MiB in $out"
if [ "$total" -gt $((64 * 1048576)) ]; then echo "over the 64 MiB budget" >&2; exit 1; fi
