// Copies non-TypeScript files that the code reads at run time (the rpk-zip Go source) next to the compiled JS.
import { cpSync, mkdirSync } from "node:fs";

const assets = [["src/convert/tools/rpkzip.go", "dist/src/convert/tools/rpkzip.go"]];
for (const [from, to] of assets) {
  mkdirSync(to.slice(0, to.lastIndexOf("/")), { recursive: true });
  cpSync(from, to);
}
