/**
 * The same graphs as test/golden/llbgen/cases.go, built with src/llb. Keep the two files in step: the
 * golden test pairs them by name and fails on a name present on only one side.
 */
import {
  copy,
  diff,
  image,
  local,
  type MarshalOptions,
  merge,
  mkdir,
  mkfile,
  type Platform,
  type State,
  scratch,
} from "../../../src/llb/index.js";

const digestA = `sha256:${"ab".repeat(32)}`;
const digestB = `sha256:${"cd".repeat(32)}`;
// time.Unix(1700000000, 123456789): nanoseconds need a bigint; Dates carry milliseconds only.
const timeNanos = 1_700_000_000_123_456_789n;
const timeEpoch = new Date(0);
const timeMs = new Date(1_704_067_200_005);
const amd64: Platform = { os: "linux", architecture: "amd64" };
const arm64: Platform = { os: "linux", architecture: "arm64" };

export interface GoldenCase {
  state: State;
  options: MarshalOptions;
  /** Cases that depend on the marshaler's default platform. */
  usesDefaultPlatform?: boolean;
}

function imageOptions(): State {
  return merge([
    image("golang:1.23", { resolveMode: "pull", platform: arm64, customName: "golang" }),
    image(`localhost:5000/team/app@${digestA}`, { recordType: "internal", resolveMode: "local" }),
    image("index.docker.io/library/busybox", { layerLimit: 2, checksum: digestB }),
    image("ghcr.io/org/tool:v1", { resolveMode: "default" }),
  ]);
}

function runMounts(): State {
  const base = image("golang:1.23");
  const ctx = local("context", { sessionId: "sess-1" });
  return base
    .run({
      args: ["go", "build", "./..."],
      mounts: [
        { type: "bind", dest: "/src", from: ctx, readonly: true, selector: "/app" },
        { type: "cache", dest: "/root/go/pkg/mod", id: "gomod", sharing: "shared" },
        {
          type: "cache",
          dest: "/root/.cache/go-build",
          id: "gobuild",
          sharing: "locked",
          from: base,
          selector: "/cache",
        },
        { type: "cache", dest: "/var/cache/private", id: "priv", sharing: "private" },
        { type: "tmpfs", dest: "/tmp", size: 64 << 20 },
        { type: "tmpfs", dest: "/run/tmp" },
        { type: "bind", dest: "/out", from: scratch() },
        { type: "bind", dest: "/work", from: ctx, noOutput: true, contentCache: "on" },
        { type: "secret", id: "netrc", dest: "/run/secrets/netrc", uid: 1000, gid: 1000, mode: 0o440, optional: true },
        { type: "secret", id: "token", dest: "/run/secrets/token", env: "GITHUB_TOKEN" },
        { type: "secret", id: "npmrc", env: "NPM_TOKEN", optional: true },
        { type: "ssh", id: "default" },
        { type: "ssh", id: "deploy", dest: "/run/ssh/deploy.sock", uid: 1000, gid: 1000, mode: 0o660, optional: true },
      ],
      name: "compile",
    })
    .root();
}

function runSettings(): State {
  const st = image("alpine:3.20")
    .env("B", "2")
    .env("A", "1")
    .env("B", "3")
    .dir("/work")
    .dir("sub/../pkg")
    .user("nobody")
    .network("host")
    .security("insecure")
    .hostname("builder");
  return st
    .run({
      args: ["/bin/sh", "-c", "echo $A $B > /out.txt"],
      env: { C: "x=y" },
      cwd: "rel",
      user: "1000:1000",
      network: "none",
      proxyEnv: { http: "http://proxy:3128", noProxy: "localhost" },
      validExitCodes: [0, 1, -2],
      ulimits: [{ name: "nofile", soft: 1024, hard: 4096 }],
      extraHosts: [{ host: "registry.local", ip: "10.0.0.5" }],
      cgroupParent: "/rpk",
      ignoreCache: true,
    })
    .root()
    .run({ args: ["true"] })
    .root();
}

function runMountOutput(): State {
  const exec = image("alpine").run({
    args: ["sh", "-c", "touch /a/x /b/y"],
    mounts: [
      { type: "bind", dest: "/b", from: scratch() },
      { type: "bind", dest: "/a", from: image("busybox") },
    ],
  });
  return exec.getMount("/b");
}

function runReadonlyRoot(): State {
  const st = image("alpine").run({
    args: ["ls"],
    readonlyRootfs: true,
    mounts: [{ type: "bind", dest: "/out", from: scratch() }],
  });
  return merge([st.root(), st.getMount("/out")]);
}

function runPlatforms(): State {
  const onState = scratch()
    .platform({ os: "linux", architecture: "aarch64", variant: "v8" })
    .run({ args: ["/bin/true"] })
    .root();
  const onRun = image("alpine")
    .run({ args: ["uname"], platform: { os: "linux", architecture: "arm", variant: "v7" } })
    .root();
  const then = onRun.run({ args: ["uname", "-m"] }).root();
  return merge([onState, then]);
}

function localSession(): State {
  const ctx = local("context", {
    sessionId: "sess-1",
    includePatterns: ["go.mod", "go.sum", "cmd/**/*.go"],
    excludePatterns: ["**/*_test.go", "<weird>&\u2028name"],
    followPaths: ["go.mod"],
    sharedKeyHint: "context",
    differ: { type: "none", required: true },
    customName: "[internal] load build context",
  });
  return scratch().file(copy(ctx, "/", "/src/"));
}

function localUnique(): State {
  const a = local("dockerfile", {
    differ: { type: "metadata", required: false },
    metadataOnly: { exceptions: ["*.go"] },
  });
  const b = local("other", { uniqueId: "own-unique-id", metadataOnly: {} });
  return merge([a, b]);
}

function fileChain(): State {
  const src = image("busybox");
  return scratch().file(
    mkdir("/app", 0o755, { makeParents: true, owner: { uid: 1000, gid: 1000 }, timestamp: timeNanos })
      .mkfile("app/config.json", 0o644, '{"a":1}\n', { owner: "app:app", timestamp: timeMs })
      .copy(src, "/bin/busybox", "/app/bin/", { createDestPath: true })
      .rm("/app/tmp", { allowNotFound: true, allowWildcard: true })
      .symlink("/app/bin/busybox", "/usr/local/bin/sh", { owner: "root", timestamp: timeNanos })
      .mkfile("/empty", 0o600, new Uint8Array(), { owner: "1000" }),
    { customName: "assemble" },
  );
}

function fileRelative(): State {
  const other = image("alpine").dir("/src");
  return image("busybox")
    .dir("/work")
    .file(
      mkdir("sub", 0o700)
        .copy(other, "rel/file", "./dest/.", { mode: "u+x" })
        .copy(other, "/abs/../dir/", ".", { mode: 0o640 })
        .rm("sub/../gone"),
      { ignoreCache: true },
    );
}

function copyOptions(): State {
  const src = local("context", { sessionId: "sess-2" });
  return image("alpine").file(
    copy(src, "cmd", "/out", {
      mode: 0o4755,
      followSymlinks: true,
      copyDirContents: true,
      includePatterns: ["*.go", ""],
      excludePatterns: ["*_test.go"],
      requiredPaths: ["main.go"],
      attemptUnpack: true,
      createDestPath: true,
      allowWildcard: true,
      allowEmptyWildcard: true,
      owner: "app:0",
      timestamp: timeEpoch,
      alwaysReplaceExistingDestPaths: true,
    }).copy(src, "go.mod", "/out/go.mod", { owner: "1000:staff" }),
  );
}

function mergeDiff(): State {
  const base = image("alpine");
  const built = base.run({ args: ["apk", "add", "git"] }).root();
  const changes = diff(base, built, { customName: "changes" });
  const upperOnly = diff(scratch(), built);
  const lowerOnly = diff(base, scratch());
  const files = scratch().file(mkfile("/x", 0o644, "x"));
  return merge([scratch(), changes, files, upperOnly, lowerOnly, files], { customName: "merge" });
}

function metadata(): State {
  const a = image("alpine", { progressGroup: { id: "pg1", name: "Group one" }, exportCache: true });
  const b = image("busybox", {
    progressGroup: { id: "pg2", name: "Weak group", weak: true },
    exportCache: false,
    workerConstraints: ["node.labels.x==y", "os==linux"],
  });
  const c = image("debian", {
    description: { z: "last", a: "", "llb.customname": "overridden" },
    customName: "debian image",
  });
  return merge([a, b, c]);
}

function dedup(): State {
  const one = image("alpine", { customName: "first" });
  const two = image("docker.io/library/alpine:latest", { customName: "second", ignoreCache: true });
  return scratch()
    .run({
      args: ["/bin/true"],
      mounts: [
        { type: "bind", dest: "/a", from: one, readonly: true },
        { type: "bind", dest: "/b", from: two, readonly: true },
        { type: "bind", dest: "/c", from: one },
      ],
    })
    .root();
}

const goConfig = JSON.stringify({
  architecture: "arm64",
  os: "linux",
  variant: "v8",
  config: {
    Env: ["PATH=/usr/local/go/bin:/usr/bin", "GOPATH=/go", "EMPTY=", "=novalue", "NOEQ"],
    WorkingDir: "/go",
    User: "gopher",
  },
});

function imageConfig(): State {
  const pinned = image("golang:1.23", { config: goConfig, resolvedDigest: digestA });
  const unpinned = image("golang:1.22", { config: new TextEncoder().encode(goConfig) });
  const a = pinned
    .env("GOPATH", "/gopath")
    .run({ args: ["go", "env"] })
    .root();
  const b = unpinned
    .dir("src")
    .run({ args: ["go", "version"] })
    .root();
  return merge([a, b]);
}

function capsGraph(): State {
  return image("alpine")
    .env("A", "1")
    .run({ args: ["sh", "-c", "echo"], mounts: [{ type: "ssh" }] })
    .root();
}

/** The documented example (README of src/llb): see goBuild() in cases.go. */
export function goBuild(): State {
  const golang = image("golang:1.23").env("CGO_ENABLED", "0").dir("/src");
  const mods = local("context", {
    sessionId: "sess-1",
    includePatterns: ["go.mod", "go.sum"],
    sharedKeyHint: "go-mod",
  });
  const src = local("context", { sessionId: "sess-1", excludePatterns: [".git"], sharedKeyHint: "context" });
  const modCache = { type: "cache", dest: "/go/pkg/mod", id: "rpk-gomod", sharing: "shared" } as const;
  const download = golang
    .run({
      args: ["go", "mod", "download"],
      mounts: [{ type: "bind", dest: "/src", from: mods, readonly: true }, modCache],
      name: "go mod download",
    })
    .root();
  const build = download.run({
    args: ["go", "build", "-trimpath", "-o", "/out/bootstrap", "."],
    env: { GOARCH: "arm64" },
    mounts: [
      { type: "bind", dest: "/src", from: src, readonly: true },
      modCache,
      { type: "cache", dest: "/root/.cache/go-build", id: "rpk-gobuild" },
      { type: "bind", dest: "/out", from: scratch() },
    ],
  });
  return scratch().file(copy(build.getMount("/out"), "/bootstrap", "/bootstrap", { owner: { uid: 0, gid: 0 } }));
}

/**
 * Go's cases pass every cap BuildKit knows, with or without exec.meta.setsdefaultpath. Membership of that
 * one cap is all the builder reads from the daemon's caps, so two small sets stand in for them here.
 */
const daemonCaps = {
  all: ["exec.meta.base", "exec.meta.setsdefaultpath", "file.base", "source.image"],
  withoutDefaultPath: ["exec.meta.base", "file.base", "source.image"],
};

export function goldenCases(): Record<string, GoldenCase> {
  const onAmd64 = (state: State, extra: MarshalOptions = {}): GoldenCase => ({
    state,
    options: { platform: amd64, ...extra },
  });
  return {
    "image-alpine": onAmd64(image("alpine")),
    "image-options": onAmd64(imageOptions()),
    "run-mounts": onAmd64(runMounts()),
    "run-settings": { state: runSettings(), options: { platform: arm64 } },
    "run-mount-output": onAmd64(runMountOutput()),
    "run-readonly-root": onAmd64(runReadonlyRoot()),
    "run-platforms": onAmd64(runPlatforms()),
    "local-session": onAmd64(localSession()),
    "local-unique": onAmd64(localUnique(), { localUniqueId: "marshal-unique-id" }),
    "file-chain": onAmd64(fileChain()),
    "file-relative": onAmd64(fileRelative()),
    "copy-options": onAmd64(copyOptions()),
    "merge-diff": onAmd64(mergeDiff()),
    metadata: onAmd64(metadata()),
    dedup: onAmd64(dedup()),
    "image-config": onAmd64(imageConfig()),
    "caps-without-defaultpath": onAmd64(capsGraph(), { caps: daemonCaps.withoutDefaultPath }),
    "caps-with-defaultpath": onAmd64(capsGraph(), { caps: daemonCaps.all }),
    "default-platform": { state: capsGraph(), options: {}, usesDefaultPlatform: true },
    "go-build": { state: goBuild(), options: { platform: arm64 } },
  };
}
