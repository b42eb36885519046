/**
 * Random facade values of any protocol type, driven by the module's own description
 * (`schema.json`), so tests cover every variant without a hand-written list. Values are in the
 * canonical form the decoder returns (normalised addresses and URIs, grouped headers, unique
 * map keys and set elements), so `decode(encode(v))` must equal `v`.
 *
 * @module
 */
import type { DeclJson, FieldJson, SchemaJson, TyJson } from "../render_types.ts";

/** Which variant of which enum a generated value must contain. */
export interface Target {
  enumName: string;
  variant: string;
}

/**
 * A seeded pseudo-random generator (mulberry32), so failures can be replayed from the seed.
 *
 * @param seed any 32-bit integer
 * @returns a function giving floats in [0, 1)
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MAX_DEPTH = 5;
const IPV6 = [
  "::1",
  "::",
  "fe80::1",
  "2001:db8::8a2e:370:7334",
  "::ffff:10.0.0.1",
  "2001:db8:1:2:3:4:5:6",
];
const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "PURGE"];
const URIS = [
  "/",
  "/api/v1?x=1",
  "/a%20b",
  "http://example.com/",
  "https://svc.ns:8443/p?q=1",
  "*",
];
const VERSIONS = ["HTTP/0.9", "HTTP/1.0", "HTTP/1.1", "HTTP/2.0", "HTTP/3.0"];
const TEXT = ["", "a", "node", "/etc/hosts", "héllo wörld", "日本語", "x".repeat(300), "emoji 🎉"];

type Env = Map<string, TyJson>;

/** Generator of facade values for one schema. */
export class Arbitrary {
  readonly #decls: Map<string, DeclJson>;
  readonly #random: () => number;
  readonly #reach = new Map<string, boolean>();

  /**
   * @param schema the module's description
   * @param random source of randomness (see {@link seededRandom})
   */
  constructor(schema: SchemaJson, random: () => number) {
    this.#decls = new Map(schema.types.map((d) => [d.name, d]));
    this.#random = random;
  }

  /**
   * Every `(enum, variant)` reachable from a type.
   *
   * @param ty the root type
   * @returns the targets, each once
   */
  targets(ty: TyJson): Target[] {
    const seen = new Set<string>();
    const out: Target[] = [];
    const visit = (t: TyJson) => {
      for (const child of this.#children(t, new Map())) visit(child);
      if (!("ref" in t) || seen.has(t.ref)) return;
      seen.add(t.ref);
      const decl = this.#decl(t.ref);
      for (const v of decl.variants ?? []) out.push({ enumName: decl.name, variant: v.name });
      for (const child of this.#declChildren(decl)) visit(child);
    };
    visit(ty);
    return out;
  }

  /**
   * A random value of `ty`, containing `target` when given (and reachable).
   *
   * @param ty the type
   * @param target a variant the value must contain
   * @returns the value in facade form
   */
  value(ty: TyJson, target?: Target): unknown {
    return this.#gen(ty, new Map(), target, 0);
  }

  #int(max: number): number {
    return Math.floor(this.#random() * max);
  }

  #pick<T>(items: readonly T[]): T {
    return items[this.#int(items.length)];
  }

  #decl(name: string): DeclJson {
    const d = this.#decls.get(name);
    if (!d) throw new Error(`Cannot generate "${name}": not in the schema`);
    return d;
  }

  /** Substitutes bound parameters everywhere inside `ty`. */
  #resolve(ty: TyJson, env: Env): TyJson {
    if ("param" in ty) return env.get(ty.param) ?? ty;
    if (env.size === 0) return ty;
    if ("option" in ty) return { option: this.#resolve(ty.option, env) };
    if ("vec" in ty) return { vec: this.#resolve(ty.vec, env) };
    if ("array" in ty) return { array: this.#resolve(ty.array, env), len: ty.len };
    if ("result" in ty) {
      return { result: [this.#resolve(ty.result[0], env), this.#resolve(ty.result[1], env)] };
    }
    if ("ref" in ty) return { ref: ty.ref, args: ty.args.map((a) => this.#resolve(a, env)) };
    return ty;
  }

  #children(ty: TyJson, env: Env): TyJson[] {
    if ("option" in ty) return [this.#resolve(ty.option, env)];
    if ("vec" in ty) return [this.#resolve(ty.vec, env)];
    if ("array" in ty) return [this.#resolve(ty.array, env)];
    if ("result" in ty) return ty.result.map((t) => this.#resolve(t, env));
    if ("ref" in ty) return ty.args.map((t) => this.#resolve(t, env));
    if ("param" in ty && env.has(ty.param)) return [env.get(ty.param)!];
    return [];
  }

  #declChildren(decl: DeclJson): TyJson[] {
    const fieldTys = (fields: FieldJson[]) => fields.map((f) => f.type);
    if (decl.kind === "newtype") return [decl.type!];
    if (decl.kind === "struct") return fieldTys(decl.fields!);
    if (decl.kind === "enum") {
      return decl.variants!.flatMap((v) =>
        v.kind === "unit"
          ? []
          : v.kind === "tuple"
          ? v.fields as TyJson[]
          : fieldTys(v.fields as FieldJson[])
      ).filter((t) => !("param" in t));
    }
    return [];
  }

  /** Whether a value of `ty` can contain the target variant. */
  #reaches(ty: TyJson, env: Env, target: Target): boolean {
    ty = this.#resolve(ty, env);
    const key = `${JSON.stringify(ty)}→${target.enumName}`;
    const known = this.#reach.get(key);
    if (known !== undefined) return known;
    this.#reach.set(key, false); // recursion guard
    let result = this.#children(ty, env).some((c) => this.#reaches(c, env, target));
    if (!result && "ref" in ty) {
      const decl = this.#decl(ty.ref);
      const inner = this.#bind(decl, ty, env);
      result = decl.name === target.enumName ||
        this.#declChildren(decl).some((c) => this.#reaches(c, inner, target)) ||
        (decl.variants ?? []).some((v) =>
          v.kind !== "unit" && this.#variantTys(v).some((t) => this.#reaches(t, inner, target))
        );
    }
    this.#reach.set(key, result);
    return result;
  }

  #variantTys(v: NonNullable<DeclJson["variants"]>[number]): TyJson[] {
    if (v.kind === "unit") return [];
    if (v.kind === "tuple") return v.fields as TyJson[];
    return (v.fields as FieldJson[]).map((f) => f.type);
  }

  #bind(decl: DeclJson, ty: TyJson & { ref: string; args: TyJson[] }, env: Env): Env {
    return new Map(decl.params.map((p, i) => [p, this.#resolve(ty.args[i], env)]));
  }

  #gen(ty: TyJson, env: Env, target: Target | undefined, depth: number): unknown {
    ty = this.#resolve(ty, env);
    const wants = (t: TyJson, e: Env) => target !== undefined && this.#reaches(t, e, target);
    if ("leaf" in ty) return this.#leaf(ty.leaf);
    if ("option" in ty) {
      if (wants(ty.option, env)) return this.#gen(ty.option, env, target, depth + 1);
      return this.#random() < 0.3 ? null : this.#gen(ty.option, env, undefined, depth + 1);
    }
    if ("vec" in ty || "array" in ty) {
      const inner = "vec" in ty ? ty.vec : ty.array;
      const targeted = wants(inner, env);
      const len = "array" in ty
        ? ty.len
        : depth >= MAX_DEPTH
        ? (targeted ? 1 : 0)
        : this.#int(3) + (targeted ? 1 : 0);
      const where = targeted ? this.#int(len) : -1;
      return Array.from(
        { length: len },
        (_, i) => this.#gen(inner, env, i === where ? target : undefined, depth + 1),
      );
    }
    if ("result" in ty) {
      const [ok, err] = ty.result;
      const useOk = wants(ok, env) ? true : wants(err, env) ? false : this.#random() < 0.6;
      return useOk
        ? { Ok: this.#gen(ok, env, target, depth + 1) }
        : { Err: this.#gen(err, env, target, depth + 1) };
    }
    if ("map" in ty) {
      const n = this.#int(4);
      return Object.fromEntries(
        Array.from({ length: n }, (_, i) => [`VAR_${i}_${this.#int(1000)}`, this.#pick(TEXT)]),
      );
    }
    if ("set" in ty) {
      return [...new Set(Array.from({ length: this.#int(4) }, () => `PAT_${this.#int(50)}*`))];
    }
    if ("param" in ty) throw new Error(`Cannot generate unbound parameter ${ty.param}`);
    const decl = this.#decl(ty.ref);
    return this.#genDecl(decl, this.#bind(decl, ty, env), target, depth);
  }

  #genFields(fields: FieldJson[], env: Env, target: Target | undefined, depth: number) {
    const carrier = target ? fields.findIndex((f) => this.#reaches(f.type, env, target)) : -1;
    return Object.fromEntries(
      fields.map((
        f,
        i,
      ) => [f.name, this.#gen(f.type, env, i === carrier ? target : undefined, depth + 1)]),
    );
  }

  #genDecl(decl: DeclJson, env: Env, target: Target | undefined, depth: number): unknown {
    switch (decl.kind) {
      case "unit":
        return null;
      case "newtype":
        return this.#gen(decl.type!, env, target, depth);
      case "struct":
        return this.#genFields(decl.fields!, env, target, depth);
      case "enum": {
        const variants = decl.variants!;
        let v;
        if (target && decl.name === target.enumName) {
          const wanted = target.variant;
          v = variants.find((x) => x.name === wanted)!;
          target = undefined;
        } else if (target) {
          v = variants.find((x) => this.#variantTys(x).some((t) => this.#reaches(t, env, target!)));
        }
        if (!v) {
          // Deep inside, prefer variants without nested sequences so values stay small.
          const pool = depth >= MAX_DEPTH
            ? variants.filter((x) => !JSON.stringify(x.fields).includes("vec"))
            : variants;
          v = this.#pick(pool.length ? pool : variants);
          target = undefined;
        }
        if (v.kind === "unit") return v.name;
        if (v.kind === "struct") {
          return { [v.name]: this.#genFields(v.fields as FieldJson[], env, target, depth) };
        }
        const tys = v.fields as TyJson[];
        const carrier = target ? tys.findIndex((t) => this.#reaches(t, env, target!)) : -1;
        const items = tys.map((t, i) =>
          this.#gen(t, env, i === carrier ? target : undefined, depth + 1)
        );
        return { [v.name]: items.length === 1 ? items[0] : items };
      }
    }
  }

  #leaf(leaf: string): unknown {
    const r = this.#random;
    switch (leaf) {
      case "bool":
        return r() < 0.5;
      case "u8":
        return this.#pick([0, 1, 127, 255, this.#int(256)]);
      case "u16":
        return this.#pick([0, 80, 250, 251, 8080, 65535, this.#int(65536)]);
      case "u32":
        return this.#pick([0, 250, 251, 65535, 65536, 4294967295, this.#int(2 ** 32)]);
      case "i32":
        return this.#pick([
          0,
          1,
          -1,
          2,
          -200,
          2147483647,
          -2147483648,
          this.#int(2 ** 31) - 2 ** 30,
        ]);
      case "u64":
        return this.#pick([
          0n,
          1n,
          250n,
          251n,
          65536n,
          2n ** 32n,
          2n ** 53n + 1n,
          2n ** 64n - 1n,
          BigInt(this.#int(1e9)),
        ]);
      case "i64":
        return this.#pick([
          0n,
          -1n,
          1n,
          -(2n ** 63n),
          2n ** 63n - 1n,
          -(2n ** 53n) - 7n,
          BigInt(this.#int(1e9) - 5e8),
        ]);
      case "u128":
        return this.#pick([
          0n,
          251n,
          2n ** 64n,
          2n ** 128n - 1n,
          BigInt(this.#int(1e9)) * 2n ** 70n,
        ]);
      case "string":
        return this.#pick(TEXT);
      case "bytes":
        return Uint8Array.from(
          { length: this.#pick([0, 1, 3, 16, 251, this.#int(64)]) },
          () => this.#int(256),
        );
      case "unit":
        return null;
      case "ip":
        return r() < 0.5 ? this.#ipv4() : this.#pick(IPV6);
      case "socket":
        return r() < 0.5
          ? `${this.#ipv4()}:${this.#int(65536)}`
          : `[${this.#pick(IPV6)}]:${this.#int(65536)}`;
      case "semver":
        return this.#pick([
          "1.29.0",
          "1.2.2",
          "0.0.1",
          "1.30.0-alpha.1",
          "2.0.0+build.5",
          `${this.#int(9)}.${this.#int(40)}.${this.#int(9)}`,
        ]);
      case "uuid":
        return this.#uuid();
      case "http_method":
        return this.#pick(METHODS);
      case "http_uri":
        return this.#pick(URIS);
      case "http_version":
        return this.#pick(VERSIONS);
      case "http_status":
        return this.#pick([100, 101, 200, 404, 500, 999]);
      case "http_headers":
        return this.#headers();
    }
    throw new Error(`Cannot generate leaf "${leaf}": unknown`);
  }

  #ipv4(): string {
    return Array.from({ length: 4 }, () => this.#int(256)).join(".");
  }

  #uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.#int(16).toString(16)).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${
      hex.slice(20)
    }`;
  }

  #headers(): [string, string | Uint8Array][] {
    const names = ["content-type", "x-request-id", "accept", "set-cookie"].filter(() =>
      this.#random() < 0.5
    );
    const headers: [string, string | Uint8Array][] = names.flatMap((name) =>
      Array.from(
        { length: 1 + this.#int(2) },
        () => [name, this.#pick(["text/plain", "", "a=b; c", "\tx y\t"])] as [string, string],
      )
    );
    if (this.#random() < 0.2) headers.push(["x-latin1", new Uint8Array([0x63, 0xe9])]);
    return headers;
  }
}
