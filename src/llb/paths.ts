/**
 * Go's `path` package semantics (always `/`), which BuildKit's client uses for LLB paths. Node's
 * path.posix differs in the cases that change bytes: it keeps trailing slashes and leading `..` on
 * rooted paths, so op digests would drift.
 */

/** Go's path.Clean: lexical shortest equivalent; "" → ".", no trailing slash except "/". */
export function cleanPath(p: string): string {
  if (p === "") return ".";
  const rooted = p.startsWith("/");
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(part);
  }
  const joined = out.join("/");
  if (rooted) return `/${joined}`;
  return joined === "" ? "." : joined;
}

/** Go's path.Join: joins non-empty elements and cleans; all empty → "". */
export function joinPath(...elems: string[]): string {
  const nonEmpty = elems.filter((e) => e !== "");
  return nonEmpty.length === 0 ? "" : cleanPath(nonEmpty.join("/"));
}

export function isAbsPath(p: string): boolean {
  return p.startsWith("/");
}

/**
 * Makes an action path absolute against the state's working directory. With `keepSlash` (copy
 * destinations) a trailing `/` or `/.` survives, because it means "into this directory".
 */
export function normalizeActionPath(parent: string, p: string, keepSlash: boolean): string {
  let out = cleanPath(p);
  if (!isAbsPath(out)) out = joinPath("/", parent, out);
  if (keepSlash) {
    if (p.endsWith("/") && !out.endsWith("/")) {
      out += "/";
    } else if (p.endsWith("/.")) {
      if (out !== "/") out += "/";
      out += ".";
    }
  }
  return out;
}
