/**
 * Go string literal decoding, shared by the go.mod tokenizer, the Go source scanner (import paths) and
 * //go:embed argument parsing. Import paths and module paths practically never contain escapes, but a
 * quoted embed pattern may, so the escapes Go allows are decoded rather than rejected.
 */

const SIMPLE_ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  "'": "'",
  '"': '"',
};

/**
 * Decodes a complete Go string literal (`"..."` or `` `...` ``, quotes included).
 * Returns undefined when the literal is malformed (bad escape, missing closing quote).
 */
export function unquoteGoString(literal: string): string | undefined {
  const quote = literal[0];
  if (literal.length < 2 || literal[literal.length - 1] !== quote) return undefined;
  const body = literal.slice(1, -1);
  if (quote === "`") {
    // Raw strings: carriage returns are discarded, as the Go spec says.
    return body.includes("`") ? undefined : body.replaceAll("\r", "");
  }
  if (quote !== '"') return undefined;
  if (!body.includes("\\")) return body.includes('"') || body.includes("\n") ? undefined : body;
  let out = "";
  const bytes: number[] = [];
  const flushBytes = () => {
    if (bytes.length > 0) {
      out += Buffer.from(bytes).toString("utf8");
      bytes.length = 0;
    }
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '"' || c === "\n") return undefined;
    if (c !== "\\") {
      flushBytes();
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) return undefined;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined && e !== "'") {
      flushBytes();
      out += simple;
      continue;
    }
    // \xNN and octal \NNN are bytes (they may form UTF-8 sequences together); \u and \U are code points.
    const width = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : /[0-7]/.test(e) ? 3 : 0;
    if (width === 0) return undefined;
    const digits = e === "x" || e === "u" || e === "U" ? body.slice(i + 1, i + 1 + width) : body.slice(i, i + 3);
    const radix = e === "x" || e === "u" || e === "U" ? 16 : 8;
    if (digits.length !== width || !(radix === 16 ? /^[0-9a-fA-F]+$/ : /^[0-7]+$/).test(digits)) return undefined;
    const value = Number.parseInt(digits, radix);
    if (e === "x" || radix === 8) {
      if (value > 255) return undefined;
      bytes.push(value);
    } else {
      if (value > 0x10ffff || (value >= 0xd800 && value < 0xe000)) return undefined;
      flushBytes();
      out += String.fromCodePoint(value);
    }
    i += radix === 8 ? 2 : width;
  }
  flushBytes();
  return out;
}
