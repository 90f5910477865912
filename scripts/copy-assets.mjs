// Copies non-TypeScript files that the code reads at run time (the rpk-zip Go source) next to the compiled JS,
// and writes the BuildKit protobuf descriptor that dist/src/proto/codec.js loads instead of parsing proto/.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";

const assets = [
  ["src/convert/tools/rpkzip.go", "dist/src/convert/tools/rpkzip.go"],
  ["src/convert/tools/rpkrecords.go", "dist/src/convert/tools/rpkrecords.go"],
  ["src/convert/tools/rpkspdx.go", "dist/src/convert/tools/rpkspdx.go"],
  ["src/runtime/tools/relay.go", "dist/src/runtime/tools/relay.go"],
];
for (const [from, to] of assets) {
  mkdirSync(to.slice(0, to.lastIndexOf("/")), { recursive: true });
  cpSync(from, to);
}

// Runs after tsc, so the compiled loader makes the descriptor: the .proto files it covers are listed in one place.
const { protoDescriptor } = await import("../dist/src/proto/codec.js");
writeFileSync("dist/src/proto/buildkit-proto.json", JSON.stringify(protoDescriptor()));
