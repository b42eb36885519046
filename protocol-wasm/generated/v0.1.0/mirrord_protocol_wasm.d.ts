/* tslint:disable */
/* eslint-disable */

export class StreamDecoder {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Address of the last message's string arena.
     */
    arena_ptr(): number;
    /**
     * Bytes received and not yet returned as messages.
     */
    buffered(): number;
    /**
     * Accepts `n` bytes written at the address `reserve(n)` returned.
     */
    commit(n: number): void;
    /**
     * `kind`: 0 client, 1 daemon, 2 layer, 3 proxy. `framing`: 0 none, 1 strict, 2 lenient.
     */
    constructor(kind: number, framing: number, max_message_bytes: number);
    /**
     * Decodes the next whole message into the tape and returns its length in words; 0 when
     * more bytes are needed. Throws a failure record (`messageType`, `typeName`, `field`,
     * `offset`, `streamOffset`, `reason`, `detail`) on corrupt input, and again on every later
     * call.
     */
    next_tape(): number;
    /**
     * Makes room for `n` received bytes and returns where (in WASM memory) to copy them; the
     * caller copies once, straight into the buffer, then calls `commit(n)`.
     */
    reserve(n: number): number;
    /**
     * Address of the last message's tape (32-bit words).
     */
    tape_ptr(): number;
}

/**
 * Bytes of exactly one message (no frame prefix) → JSON text.
 */
export function decode_json(kind: number, bytes: Uint8Array | number[]): string;

/**
 * Every protocol type reachable from the four message kinds, as JSON (see `describe.rs`).
 */
export function describe(): string;

/**
 * Encodes a facade value of `kind`; with `framed`, prepends the local link's 4-byte
 * big-endian length.
 */
export function encode(kind: number, value: any, framed: boolean): Uint8Array;

/**
 * JSON text (the codec tool's contract) → bytes of one message (no frame prefix).
 */
export function encode_json(kind: number, json: string): Uint8Array;

/**
 * The 31 gates of protocol.md §4.2 as JSON `[{ name, version }]`.
 */
export function gates(): string;

/**
 * The module's linear memory, for copying bytes in and reading tapes out without a call each.
 */
export function linear_memory(): any;

/**
 * This module's own version (the crate version); the output folder is named after it.
 */
export function module_version(): string;

/**
 * The agent-link protocol version this module speaks.
 */
export function protocol_version(): string;

/**
 * The settled version: the lower of the two.
 */
export function settle_version(ours: string, theirs: string): string;

/**
 * Whether `version` satisfies the named gate of protocol.md §4.2.
 */
export function supports(gate: string, version: string): boolean;

/**
 * The tape opcodes as JSON `{ NAME: number }`.
 */
export function tape_opcodes(): string;

/**
 * Keys of tape shape `id`, joined by `,` (field names are identifiers).
 */
export function tape_shape_keys(id: number): string;

/**
 * Variant names of tape enum `id`, joined by `,`.
 */
export function tape_variant_names(id: number): string;
