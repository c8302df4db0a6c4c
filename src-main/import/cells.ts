/**
 * Reading one text cell as a number. Only plain decimal notation is accepted (`12`, `-3.5`, `.5`, `1e-3`),
 * so `0x1F`, `1_000` or `12abc` are refused instead of being silently converted as `Number()` would.
 */

const DECIMAL = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const DECIMAL_COMMA = /^\s*[+-]?\d+,\d+(?:[eE][+-]?\d+)?\s*$/;
const INFINITY = /^\s*[+-]?(?:inf|infinity)\s*$/i;

/**
 * The number in `text`: a finite number, ±Infinity when the text is an infinity or overflows float64
 * (`inf`, `1e999`), or NaN when it is missing or not a number.
 * @param decimalComma also accept `1,5` as 1.5 (semicolon-separated files from European locales).
 */
export function parseCell(text: string, decimalComma = false): number {
  // Fast path: Number() agrees with plain decimal notation for any text that starts with a digit, sign or point
  // and is not a 0x/0b/0o literal (Number() refuses signed radix literals), when the result is finite and not 0
  // (Number('') and Number('  ') are 0).
  const fast = Number(text);
  if (fast === fast && fast !== 0 && fast !== Infinity && fast !== -Infinity) {
    const c0 = text.charCodeAt(0);
    const c1 = text.charCodeAt(1) | 0x20;
    if (((c0 >= 48 && c0 <= 57) || c0 === 45 || c0 === 43 || c0 === 46) && c1 !== 0x78 && c1 !== 0x62 && c1 !== 0x6f) {
      return fast;
    }
  }
  if (DECIMAL.test(text)) return Number(text);
  if (decimalComma && DECIMAL_COMMA.test(text)) return Number(text.replace(',', '.'));
  if (INFINITY.test(text)) return text.trim().startsWith('-') ? -Infinity : Infinity;
  return NaN;
}

/** Whether a cell holds a number (finite or not): used to tell a header row and a text column apart. */
export function isNumericCell(text: string, decimalComma = false): boolean {
  return !Number.isNaN(parseCell(text, decimalComma));
}

/** Cells that mean "no value" in a label column. */
export function isMissingLabel(text: string): boolean {
  return text === '' || text === '?';
}

/** `"abc"` with quotes, shortened to 40 characters: how values and names appear in messages. */
export function quote(text: string): string {
  const short = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  return JSON.stringify(short);
}

/** Up to `max` quoted names, then "… (N in all)". */
export function quoteList(names: readonly string[], max = 12): string {
  const shown = names.slice(0, max).map(quote).join(', ');
  return names.length > max ? `${shown}, … (${names.length} in all)` : shown;
}

/** "1 row" / "3 rows". */
export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${n} ${n === 1 ? word : pluralWord}`;
}
