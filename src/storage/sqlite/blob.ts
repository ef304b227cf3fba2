/** A Float32Array as the BLOB libSQL's vector functions read (little-endian float32, no header). */
export function toBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

/** A BLOB read back (the driver gives an ArrayBuffer or a Buffer) as a Float32Array of its own. */
export function fromBlob(blob: ArrayBuffer | Uint8Array): Float32Array {
  // Copy: the driver's memory may be reused, and a Float32Array needs 4-byte alignment.
  const bytes = blob instanceof Uint8Array ? blob : new Uint8Array(blob);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}
