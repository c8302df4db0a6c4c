/** Base64 without DOM or Buffer, so shared/ code can use it in the renderer, workers and Node alike. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let k = 0; k < ALPHABET.length; k++) LOOKUP[ALPHABET.charCodeAt(k)] = k;

export function bytesToBase64(bytes: Uint8Array): string {
  const n = bytes.length;
  const out = new Uint8Array(Math.ceil(n / 3) * 4);
  const codes = new Uint8Array(64);
  for (let k = 0; k < 64; k++) codes[k] = ALPHABET.charCodeAt(k);
  let o = 0;
  for (let k = 0; k < n; k += 3) {
    const a = bytes[k]!;
    const b = k + 1 < n ? bytes[k + 1]! : 0;
    const c = k + 2 < n ? bytes[k + 2]! : 0;
    const triple = (a << 16) | (b << 8) | c;
    out[o++] = codes[(triple >> 18) & 63]!;
    out[o++] = codes[(triple >> 12) & 63]!;
    out[o++] = k + 1 < n ? codes[(triple >> 6) & 63]! : 61;
    out[o++] = k + 2 < n ? codes[triple & 63]! : 61;
  }
  const parts: string[] = [];
  for (let k = 0; k < out.length; k += 8192) parts.push(String.fromCharCode(...out.subarray(k, k + 8192)));
  return parts.join('');
}

/** @throws RangeError when the text is not canonical base64 (length multiple of 4, known alphabet). */
export function base64ToBytes(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new RangeError(`Base64 text length ${text.length} is not a multiple of 4.`);
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let k = 0; k < text.length; k += 4) {
    let triple = 0;
    for (let q = 0; q < 4; q++) {
      const ch = text.charCodeAt(k + q);
      const isPad = ch === 61 && k + q >= text.length - padding;
      const v = isPad ? 0 : ch < 128 ? LOOKUP[ch]! : -1;
      if (v < 0) throw new RangeError(`Invalid base64 character at position ${k + q}.`);
      triple = (triple << 6) | v;
    }
    if (o < out.length) out[o++] = (triple >> 16) & 255;
    if (o < out.length) out[o++] = (triple >> 8) & 255;
    if (o < out.length) out[o++] = triple & 255;
  }
  return out;
}
