#!/usr/bin/env bash
# GPU check, unattended and offline: run from the checkout's root on a GPU machine,
#   bash bench/gpu-check.sh [options of bench/gpu-check.ts, e.g. --models camformer-mini --steps 20]
# It prints what the machine has (GPU, driver, Vulkan, PyTorch), then training, prediction and fast-ISM throughput
# per ONNX Runtime execution provider (CPU, WebGPU, CUDA), tfjs-node-gpu and PyTorch CUDA, each where it starts
# here; what cannot run is reported with the reason and skipped (the script still exits 0).
# Needs Node ≥ 20 and either the checkout's node_modules (npm install) or the prebuilt out/gpu-bundle/ that
# bench/gpu-bundle.sh builds (≤ 64 MiB: the bundled check, onnxruntime-node's linux-x64 library and JS).
# PyTorch: $PYTHON (default /usr/bin/python3) with torch built for CUDA, if present.
set -u
cd "$(dirname "$0")/.."
echo "== machine"
uname -srm
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || echo "nvidia-smi: not found (no NVIDIA driver, or not on PATH)"
command -v vulkaninfo >/dev/null && (vulkaninfo --summary 2>/dev/null | grep -E "deviceName|driverName|apiVersion" | head -6) || echo "vulkaninfo: not found (WebGPU needs a Vulkan driver; ONNX Runtime will say if it finds no adapter)"
ls /usr/share/vulkan/icd.d/ /etc/vulkan/icd.d/ 2>/dev/null | sed 's/^/vulkan icd: /'
"${PYTHON:-/usr/bin/python3}" -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda, 'available', torch.cuda.is_available())" 2>/dev/null || echo "PyTorch: not importable by ${PYTHON:-/usr/bin/python3}"
command -v node >/dev/null || { echo "node: not found; the check needs Node >= 20"; exit 0; }
echo "node $(node --version)"
echo "== throughput"
if [ -d node_modules/onnxruntime-node ] && [ -d node_modules/tsx ]; then
  node --require tsx/cjs bench/gpu-check.ts "$@"
elif [ -f out/gpu-bundle/gpu-check.js ]; then
  NODE_PATH="$PWD/out/gpu-bundle/node_modules" node out/gpu-bundle/gpu-check.js "$@"
else
  echo "neither node_modules (npm install) nor out/gpu-bundle/ (bash bench/gpu-bundle.sh, then copy it here): nothing to run"
fi
exit 0
