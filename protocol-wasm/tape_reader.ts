/**
 * Runs a decoded message's tape (see `src/value_tape.rs`) into a facade value in one pass:
 * objects are built by literal through one constructor per shape, so they get stable hidden
 * classes; byte buffers are copied out of WASM memory exactly once. Internal to the decoders.
 *
 * @module
 */
import { wasm } from "./_module.ts";

/** Opcodes; must equal the module's `tape_opcodes()` (a test checks). */
export const OP = {
  NULL: 0,
  TRUE: 1,
  FALSE: 2,
  U32: 3,
  I32: 4,
  U64: 5,
  I64: 6,
  U128: 7,
  STR: 8,
  BYTES: 9,
  RECORD: 10,
  ARRAY: 11,
  MAP: 12,
  UNIT: 13,
  TAGGED: 14,
} as const;

const memory: WebAssembly.Memory = wasm.linear_memory();
let u8 = new Uint8Array(memory.buffer);
let u32 = new Uint32Array(memory.buffer);
const utf8 = new TextDecoder();

type Build = (stack: unknown[], at: number) => unknown;
const records: Build[] = [];
const sizes: number[] = [];
const names: string[][] = [];
const tagged: ((v: unknown) => unknown)[][] = [];

/** Views over WASM memory, renewed after the memory grew (growth detaches the old buffer). */
export function memoryBytes(): Uint8Array {
  // A detached view has length 0 (cheaper to test than comparing with `memory.buffer`).
  if (u8.length === 0) {
    u8 = new Uint8Array(memory.buffer);
    u32 = new Uint32Array(memory.buffer);
  }
  return u8;
}

function recordBuilder(id: number): Build {
  const keys = wasm.tape_shape_keys(id).split(",");
  const body = keys.map((k, i) => `${JSON.stringify(k)}: s[p + ${i}]`).join(", ");
  const build = new Function("s", "p", `return { ${body} };`) as Build;
  records[id] = build;
  sizes[id] = keys.length;
  return build;
}

function variantNames(id: number): string[] {
  const list = wasm.tape_variant_names(id).split(",");
  names[id] = list;
  tagged[id] = list.map((name) =>
    new Function("v", `return { ${JSON.stringify(name)}: v };`) as (v: unknown) => unknown
  );
  return list;
}

function text(ptr: number, len: number): string {
  if (len <= 32) {
    let s = "";
    for (let i = ptr; i < ptr + len; i++) {
      const c = u8[i];
      if (c > 0x7f) return utf8.decode(u8.subarray(ptr, ptr + len));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return utf8.decode(u8.subarray(ptr, ptr + len));
}

function wide(at: number, words: number): bigint {
  let v = 0n;
  for (let k = words - 1; k >= 0; k--) v = (v << 32n) | BigInt(u32[at + k]);
  return v;
}

/**
 * Builds the value a tape describes.
 *
 * @param tapePtr address of the tape's first word
 * @param words number of words
 * @param arenaPtr address of the string arena
 * @returns the facade value
 */
export function readTape(tapePtr: number, words: number, arenaPtr: number): unknown {
  memoryBytes();
  const stack: unknown[] = [];
  const end = (tapePtr >>> 2) + words;
  for (let i = tapePtr >>> 2; i < end;) {
    switch (u32[i++]) {
      case OP.NULL:
        stack.push(null);
        break;
      case OP.TRUE:
        stack.push(true);
        break;
      case OP.FALSE:
        stack.push(false);
        break;
      case OP.U32:
        stack.push(u32[i++]);
        break;
      case OP.I32:
        stack.push(u32[i++] | 0);
        break;
      case OP.U64: {
        const hi = u32[i + 1];
        stack.push(hi === 0 ? BigInt(u32[i]) : wide(i, 2));
        i += 2;
        break;
      }
      case OP.I64:
        stack.push(BigInt.asIntN(64, wide(i, 2)));
        i += 2;
        break;
      case OP.U128:
        stack.push(wide(i, 4));
        i += 4;
        break;
      case OP.STR:
        stack.push(text(arenaPtr + u32[i], u32[i + 1]));
        i += 2;
        break;
      case OP.BYTES: {
        const ptr = u32[i];
        stack.push(u8.slice(ptr, ptr + u32[i + 1]));
        i += 2;
        break;
      }
      case OP.RECORD: {
        const id = u32[i++];
        const build = records[id] ?? recordBuilder(id);
        const at = stack.length - sizes[id];
        const value = build(stack, at);
        stack.length = at;
        stack.push(value);
        break;
      }
      case OP.ARRAY: {
        const n = u32[i++];
        stack.push(stack.splice(stack.length - n, n));
        break;
      }
      case OP.MAP: {
        const n = u32[i++];
        const pairs = stack.splice(stack.length - 2 * n, 2 * n);
        const map: Record<string, unknown> = {};
        for (let k = 0; k < pairs.length; k += 2) {
          Object.defineProperty(map, pairs[k + 1] as string, {
            value: pairs[k],
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        stack.push(map);
        break;
      }
      case OP.UNIT: {
        const id = u32[i];
        stack.push((names[id] ?? variantNames(id))[u32[i + 1]]);
        i += 2;
        break;
      }
      case OP.TAGGED: {
        const id = u32[i];
        if (!names[id]) variantNames(id);
        stack.push(tagged[id][u32[i + 1]](stack.pop()));
        i += 2;
        break;
      }
      default:
        throw new Error(
          `Cannot read a decoded message: unknown tape opcode ${
            u32[i - 1]
          } — this is a bug, please report it`,
        );
    }
  }
  return stack[0];
}
