import { describe, expect, it } from "vitest";
import { ignoredWarning } from "../../../frontend/run.js";

describe("ignoredWarning", () => {
  it("says a build arg was ignored and which ones rpk reads, in one line", () => {
    const line = ignoredWarning("build-arg:NODE_ENV");
    expect(line).toMatch(/^rpk frontend: build arg NODE_ENV is not used by rpk and was ignored \(rpk reads GOFLAGS, /);
    expect(line).toContain("GOPROXY");
    expect(line).toContain("RPK_OUTPUT");
    expect(line).not.toContain("\n");
  });

  it("names any other option as given", () => {
    expect(ignoredWarning("label:team")).toBe('rpk frontend: option "label:team" is not used by rpk and was ignored');
  });
});
