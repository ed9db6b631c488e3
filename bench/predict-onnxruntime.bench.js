// Inference throughput of onnxruntime-node (CPU, 1 and 2 intra-op threads) on an ONNX export of the same
// networks (made by `bench/reference/torch_models.py onnx`). onnxruntime-node is NOT a cislab dependency
// (see the kernels note: its install script downloads from api.nuget.org and fails offline); install it
// elsewhere with `npm install --ignore-scripts onnxruntime-node` and point ORT_MODULE at it:
//   ORT_MODULE=/tmp/ort/node_modules/onnxruntime-node node bench/predict-onnxruntime.bench.js /tmp/ort/mini.onnx 5
const ort = require(process.env.ORT_MODULE || 'onnxruntime-node');

async function main() {
  const [file, channelsArg, batchesArg] = process.argv.slice(2);
  const channels = Number(channelsArg || 5);
  const batches = Number(batchesArg || 4);
  const batch = 256;
  for (const threads of [1, 2]) {
    const session = await ort.InferenceSession.create(file, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
    const data = new Float32Array(batch * 110 * channels);
    for (let i = 0; i < 110 * batch; i++) data[i * channels + (i % 4)] = 1;
    const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', data, [batch, 110, channels]) };
    await session.run(feeds);
    const t = performance.now();
    const c = process.cpuUsage();
    for (let b = 0; b < batches; b++) await session.run(feeds);
    const seqPerSecond = (batches * batch * 1000) / (performance.now() - t);
    const cpu = process.cpuUsage(c);
    const seqPerCpuSecond = (batches * batch * 1e6) / (cpu.user + cpu.system);
    console.log(JSON.stringify({ file, threads, batch, seqPerSecond: Math.round(seqPerSecond * 10) / 10, seqPerCpuSecond: Math.round(seqPerCpuSecond * 10) / 10 }));
  }
}
main();
