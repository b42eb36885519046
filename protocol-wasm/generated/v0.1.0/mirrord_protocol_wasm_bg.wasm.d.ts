/* tslint:disable */
/* eslint-disable */
export const memory: WebAssembly.Memory;
export const __wbg_streamdecoder_free: (a: number, b: number) => void;
export const decode_json: (a: number, b: number, c: number) => [number, number, number, number];
export const describe: () => [number, number];
export const encode: (a: number, b: any, c: number) => [number, number, number, number];
export const encode_json: (a: number, b: number, c: number) => [number, number, number, number];
export const module_version: () => [number, number];
export const protocol_version: () => [number, number];
export const settle_version: (a: number, b: number, c: number, d: number) => [number, number, number, number];
export const streamdecoder_buffered: (a: number) => number;
export const streamdecoder_new: (a: number, b: number, c: number) => [number, number, number];
export const streamdecoder_next: (a: number) => [number, number, number];
export const streamdecoder_push: (a: number, b: number, c: number) => void;
export const supports: (a: number, b: number, c: number, d: number) => [number, number, number];
export const __wbindgen_malloc: (a: number, b: number) => number;
export const __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
export const __wbindgen_free: (a: number, b: number, c: number) => void;
export const __wbindgen_exn_store: (a: number) => void;
export const __externref_table_alloc: () => number;
export const __wbindgen_externrefs: WebAssembly.Table;
export const __externref_table_dealloc: (a: number) => void;
export const __wbindgen_start: () => void;
