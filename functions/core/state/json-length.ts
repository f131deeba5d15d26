/** Characters JSON.stringify escapes: a string without any is written as itself in quotes. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON escapes.
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * `JSON.stringify(value).length`, without building the string: the size backstop measures a
 * customer's state after most changes, and the text was only thrown away (and collected).
 */
export function jsonLength(value: unknown): number {
  switch (typeof value) {
    case "string":
      return stringLength(value);
    case "number":
      return numberLength(value);
    case "boolean":
      return value ? 4 : 5;
    case "object": {
      if (value === null) return 4;
      // A toJSON (a Date) or a boxed primitive: JSON.stringify's own rules, rare in a state.
      if (typeof (value as { toJSON?: unknown }).toJSON === "function" || !isPlainContainer(value))
        return JSON.stringify(value).length;
      if (Array.isArray(value)) {
        let length = value.length === 0 ? 2 : value.length + 1;
        for (let i = 0; i < value.length; i++) {
          const element = value[i];
          length += skipped(element) ? 4 : jsonLength(element);
        }
        return length;
      }
      const record = value as Record<string, unknown>;
      let length = 2;
      let fields = 0;
      for (const key of Object.keys(record)) {
        const field = record[key];
        if (skipped(field)) continue;
        length += stringLength(key) + 1 + jsonLength(field);
        fields++;
      }
      return fields > 1 ? length + fields - 1 : length;
    }
    default:
      // undefined, a function or a symbol: JSON.stringify writes nothing (undefined).
      return 0;
  }
}

/** Left out of an object, written as null in an array. */
function skipped(value: unknown): boolean {
  return value === undefined || typeof value === "function" || typeof value === "symbol";
}

function isPlainContainer(value: object): boolean {
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value);
  return prototype === null || prototype === Object.prototype;
}

function stringLength(text: string): number {
  if (!ESCAPED.test(text)) return text.length + 2;
  let length = 2;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22 || code === 0x5c || code === 0x08 || code === 0x09 || code === 0x0a) length += 2;
    else if (code === 0x0c || code === 0x0d) length += 2;
    else if (code < 0x20) length += 6;
    else if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      // A pair is written as itself; a lone surrogate as \uXXXX.
      if (next >= 0xdc00 && next <= 0xdfff) {
        length += 2;
        i++;
      } else length += 6;
    } else if (code >= 0xdc00 && code <= 0xdfff) length += 6;
    else length += 1;
  }
  return length;
}

function numberLength(value: number): number {
  if (!Number.isSafeInteger(value)) return Number.isFinite(value) ? String(value).length : 4;
  let length = value < 0 ? 2 : 1;
  const magnitude = Math.abs(value);
  for (let power = 10; power <= 1e15 && magnitude >= power; power *= 10) length++;
  return length;
}
