/**
 * Rendered text is made safe by what it becomes, whatever the template or the data put in it:
 * a subject is one line (CR/LF would inject mail headers), and a link or image in an email body
 * goes only to http(s) or mailto (a `javascript:`, `data:` or `vbscript:` URL from event data
 * would run in the reader's mail client).
 */

/** Control characters (C0, DEL, C1) and the Unicode line and paragraph separators. */
const CONTROL = /[\p{Cc}\u2028\u2029]+/gu;

export function oneLine(text: string): string {
  return text.replace(CONTROL, " ").replace(/ {2,}/g, " ").trim();
}

const URL_ATTRIBUTE =
  /(\s(?:href|src|srcset|action|formaction|background|poster|cite|xlink:href)\s*=\s*)("[^"]*"|'[^']*'|[^\s"'>]+)/gi;
const SAFE_SCHEMES = new Set(["http", "https", "mailto"]);
export const BLOCKED_URL = "#";

/** Every URL attribute of the HTML whose scheme is not http, https or mailto becomes "#". */
export function safeUrls(html: string): string {
  return html.replace(URL_ATTRIBUTE, (whole, name: string, quoted: string) => {
    const value = /^["']/.test(quoted) ? quoted.slice(1, -1) : quoted;
    return isSafeUrl(value) ? whole : `${name}"${BLOCKED_URL}"`;
  });
}

/** A URL with no scheme (relative, or the unsubscribe placeholder) or with an allowed one. */
export function isSafeUrl(attributeValue: string): boolean {
  // Read it as the browser does: entities decoded, whitespace and control characters ignored.
  const url = decodeEntities(attributeValue).replace(/[\s\p{Cc}]+/gu, "");
  const scheme = /^([^/?#]*?):/.exec(url)?.[1]?.toLowerCase();
  return scheme === undefined || SAFE_SCHEMES.has(scheme);
}

const NAMED: Record<string, string> = {
  colon: ":",
  tab: "\t",
  newline: "\n",
  amp: "&",
  sol: "/",
  quot: '"',
  apos: "'",
  lt: "<",
  gt: ">",
};

function decodeEntities(text: string): string {
  let decoded = text;
  // Twice: "&amp;#58;" is "&#58;" once decoded, which a lenient reader may decode again.
  for (let pass = 0; pass < 2; pass++)
    decoded = decoded.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);?/gi, (entity, code: string) => {
      if (code[0] === "#") {
        const point =
          code[1] === "x" || code[1] === "X" ? Number.parseInt(code.slice(2), 16) : Number(code.slice(1));
        return point > 0 && point <= 0x10ffff ? String.fromCodePoint(point) : "";
      }
      return NAMED[code.toLowerCase()] ?? entity;
    });
  return decoded;
}
