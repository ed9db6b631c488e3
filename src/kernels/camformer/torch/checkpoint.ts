/**
 * Reads the tensors of a PyTorch checkpoint without PyTorch: the ZIP format of `torch.save` (1.6+: `data.pkl`
 * plus one raw file per storage) and the legacy format (`_use_new_zipfile_serialization=False`: five pickles,
 * then the storages), holding a state dict, a whole pickled `nn.Module` (what the Camformer authors save:
 * `torch.save(model, best_model_path)`, base/model_utils.py L163) or a checkpoint dict around either. Tensors are
 * views (storage, offset, size, stride), gathered into contiguous float32 arrays on demand.
 */
import { InputError } from '../../../errors';
import { isZip, readZip } from '../../../io/archive';
import { PyDict, PyGlobal, PyObject, describe, unpickle, type GlobalHandler } from './pickle';

/** Element types of torch storages, by storage class name. */
const STORAGE_TYPES: Record<string, { dtype: string; bytes: number }> = {
  FloatStorage: { dtype: 'float32', bytes: 4 }, DoubleStorage: { dtype: 'float64', bytes: 8 },
  HalfStorage: { dtype: 'float16', bytes: 2 }, BFloat16Storage: { dtype: 'bfloat16', bytes: 2 },
  LongStorage: { dtype: 'int64', bytes: 8 }, IntStorage: { dtype: 'int32', bytes: 4 },
  ShortStorage: { dtype: 'int16', bytes: 2 }, CharStorage: { dtype: 'int8', bytes: 1 },
  ByteStorage: { dtype: 'uint8', bytes: 1 }, BoolStorage: { dtype: 'bool', bytes: 1 },
};

/** One storage: its element type and raw little-endian bytes (filled in once the file's layout is known). */
export class TorchStorage {
  bytes: Uint8Array | undefined;
  constructor(readonly key: string, readonly dtype: string, readonly elementBytes: number, readonly numel: number, readonly offset = 0) {}
}

/** A tensor view into a storage (what `torch._utils._rebuild_tensor_v2` rebuilds). */
export class TorchTensor {
  constructor(readonly storage: TorchStorage, readonly offset: number, readonly shape: number[], readonly stride: number[]) {}

  get dtype(): string { return this.storage.dtype; }
  get size(): number { return this.shape.reduce((a, b) => a * b, 1); }

  /** The elements in row-major order of `shape`, as float32 (integers and halves converted). */
  values(): Float32Array {
    const s = this.storage;
    if (!s.bytes) throw new InputError(`storage ${s.key} was never read`);
    const view = new DataView(s.bytes.buffer, s.bytes.byteOffset, s.bytes.byteLength);
    const read = elementReader(view, s.dtype, s.elementBytes);
    const out = new Float32Array(this.size);
    const { shape, stride } = this;
    const index = new Array<number>(shape.length).fill(0);
    const elements = Math.floor(s.bytes.byteLength / s.elementBytes);
    for (let i = 0; i < out.length; i++) {
      let element = s.offset + this.offset;
      for (let d = 0; d < shape.length; d++) element += index[d]! * stride[d]!;
      if (element < 0 || element >= elements) throw new InputError(`tensor element ${i} lies outside storage ${s.key}`);
      out[i] = read(element);
      for (let d = shape.length - 1; d >= 0; d--) { if (++index[d]! < shape[d]!) break; index[d] = 0; }
    }
    return out;
  }
}

function elementReader(view: DataView, dtype: string, bytes: number): (i: number) => number {
  switch (dtype) {
    case 'float32': return (i) => view.getFloat32(i * bytes, true);
    case 'float64': return (i) => view.getFloat64(i * bytes, true);
    case 'float16': return (i) => halfToFloat(view.getUint16(i * bytes, true));
    case 'bfloat16': return (i) => { const b = new DataView(new ArrayBuffer(4)); b.setUint32(0, view.getUint16(i * bytes, true) << 16, true); return b.getFloat32(0, true); };
    case 'int64': return (i) => Number(view.getBigInt64(i * bytes, true));
    case 'int32': return (i) => view.getInt32(i * bytes, true);
    case 'int16': return (i) => view.getInt16(i * bytes, true);
    case 'int8': return (i) => view.getInt8(i * bytes);
    default: return (i) => view.getUint8(i * bytes);
  }
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** A tensor found in the checkpoint, in state-dict order. */
export interface NamedTensor {
  /** State-dict key (`CNN_layers.0.0.conv.weight`), or the path through the pickled modules. */
  name: string;
  tensor: TorchTensor;
  /** The class of the module that holds it, when the checkpoint is a pickled module. */
  module?: string;
}

const rebuildTensor: GlobalHandler = (args) => {
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof TorchStorage)) return undefined;
  const shape = [...(size as number[])];
  return new TorchTensor(storage, Number(offset), shape, stride ? [...(stride as number[])] : contiguousStride(shape));
};

function contiguousStride(shape: number[]): number[] {
  const stride = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) { stride[d] = s; s *= shape[d]!; }
  return stride;
}

const TENSOR_HANDLERS: Record<string, GlobalHandler> = {
  'torch._utils._rebuild_tensor_v2': rebuildTensor,
  'torch._utils._rebuild_tensor': rebuildTensor,
  'torch._utils._rebuild_parameter': (args) => (args[0] instanceof TorchTensor ? args[0] : undefined),
  'torch._utils._rebuild_parameter_with_state': (args) => (args[0] instanceof TorchTensor ? args[0] : undefined),
  'torch._tensor._rebuild_from_type_v2': (args) => {
    const [fn, , inner] = args;
    const handler = fn instanceof PyGlobal ? TENSOR_HANDLERS[fn.qualified] : undefined;
    return handler ? handler([...((inner as unknown[]) ?? [])]) : undefined;
  },
  'torch.device': (args) => String(args[0]),
  'torch.Size': (args) => [...((args[0] as unknown[]) ?? [])],
};

/** Persistent ids of torch storages → TorchStorage objects (shared by every tensor viewing them). */
function storageLoader(file: string): { load: (pid: unknown) => unknown; storages: Map<string, TorchStorage> } {
  const storages = new Map<string, TorchStorage>();
  const load = (pid: unknown): unknown => {
    if (!Array.isArray(pid)) throw new InputError(`unexpected persistent id ${describe(pid)}`, { file });
    const [kind, type, key, , numel, view] = pid as unknown[];
    // Legacy files also persist the classes of pickled modules (with their source code): keep the name.
    if (kind === 'module') return type;
    if (kind !== 'storage' || !(type instanceof PyGlobal)) throw new InputError(`unexpected persistent id ${describe(pid)}`, { file });
    const info = STORAGE_TYPES[type.name];
    if (!info) throw new InputError(`storage type ${type.qualified} is not supported`, { file });
    const root = String(key);
    let storage = storages.get(root);
    if (!storage) storages.set(root, (storage = new TorchStorage(root, info.dtype, info.bytes, Number(numel))));
    // A legacy storage view: (view key, offset, size) into the root storage.
    if (Array.isArray(view) && view.length === 3) return new TorchStorage(root, info.dtype, info.bytes, Number(view[2]), Number(view[1]));
    return storage;
  };
  return { load, storages };
}

/** The unpickled object of a torch checkpoint, with every storage's bytes attached. */
export function readTorchFile(bytes: Uint8Array, file = '<checkpoint>'): unknown {
  const { load, storages } = storageLoader(file);
  const views: TorchStorage[] = [];
  const persistentLoad = (pid: unknown) => {
    const s = load(pid);
    if (s instanceof TorchStorage && storages.get(s.key) !== s) views.push(s);
    return s;
  };
  let root: unknown;
  if (isZip(bytes)) {
    const entries = readZip(bytes, file);
    if (entries.some((e) => /(^|\/)constants\.pkl$/.test(e.name)) && entries.some((e) => /(^|\/)code\//.test(e.name))) {
      throw new InputError('this is a TorchScript archive (torch.jit.save); save the model or its state dict with torch.save instead', { file });
    }
    const pickle = entries.find((e) => /(^|\/)data\.pkl$/.test(e.name));
    if (!pickle) throw new InputError(`ZIP file without data.pkl (entries: ${entries.slice(0, 5).map((e) => e.name).join(', ')}): not a torch.save file`, { file });
    const prefix = pickle.name.slice(0, pickle.name.length - 'data.pkl'.length);
    const order = entries.find((e) => e.name === `${prefix}byteorder`);
    if (order && Buffer.from(order.data()).toString('utf8').trim() !== 'little') throw new InputError('big-endian checkpoints are not supported', { file });
    root = unpickle(pickle.data(), { persistentLoad, handlers: TENSOR_HANDLERS, file }).value;
    const byName = new Map(entries.map((e) => [e.name, e]));
    for (const s of storages.values()) {
      const entry = byName.get(`${prefix}data/${s.key}`);
      if (!entry) throw new InputError(`storage ${s.key} is missing from the archive`, { file });
      s.bytes = entry.data();
      if (s.bytes.byteLength < s.numel * s.elementBytes) throw new InputError(`storage ${s.key} has ${s.bytes.byteLength} bytes, needs ${s.numel * s.elementBytes}`, { file });
    }
  } else {
    root = readLegacy(bytes, file, persistentLoad, storages);
  }
  for (const v of views) v.bytes = storages.get(v.key)!.bytes;
  return root;
}

// torch.serialization: MAGIC_NUMBER = 0x1950a86a20f9469cfc6c, PROTOCOL_VERSION = 1001.
// biome-ignore lint/correctness/noPrecisionLoss: torch's constant as written; compared with the pickled int parsed to the same double
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6c;

function readLegacy(bytes: Uint8Array, file: string, persistentLoad: (pid: unknown) => unknown, storages: Map<string, TorchStorage>): unknown {
  if (bytes[0] !== 0x80) throw new InputError('neither a ZIP archive nor a pickle: not a PyTorch checkpoint', { file });
  let at = 0;
  const next = (options = {}) => { const r = unpickle(bytes, { file, handlers: TENSOR_HANDLERS, ...options }, at); at = r.end; return r.value; };
  const magic = next();
  if (typeof magic !== 'number' || Math.abs(magic - LEGACY_MAGIC) > 1e9) {
    throw new InputError('a plain pickle, not a torch.save file (no torch magic number); tensors cannot be located', { file });
  }
  const protocol = next();
  if (protocol !== 1001) throw new InputError(`legacy torch protocol ${String(protocol)} is not supported (expected 1001)`, { file });
  next(); // sys_info: byte order and type sizes
  const root = next({ persistentLoad });
  const keys = next();
  if (!Array.isArray(keys)) throw new InputError('legacy checkpoint without its list of storage keys', { file });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const key of keys) {
    const s = storages.get(String(key));
    if (at + 8 > bytes.length) throw new InputError(`storage ${String(key)} is cut short`, { file });
    const numel = Number(view.getBigInt64(at, true));
    at += 8;
    const size = numel * (s?.elementBytes ?? 1);
    if (!s) throw new InputError(`storage ${String(key)} is listed but no tensor uses it`, { file });
    if (at + size > bytes.length) throw new InputError(`storage ${s.key} is cut short`, { file });
    s.bytes = bytes.subarray(at, at + size);
    at += size;
  }
  return root;
}

const CONTAINER_KEYS = ['state_dict', 'model_state_dict', 'model', 'net', 'module', 'network', 'weights'];

/**
 * The tensors of a checkpoint's model, in PyTorch's state-dict order: module parameters, then its persistent
 * buffers, then its children in registration order. Finds the model in a state dict, a pickled module, or a
 * dict holding one of them (`state_dict`, `model_state_dict`, `model`, …). Throws an InputError naming what it
 * found when there is no model.
 */
export function namedTensors(root: unknown, file = '<checkpoint>'): NamedTensor[] {
  const found = locateModel(root);
  if (!found) {
    const what = root instanceof PyDict ? `a dict with keys ${[...root.map.keys()].slice(0, 12).map(String).join(', ')}` : describe(root);
    throw new InputError(`no state dict or nn.Module found in the checkpoint (found ${what})`, { file });
  }
  const out: NamedTensor[] = [];
  if (found instanceof PyDict) {
    for (const [k, v] of found.map) if (v instanceof TorchTensor) out.push({ name: String(k), tensor: v });
  } else {
    walkModule(found, '', out);
  }
  return out;
}

function isStateDict(v: unknown): v is PyDict {
  if (!(v instanceof PyDict) || v.map.size === 0) return false;
  return [...v.map.values()].every((x) => x instanceof TorchTensor);
}

function isModule(v: unknown): v is PyObject {
  return v instanceof PyObject && v.state instanceof PyDict && v.state.map.has('_parameters') && v.state.map.has('_modules');
}

function locateModel(root: unknown): PyDict | PyObject | undefined {
  if (isStateDict(root) || isModule(root)) return root;
  if (!(root instanceof PyDict)) return undefined;
  for (const k of CONTAINER_KEYS) {
    const v = root.map.get(k);
    if (isStateDict(v) || isModule(v)) return v;
  }
  const candidates = [...root.map.values()].filter((v) => isStateDict(v) || isModule(v));
  return candidates.length === 1 ? (candidates[0] as PyDict | PyObject) : undefined;
}

function walkModule(module: PyObject, prefix: string, out: NamedTensor[]): void {
  const state = module.state as PyDict;
  const get = (k: string) => state.map.get(k);
  const nonPersistent = new Set(((get('_non_persistent_buffers_set') as unknown[]) ?? []).map(String));
  for (const field of ['_parameters', '_buffers']) {
    const d = get(field);
    if (!(d instanceof PyDict)) continue;
    for (const [k, v] of d.map) {
      if (v instanceof TorchTensor && !(field === '_buffers' && nonPersistent.has(String(k)))) {
        out.push({ name: `${prefix}${String(k)}`, tensor: v, module: module.callable.qualified });
      }
    }
  }
  const children = get('_modules');
  if (children instanceof PyDict) {
    for (const [k, child] of children.map) if (isModule(child)) walkModule(child, `${prefix}${String(k)}.`, out);
  }
}
