/**
 * A safe reader of Python pickles, enough for what `torch.save` writes (protocols 0–5: state dicts, whole
 * pickled modules, checkpoint dicts). It never executes anything: a global (`GLOBAL`, `STACK_GLOBAL`) becomes
 * a `PyGlobal` name, and calling one (`REDUCE`, `NEWOBJ`) becomes a `PyObject` record of the call — except for a
 * short list of data constructors interpreted here (OrderedDict, set, frozenset, and the callables the caller
 * registers, such as torch's tensor rebuild functions). Persistent ids (torch's storages) go to a callback.
 */
import { InputError } from '../../../errors';

/** A module-level name the pickle refers to, e.g. `torch.nn.modules.conv.Conv2d`. */
export class PyGlobal {
  constructor(readonly module: string, readonly name: string) {}
  get qualified(): string { return `${this.module}.${this.name}`; }
}

/** An object the pickle would construct by calling `callable(...args)` and then setting `state`. */
export class PyObject {
  state: unknown = undefined;
  constructor(readonly callable: PyGlobal, readonly args: unknown[]) {}
}

/** A Python dict (or OrderedDict): insertion order kept; `attributes` holds a BUILD state (OrderedDict._metadata). */
export class PyDict {
  readonly map = new Map<unknown, unknown>();
  attributes: unknown = undefined;
}

/** A Python tuple (kept apart from lists only so that reports can print it as Python does). */
export class PyTuple extends Array<unknown> {}

/** Interprets a call to a known global; return `undefined` to record it as a plain `PyObject`. */
export type GlobalHandler = (args: unknown[]) => unknown;

export interface UnpickleOptions {
  /** Called for each persistent id (torch: `('storage', type, key, location, numel)`). */
  persistentLoad?: (pid: unknown) => unknown;
  /** Calls to these qualified names are interpreted (e.g. `torch._utils._rebuild_tensor_v2`). */
  handlers?: Readonly<Record<string, GlobalHandler>>;
  /** File name for error messages. */
  file?: string;
}

const MARK = Symbol('mark');

const BUILTIN_HANDLERS: Record<string, GlobalHandler> = {
  'collections.OrderedDict': (args) => dictFrom(args[0]),
  'builtins.dict': (args) => dictFrom(args[0]),
  '__builtin__.dict': (args) => dictFrom(args[0]),
  'builtins.set': (args) => [...((args[0] as unknown[] | undefined) ?? [])],
  'builtins.frozenset': (args) => [...((args[0] as unknown[] | undefined) ?? [])],
  '__builtin__.set': (args) => [...((args[0] as unknown[] | undefined) ?? [])],
  'builtins.list': (args) => [...((args[0] as unknown[] | undefined) ?? [])],
  'builtins.tuple': (args) => PyTuple.from((args[0] as unknown[] | undefined) ?? []) as PyTuple,
  // Protocols 0–1 pickle plain objects (modules) as copyreg._reconstructor(cls, object, None) + BUILD.
  'copyreg._reconstructor': (args) => (args[0] instanceof PyGlobal ? new PyObject(args[0], []) : undefined),
  'copy_reg._reconstructor': (args) => (args[0] instanceof PyGlobal ? new PyObject(args[0], []) : undefined),
};

function dictFrom(items: unknown): PyDict {
  const d = new PyDict();
  if (Array.isArray(items)) for (const pair of items) if (Array.isArray(pair) && pair.length === 2) d.map.set(pair[0], pair[1]);
  if (items instanceof PyDict) for (const [k, v] of items.map) d.map.set(k, v);
  return d;
}

/**
 * Reads one pickle starting at `offset` and returns its value and the offset just past its STOP opcode (legacy
 * torch files are several pickles in a row).
 */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions = {}, offset = 0): { value: unknown; end: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const handlers = { ...BUILTIN_HANDLERS, ...(options.handlers ?? {}) };
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  let at = offset;
  const fail = (problem: string): never => { throw new InputError(`pickle at byte ${at}: ${problem}`, { file: options.file }); };
  const need = (n: number) => { if (at + n > bytes.length) fail('unexpected end of data'); };
  const u8 = () => { need(1); return bytes[at++]!; };
  const u16 = () => { need(2); const v = view.getUint16(at, true); at += 2; return v; };
  const i32 = () => { need(4); const v = view.getInt32(at, true); at += 4; return v; };
  const u32 = () => { need(4); const v = view.getUint32(at, true); at += 4; return v; };
  const u64 = () => { need(8); const v = Number(view.getBigUint64(at, true)); at += 8; return v; };
  const raw = (n: number) => { need(n); const b = bytes.subarray(at, at + n); at += n; return b; };
  const utf8 = (n: number) => Buffer.from(raw(n)).toString('utf8');
  const line = () => {
    const start = at;
    while (at < bytes.length && bytes[at] !== 0x0a) at++;
    if (at >= bytes.length) fail('unterminated text line');
    return Buffer.from(bytes.subarray(start, at++)).toString('latin1');
  };
  const pop = () => { if (!stack.length) fail('stack underflow'); return stack.pop(); };
  const popMark = (): unknown[] => {
    const items: unknown[] = [];
    for (;;) {
      const v = pop();
      if (v === MARK) return items.reverse();
      items.push(v);
    }
  };
  const top = () => { if (!stack.length) fail('stack underflow'); return stack[stack.length - 1]; };
  const littleEndianInt = (b: Uint8Array): number => {
    if (b.length === 0) return 0;
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    if (b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
    return Number(v);
  };
  const call = (callable: unknown, args: unknown[]): unknown => {
    if (!(callable instanceof PyGlobal)) fail(`call of a non-global (${describe(callable)})`);
    const g = callable as PyGlobal;
    const handler = handlers[g.qualified];
    const result = handler ? handler(args) : undefined;
    return result !== undefined ? result : new PyObject(g, args);
  };
  const setItems = (target: unknown, items: unknown[]) => {
    if (!(target instanceof PyDict)) fail(`SETITEM(S) on ${describe(target)}`);
    for (let i = 0; i + 1 < items.length; i += 2) (target as PyDict).map.set(key(items[i]), items[i + 1]);
  };
  const append = (target: unknown, items: unknown[]) => {
    if (Array.isArray(target)) target.push(...items);
    else if (target instanceof PyObject) target.args.push(...items); // e.g. a list subclass: keep the items
    else fail(`APPEND(S) on ${describe(target)}`);
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: u64(); break; // FRAME
      case 0x2e: return { value: pop(), end: at }; // STOP
      case 0x28: stack.push(MARK); break; // MARK
      case 0x7d: stack.push(new PyDict()); break; // EMPTY_DICT
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push(new PyTuple()); break; // EMPTY_TUPLE
      case 0x8f: stack.push([]); break; // EMPTY_SET
      case 0x74: stack.push(PyTuple.from(popMark()) as PyTuple); break; // TUPLE
      case 0x85: { const a = pop(); stack.push(PyTuple.of(a) as PyTuple); break; } // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); stack.push(PyTuple.of(a, b) as PyTuple); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); stack.push(PyTuple.of(a, b, c) as PyTuple); break; } // TUPLE3
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x64: { const d = new PyDict(); const items = popMark(); for (let i = 0; i + 1 < items.length; i += 2) d.map.set(key(items[i]), items[i + 1]); stack.push(d); break; } // DICT
      case 0x91: stack.push(popMark()); break; // FROZENSET
      case 0x90: { const items = popMark(); append(top(), items); break; } // ADDITEMS
      case 0x61: { const v = pop(); append(top(), [v]); break; } // APPEND
      case 0x65: { const items = popMark(); append(top(), items); break; } // APPENDS
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(top(), items); break; } // SETITEMS
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x70: memo.set(Number(line()), top()); break; // PUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: stack.push(memoGet(memo, u8(), fail)); break; // BINGET
      case 0x6a: stack.push(memoGet(memo, u32(), fail)); break; // LONG_BINGET
      case 0x67: stack.push(memoGet(memo, Number(line()), fail)); break; // GET
      case 0x4a: stack.push(i32()); break; // BININT
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x8a: stack.push(littleEndianInt(raw(u8()))); break; // LONG1
      case 0x8b: stack.push(littleEndianInt(raw(u32()))); break; // LONG4
      case 0x49: { const t = line(); stack.push(t === '01' ? true : t === '00' ? false : Number(t)); break; } // INT
      case 0x4c: stack.push(Number(line().replace(/L$/, ''))); break; // LONG
      case 0x47: { need(8); stack.push(view.getFloat64(at, false)); at += 8; break; } // BINFLOAT (big-endian)
      case 0x46: stack.push(Number(line())); break; // FLOAT
      case 0x58: stack.push(utf8(u32())); break; // BINUNICODE
      case 0x8c: stack.push(utf8(u8())); break; // SHORT_BINUNICODE
      case 0x8d: stack.push(utf8(u64())); break; // BINUNICODE8
      case 0x56: stack.push(line()); break; // UNICODE (raw-unicode-escape; ASCII in practice)
      case 0x54: stack.push(Buffer.from(raw(i32())).toString('latin1')); break; // BINSTRING
      case 0x55: stack.push(Buffer.from(raw(u8())).toString('latin1')); break; // SHORT_BINSTRING
      case 0x53: stack.push(line().replace(/^['"]|['"]$/g, '')); break; // STRING
      case 0x42: stack.push(raw(u32())); break; // BINBYTES
      case 0x43: stack.push(raw(u8())); break; // SHORT_BINBYTES
      case 0x8e: stack.push(raw(u64())); break; // BINBYTES8
      case 0x96: stack.push(raw(u64())); break; // BYTEARRAY8
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x63: { const module = line(); const name = line(); stack.push(new PyGlobal(module, name)); break; } // GLOBAL
      case 0x93: { const name = String(pop()); const module = String(pop()); stack.push(new PyGlobal(module, name)); break; } // STACK_GLOBAL
      case 0x52: { const args = pop() as unknown[]; const callable = pop(); stack.push(call(callable, [...(args ?? [])])); break; } // REDUCE
      case 0x81: { const args = pop() as unknown[]; const cls = pop(); stack.push(call(cls, [...(args ?? [])])); break; } // NEWOBJ
      case 0x92: { pop(); const args = pop() as unknown[]; const cls = pop(); stack.push(call(cls, [...(args ?? [])])); break; } // NEWOBJ_EX
      case 0x62: { // BUILD
        const state = pop();
        const target = top();
        if (target instanceof PyObject) target.state = state;
        else if (target instanceof PyDict) target.attributes = state;
        // A BUILD on an interpreted value (a tensor, a list) carries nothing we read: dropped.
        break;
      }
      case 0x51: { const pid = pop(); stack.push(persistent(options, pid, fail)); break; } // BINPERSID
      case 0x50: stack.push(persistent(options, line(), fail)); break; // PERSID
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      case 0x97: break; // NEXT_BUFFER / READONLY_BUFFER are out-of-band: unsupported below
      default:
        fail(`opcode 0x${op.toString(16)} is not supported (not one torch.save writes)`);
    }
  }
}

function memoGet(memo: Map<number, unknown>, index: number, fail: (p: string) => never): unknown {
  if (!memo.has(index)) fail(`memo entry ${index} is missing`);
  return memo.get(index);
}

function persistent(options: UnpickleOptions, pid: unknown, fail: (p: string) => never): unknown {
  if (!options.persistentLoad) fail('persistent id without a loader (not a torch file?)');
  return options.persistentLoad!(pid);
}

/** Dict keys: strings and numbers as themselves; anything else (tuples) by its printed form. */
function key(k: unknown): unknown {
  return typeof k === 'string' || typeof k === 'number' || typeof k === 'boolean' || k === null ? k : describe(k);
}

/** A short printable form of a pickled value, for error messages. */
export function describe(v: unknown): string {
  if (v instanceof PyGlobal) return v.qualified;
  if (v instanceof PyObject) return `${v.callable.qualified}(…)`;
  if (v instanceof PyDict) return `dict with ${v.map.size} keys`;
  if (Array.isArray(v)) return `[${v.slice(0, 4).map(describe).join(', ')}${v.length > 4 ? ', …' : ''}]`;
  if (typeof v === 'string') return `'${v}'`;
  return String(v);
}
