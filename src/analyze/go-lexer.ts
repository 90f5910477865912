/**
 * A minimal Go lexer: just enough to walk a file token by token without ever mistaking the inside of a
 * comment, string, raw string or rune for code. It does not insert semicolons, does not validate
 * numbers, and emits punctuation one character at a time — the scanner only needs identifiers, strings
 * and `.`/`(`/`)`. It is written over char codes because it runs over every imported header in the tree.
 * Linear in the input: every character is looked at a bounded number of times (each token's scan starts
 * where the previous one ended, and line counting covers only the token's own span).
 */

export const EOF = 0;
export const IDENT = 1;
export const STRING = 2; // "..." or `...`; text() returns the literal with quotes
export const CHAR = 3;
export const NUMBER = 4;
export const PUNCT = 5;

const NL = 10;
const SLASH = 47;
const STAR = 42;
const BACKSLASH = 92;
const DQUOTE = 34;
const BACKQUOTE = 96;
const SQUOTE = 39;

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 0x80;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export interface LineComment {
  text: string; // including the leading //
  line: number;
}

export class GoLexer {
  private pos = 0;
  private line = 1;
  /** Kind of the current token (EOF, IDENT, ...). */
  kind = EOF;
  /** Line of the current token. */
  tokLine = 1;
  private start = 0;
  private end = 0;
  /** When set, `//go:` line comments met while lexing are appended here (for //go:embed). */
  directives: LineComment[] | undefined;

  constructor(private readonly src: string) {}

  /** The current token's source text. */
  text(): string {
    return this.src.slice(this.start, this.end);
  }

  /** True if the current token is of `kind` (a method, so narrowing does not survive next()). */
  at(kind: number): boolean {
    return this.kind === kind;
  }

  /** True if the current token's text is exactly `word` (without slicing a string). */
  textIs(word: string): boolean {
    return this.end - this.start === word.length && this.src.startsWith(word, this.start);
  }

  /**
   * For a STRING token: its value when the literal needs no unescaping (the common case for import
   * paths), else undefined — then decode text() with unquoteGoString.
   */
  plainStringValue(): string | undefined {
    const quote = this.src.charCodeAt(this.start);
    const last = this.end - 1;
    if (last <= this.start || this.src.charCodeAt(last) !== quote) return undefined;
    const body = this.src.slice(this.start + 1, last);
    return body.includes(quote === BACKQUOTE ? "\r" : "\\") ? undefined : body;
  }

  /** True if the current token is punctuation `ch`. */
  isPunct(ch: string): boolean {
    return this.kind === PUNCT && this.src.charCodeAt(this.start) === ch.charCodeAt(0);
  }

  next(): number {
    const i = this.skipSpaceAndComments(this.pos);
    this.tokLine = this.line;
    if (i >= this.src.length) {
      this.pos = i;
      this.kind = EOF;
      this.start = this.end = i;
      return EOF;
    }
    this.start = i;
    this.readToken(i);
    this.pos = this.end;
    return this.kind;
  }

  /** The offset of the next token from `i` (or the end): spaces, newlines and comments counted and passed. */
  private skipSpaceAndComments(from: number): number {
    const src = this.src;
    const n = src.length;
    let i = from;
    while (i < n) {
      const c = src.charCodeAt(i);
      if (c === NL) {
        this.line++;
        i++;
      } else if (c === 32 || c === 9 || c === 13 || c === 0xfeff) {
        i++;
      } else if (c === SLASH && src.charCodeAt(i + 1) === SLASH) {
        let j = src.indexOf("\n", i);
        if (j < 0) j = n;
        if (this.directives && src.startsWith("//go:", i)) {
          this.directives.push({ text: src.slice(i, j).replace(/\r$/, ""), line: this.line });
        }
        i = j;
      } else if (c === SLASH && src.charCodeAt(i + 1) === STAR) {
        let j = src.indexOf("*/", i + 2);
        j = j < 0 ? n : j + 2;
        this.countLines(i, j);
        i = j;
      } else {
        break;
      }
    }
    return i;
  }

  /** Reads the token starting at `i` (not at the end): sets its kind and end. */
  private readToken(i: number): void {
    const src = this.src;
    const n = src.length;
    const c = src.charCodeAt(i);
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(src.charCodeAt(j))) j++;
      this.kind = IDENT;
      this.end = j;
    } else if (c === DQUOTE || c === SQUOTE) {
      // Interpreted strings and runes end at the closing quote or (malformed) at the end of the line.
      let j = i + 1;
      while (j < n) {
        const d = src.charCodeAt(j);
        if (d === c || d === NL) break;
        j += d === BACKSLASH ? 2 : 1;
      }
      if (j < n && src.charCodeAt(j) === c) j++;
      this.kind = c === DQUOTE ? STRING : CHAR;
      this.end = Math.min(j, n);
    } else if (c === BACKQUOTE) {
      let j = src.indexOf("`", i + 1);
      j = j < 0 ? n : j + 1;
      this.countLines(i, j);
      this.kind = STRING;
      this.end = j;
    } else if (isDigit(c) || (c === 46 && isDigit(src.charCodeAt(i + 1)))) {
      // Digits, letters and dots; an exponent sign ends the token early, which is harmless here.
      let j = i + 1;
      while (j < n && (isIdentPart(src.charCodeAt(j)) || src.charCodeAt(j) === 46)) j++;
      this.kind = NUMBER;
      this.end = j;
    } else {
      this.kind = PUNCT;
      this.end = i + 1;
    }
  }

  /**
   * Counts the newlines of src[from, to) only: an indexOf for the next newline could run far past `to` (a
   * line of many block comments or raw strings), rescanning the rest of the file for every token.
   */
  private countLines(from: number, to: number): void {
    const src = this.src;
    for (let k = from; k < to; k++) if (src.charCodeAt(k) === NL) this.line++;
  }
}
