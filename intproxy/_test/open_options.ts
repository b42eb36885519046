/**
 * Test fixture: the `OpenOptionsInternal` of common `open()` calls.
 *
 * @module
 */

/** `open(path, O_RDONLY)`. */
export const READ_ONLY = {
  read: true,
  write: false,
  append: false,
  truncate: false,
  create: false,
  create_new: false,
};

/** `open(path, O_RDWR)`. */
export const READ_WRITE = { ...READ_ONLY, write: true };
