/* tslint:disable */
/* eslint-disable */

export class StreamDecoder {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Bytes received and not yet returned as messages.
     */
    buffered(): number;
    /**
     * `kind`: 0 client, 1 daemon, 2 layer, 3 proxy. `framing`: 0 none, 1 strict, 2 lenient.
     */
    constructor(kind: number, framing: number, max_message_bytes: number);
    /**
     * The next whole message, `undefined` when more bytes are needed; throws a failure record
     * (`messageType`, `typeName`, `field`, `offset`, `streamOffset`, `reason`, `detail`) on
     * corrupt input, and again on every later call.
     */
    next(): any;
    /**
     * Appends received bytes.
     */
    push(chunk: Uint8Array | number[]): void;
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
