// Runs an ONNX model with ONNX Runtime (CPU) on one .npy input (float32 or
// uint8) and writes each output as its raw bytes plus a shape line. Usage:
//   node ort_run.js model.onnx input_name input.npy out_prefix [threads] [bench_runs]
const ort = require('onnxruntime-node');
const fs = require('fs');
function readNpy(path) {
  const buf = fs.readFileSync(path);
  const headerLen = buf.readUInt16LE(8);
  const header = buf.slice(10, 10 + headerLen).toString();
  const shape = header.match(/'shape': \(([^)]*)\)/)[1].split(',').filter(s => s.trim()).map(Number);
  const bytes = buf.buffer.slice(buf.byteOffset + 10 + headerLen);
  if (header.includes("'|u1'"))
    return { shape, data: new Uint8Array(bytes), type: 'uint8' };
  return { shape, data: new Float32Array(bytes), type: 'float32' };
}
(async () => {
  const [model, name, input, prefix, threads = '1', runs = '0'] = process.argv.slice(2);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: Number(threads), interOpNumThreads: 1,
    graphOptimizationLevel: 'all' });
  const { shape, data, type } = readNpy(input);
  const feeds = { [name]: new ort.Tensor(type, data, shape) };
  const out = await session.run(feeds);
  for (const [k, v] of Object.entries(out)) {
    fs.writeFileSync(`${prefix}.${k.replace(/[^A-Za-z0-9_.]/g, '_')}.bin`, Buffer.from(v.data.buffer));
    fs.writeFileSync(`${prefix}.${k.replace(/[^A-Za-z0-9_.]/g, '_')}.shape`, v.dims.join(','));
  }
  const n = Number(runs);
  if (n > 0) {
    const times = [];
    for (let i = 0; i < n; ++i) {
      const t0 = process.hrtime.bigint();
      await session.run(feeds);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    times.sort((a, b) => a - b);
    console.log(`ort median ${times[Math.floor(n / 2)].toFixed(3)} ms  min ${times[0].toFixed(3)} ms`);
  }
})().catch(e => { console.error(e.message); process.exit(1); });
