import { describe, expect, test } from "vitest";
import { type BridgeTransport, GatewayClient } from "../../../src/gateway/index.js";
import { marshal, mkfile, scratch } from "../../../src/llb/index.js";
import { codec } from "../../../src/proto/codec.js";

/** Records encoded requests and answers with encoded responses: exercises the client's encoding only. */
function recordingTransport(responses: Record<string, object>) {
  const calls: { method: string; request: Buffer }[] = [];
  const transport: BridgeTransport = {
    async unary(method, request) {
      calls.push({ method, request: Buffer.from(request) });
      const type = method === "Ping" ? "PongResponse" : `${method}Response`;
      return codec(`moby.buildkit.v1.frontend.${type}`).encode((responses[method] ?? {}) as Record<string, unknown>);
    },
  };
  return { transport, calls };
}

const decodeRequest = <T>(method: string, bytes: Buffer) =>
  codec<T>(`moby.buildkit.v1.frontend.${method}Request`).decode(bytes);

describe("GatewayClient encoding", () => {
  test("solve sends the definition bytes verbatim and asks for result returns", async () => {
    const def = marshal(scratch().file(mkfile("/x", 0o644, "x")));
    const { transport, calls } = recordingTransport({ Solve: { result: { ref: { id: "ref-1" } } } });
    const ref = await new GatewayClient(transport).solve({ definition: def, evaluate: true });
    expect(ref).toBe("ref-1");
    expect(calls[0]!.request.includes(Buffer.from(def.bytes))).toBe(true);
    const request = decodeRequest<{
      allowResultReturn: boolean;
      allowResultArrayRef: boolean;
      Evaluate: boolean;
      Definition: { def: Buffer[] };
    }>("Solve", calls[0]!.request);
    expect(request).toMatchObject({ allowResultReturn: true, allowResultArrayRef: true, Evaluate: true });
    expect(request.Definition.def).toHaveLength(def.def.length);
  });

  test("solve reads old-style and single-entry map results, and refuses ambiguous maps", async () => {
    const old = recordingTransport({ Solve: { ref: "legacy" } });
    expect(await new GatewayClient(old.transport).solve({})).toBe("legacy");
    const map = recordingTransport({ Solve: { result: { refs: { refs: { "linux/amd64": { id: "r" } } } } } });
    expect(await new GatewayClient(map.transport).solve({})).toBe("r");
    const two = recordingTransport({ Solve: { result: { refs: { refs: { a: { id: "1" }, b: { id: "2" } } } } } });
    await expect(new GatewayClient(two.transport).solve({})).rejects.toThrow(
      "solve returned 2 refs (a, b); expected one",
    );
  });

  test("return encodes a single ref, per-platform refs with metadata, or an error status", async () => {
    const single = recordingTransport({});
    await new GatewayClient(single.transport).return({ ref: "r1", metadata: { "containerimage.config": "{}" } });
    const s = decodeRequest<{ result: { ref: { id: string }; metadata: Record<string, Buffer> } }>(
      "Return",
      single.calls[0]!.request,
    );
    expect(s.result.ref.id).toBe("r1");
    expect(s.result.metadata["containerimage.config"]!.toString()).toBe("{}");

    const multi = recordingTransport({});
    await new GatewayClient(multi.transport).return({ refs: { "linux/amd64": "a", "linux/arm64": "b" } });
    const m = decodeRequest<{ result: { refs: { refs: Record<string, { id: string }> } } }>(
      "Return",
      multi.calls[0]!.request,
    );
    expect(m.result.refs.refs).toEqual({
      "linux/amd64": { id: "a", def: null },
      "linux/arm64": { id: "b", def: null },
    });

    const failed = recordingTransport({});
    const client = new GatewayClient(failed.transport);
    await client.return(new Error("compile failed"));
    const f = decodeRequest<{ error: { code: number; message: string } }>("Return", failed.calls[0]!.request);
    expect(f.error).toMatchObject({ code: 2, message: "compile failed" });
    await expect(client.return({})).rejects.toThrow("LLBBridge.return called twice");
  });

  test("resolveImageConfig sends the platform and parses the config JSON", async () => {
    const config = Buffer.from(JSON.stringify({ os: "linux", architecture: "arm64" }));
    const { transport, calls } = recordingTransport({
      ResolveImageConfig: { Digest: "sha256:d", Config: config, Ref: "docker.io/library/x:1" },
    });
    const resolved = await new GatewayClient(transport).resolveImageConfig("x:1", {
      platform: { os: "linux", architecture: "arm64", variant: "v8" },
      resolveMode: "pull",
    });
    expect(resolved).toMatchObject({ digest: "sha256:d", ref: "docker.io/library/x:1", config: { os: "linux" } });
    expect(
      decodeRequest<{ Platform: object; ResolveMode: string }>("ResolveImageConfig", calls[0]!.request),
    ).toMatchObject({ Platform: { OS: "linux", Architecture: "arm64", Variant: "v8" }, ResolveMode: "pull" });
  });

  test("stats come back with Go modes and bigint nanosecond times", async () => {
    const { transport } = recordingTransport({
      StatFile: { stat: { path: "bin", mode: 0x800001ed, size: 0, modTime: "1700000000123456789" } },
    });
    expect(await new GatewayClient(transport).statFile("r", "bin")).toEqual({
      path: "bin",
      mode: 2147484141,
      uid: 0,
      gid: 0,
      size: 0,
      modTime: 1_700_000_000_123_456_789n,
      linkname: "",
    });
  });
});
