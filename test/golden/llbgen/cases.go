package main

import (
	"context"
	"net"
	"time"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/solver/pb"
	"github.com/moby/buildkit/util/apicaps"
	apicapspb "github.com/moby/buildkit/util/apicaps/pb"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// Shared fixtures. test/unit/llb/golden-cases.ts builds the same graphs with the same values.
var (
	digestA   = "sha256:" + repeat("ab", 32)
	digestB   = "sha256:" + repeat("cd", 32)
	timeNanos = time.Unix(1700000000, 123456789).UTC()
	timeEpoch = time.Unix(0, 0).UTC()
	timeMs    = time.Unix(1704067200, 5000000).UTC()
	arm64     = ocispecs.Platform{OS: "linux", Architecture: "arm64"}
)

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}

func graphs() []graph {
	gs := []graph{
		{name: "image-alpine", state: llb.Image("alpine"), opts: []llb.ConstraintsOpt{llb.LinuxAmd64}},
		{name: "image-options", state: imageOptions(), opts: []llb.ConstraintsOpt{llb.LinuxAmd64}},
		{name: "run-mounts", state: runMounts(), opts: []llb.ConstraintsOpt{llb.LinuxAmd64}},
		{name: "run-settings", state: runSettings(), opts: []llb.ConstraintsOpt{llb.LinuxArm64}},
		{name: "run-mount-output", state: runMountOutput(), opts: []llb.ConstraintsOpt{llb.LinuxAmd64}},
		{name: "run-readonly-root", state: runReadonlyRoot(), opts: []llb.ConstraintsOpt{llb.LinuxAmd64}},
		{name: "run-platforms", state: runPlatforms(), opts: []llb.ConstraintsOpt{llb.LinuxAmd64}},
		{name: "local-session", state: localSession(), opts: []llb.ConstraintsOpt{llb.LinuxAmd64}},
		{name: "local-unique", state: localUnique(), opts: []llb.ConstraintsOpt{llb.LinuxAmd64, llb.LocalUniqueID("marshal-unique-id")}},
		{name: "file-chain", state: fileChain(), opts: []llb.ConstraintsOpt{llb.LinuxAmd64}},
		{name: "file-relative", state: fileRelative(), opts: []llb.ConstraintsOpt{llb.LinuxAmd64}},
		{name: "copy-options", state: copyOptions(), opts: []llb.ConstraintsOpt{llb.LinuxAmd64}},
		{name: "merge-diff", state: mergeDiff(), opts: []llb.ConstraintsOpt{llb.LinuxAmd64}},
		{name: "metadata", state: metadata(), opts: []llb.ConstraintsOpt{llb.LinuxAmd64}},
		{name: "dedup", state: dedup(), opts: []llb.ConstraintsOpt{llb.LinuxAmd64}},
		{name: "image-config", state: imageConfig(), opts: []llb.ConstraintsOpt{llb.LinuxAmd64}},
		{name: "caps-without-defaultpath", state: capsGraph(), opts: []llb.ConstraintsOpt{llb.LinuxAmd64, llb.WithCaps(capSet(false))}},
		{name: "caps-with-defaultpath", state: capsGraph(), opts: []llb.ConstraintsOpt{llb.LinuxAmd64, llb.WithCaps(capSet(true))}},
		{name: "default-platform", state: capsGraph()},
		{name: "go-build", state: goBuild(), opts: []llb.ConstraintsOpt{llb.LinuxArm64}},
	}
	return gs
}

func imageOptions() llb.State {
	return llb.Merge([]llb.State{
		llb.Image("golang:1.23", llb.ResolveModeForcePull, llb.Platform(arm64), llb.WithCustomName("golang")),
		llb.Image("localhost:5000/team/app@"+digestA, llb.MarkImageInternal, llb.ResolveModePreferLocal),
		llb.Image("index.docker.io/library/busybox", llb.WithLayerLimit(2), llb.WithImageChecksum(digest.Digest(digestB))),
		llb.Image("ghcr.io/org/tool:v1", llb.ResolveModeDefault),
	})
}

func runMounts() llb.State {
	base := llb.Image("golang:1.23")
	ctx := llb.Local("context", llb.SessionID("sess-1"))
	exec := base.Run(
		llb.Args([]string{"go", "build", "./..."}),
		llb.AddMount("/src", ctx, llb.Readonly, llb.SourcePath("/app")),
		llb.AddMount("/root/go/pkg/mod", llb.Scratch(), llb.AsPersistentCacheDir("gomod", llb.CacheMountShared)),
		llb.AddMount("/root/.cache/go-build", base, llb.AsPersistentCacheDir("gobuild", llb.CacheMountLocked), llb.SourcePath("/cache")),
		llb.AddMount("/var/cache/private", llb.Scratch(), llb.AsPersistentCacheDir("priv", llb.CacheMountPrivate)),
		llb.AddMount("/tmp", llb.Scratch(), llb.Tmpfs(llb.TmpfsSize(64<<20))),
		llb.AddMount("/run/tmp", llb.Scratch(), llb.Tmpfs()),
		llb.AddMount("/out", llb.Scratch()),
		llb.AddMount("/work", ctx, llb.ForceNoOutput, llb.ContentCache(llb.MountContentCacheOn)),
		llb.AddSecret("/run/secrets/netrc", llb.SecretID("netrc"), llb.SecretFileOpt(1000, 1000, 0440), llb.SecretOptional),
		llb.AddSecret("/run/secrets/token", llb.SecretID("token"), llb.SecretAsEnvName("GITHUB_TOKEN")),
		llb.AddSecretWithDest("npmrc", nil, llb.SecretAsEnvName("NPM_TOKEN"), llb.SecretOptional),
		llb.AddSSHSocket(llb.SSHID("default")),
		llb.AddSSHSocket(llb.SSHID("deploy"), llb.SSHSocketOpt("/run/ssh/deploy.sock", 1000, 1000, 0660), llb.SSHOptional),
		llb.WithCustomName("compile"),
	)
	return exec.Root()
}

func runSettings() llb.State {
	st := llb.Image("alpine:3.20").
		AddEnv("B", "2").AddEnv("A", "1").AddEnv("B", "3").
		Dir("/work").Dir("sub/../pkg").User("nobody").
		Network(llb.NetModeHost).Security(llb.SecurityModeInsecure).Hostname("builder")
	return st.Run(
		llb.Args([]string{"/bin/sh", "-c", "echo $A $B > /out.txt"}),
		llb.AddEnv("C", "x=y"),
		llb.Dir("rel"),
		llb.User("1000:1000"),
		llb.Network(llb.NetModeNone),
		llb.WithProxy(llb.ProxyEnv{HTTPProxy: "http://proxy:3128", NoProxy: "localhost"}),
		llb.ValidExitCodes(0, 1, -2),
		llb.AddUlimit(llb.UlimitNofile, 1024, 4096),
		llb.AddExtraHost("registry.local", net.ParseIP("10.0.0.5")),
		llb.WithCgroupParent("/rpk"),
		llb.IgnoreCache,
	).Root().Run(llb.Args([]string{"true"})).Root()
}

func runMountOutput() llb.State {
	exec := llb.Image("alpine").Run(
		llb.Args([]string{"sh", "-c", "touch /a/x /b/y"}),
		llb.AddMount("/b", llb.Scratch()),
		llb.AddMount("/a", llb.Image("busybox")),
	)
	return exec.GetMount("/b")
}

func runReadonlyRoot() llb.State {
	st := llb.Image("alpine").Run(llb.Args([]string{"ls"}), llb.ReadonlyRootFS(), llb.AddMount("/out", llb.Scratch()))
	return llb.Merge([]llb.State{st.Root(), st.GetMount("/out")})
}

func runPlatforms() llb.State {
	onState := llb.Scratch().Platform(ocispecs.Platform{OS: "linux", Architecture: "aarch64", Variant: "v8"}).
		Run(llb.Args([]string{"/bin/true"})).Root()
	onRun := llb.Image("alpine").Run(llb.Args([]string{"uname"}), llb.Platform(ocispecs.Platform{OS: "linux", Architecture: "arm", Variant: "v7"})).Root()
	then := onRun.Run(llb.Args([]string{"uname", "-m"})).Root()
	return llb.Merge([]llb.State{onState, then})
}

func localSession() llb.State {
	ctx := llb.Local("context",
		llb.SessionID("sess-1"),
		llb.IncludePatterns([]string{"go.mod", "go.sum", "cmd/**/*.go"}),
		llb.ExcludePatterns([]string{"**/*_test.go", "<weird>&\u2028name"}),
		llb.FollowPaths([]string{"go.mod"}),
		llb.SharedKeyHint("context"),
		llb.Differ(llb.DiffNone, true),
		llb.WithCustomName("[internal] load build context"),
	)
	return llb.Scratch().File(llb.Copy(ctx, "/", "/src/"))
}

func localUnique() llb.State {
	a := llb.Local("dockerfile", llb.Differ(llb.DiffMetadata, false), llb.MetadataOnlyTransfer([]string{"*.go"}))
	b := llb.Local("other", llb.LocalUniqueID("own-unique-id"), llb.MetadataOnlyTransfer(nil))
	return llb.Merge([]llb.State{a, b})
}

func fileChain() llb.State {
	src := llb.Image("busybox")
	return llb.Scratch().File(
		llb.Mkdir("/app", 0755, llb.WithParents(true), llb.WithUIDGID(1000, 1000), llb.WithCreatedTime(timeNanos)).
			Mkfile("app/config.json", 0644, []byte("{\"a\":1}\n"), llb.WithUser("app:app"), llb.WithCreatedTime(timeMs)).
			Copy(src, "/bin/busybox", "/app/bin/", &llb.CopyInfo{CreateDestPath: true}).
			Rm("/app/tmp", llb.WithAllowNotFound(true), llb.WithAllowWildcard(true)).
			Symlink("/app/bin/busybox", "/usr/local/bin/sh", llb.WithUser("root"), llb.WithCreatedTime(timeNanos)).
			Mkfile("/empty", 0600, nil, llb.WithUser("1000")),
		llb.WithCustomName("assemble"),
	)
}

func fileRelative() llb.State {
	other := llb.Image("alpine").Dir("/src")
	return llb.Image("busybox").Dir("/work").File(
		llb.Mkdir("sub", 0700).
			Copy(other, "rel/file", "./dest/.", llb.ChmodOpt{ModeStr: "u+x"}).
			Copy(other, "/abs/../dir/", ".", &llb.CopyInfo{Mode: &llb.ChmodOpt{Mode: 0640}}).
			Rm("sub/../gone"),
		llb.IgnoreCache,
	)
}

func copyOptions() llb.State {
	src := llb.Local("context", llb.SessionID("sess-2"))
	return llb.Image("alpine").File(llb.Copy(src, "cmd", "/out", &llb.CopyInfo{
		Mode:                           &llb.ChmodOpt{Mode: 0o4755},
		FollowSymlinks:                 true,
		CopyDirContentsOnly:            true,
		IncludePatterns:                []string{"*.go", ""},
		ExcludePatterns:                []string{"*_test.go"},
		RequiredPaths:                  []string{"main.go"},
		AttemptUnpack:                  true,
		CreateDestPath:                 true,
		AllowWildcard:                  true,
		AllowEmptyWildcard:             true,
		ChownOpt:                       &llb.ChownOpt{User: &llb.UserOpt{Name: "app"}, Group: &llb.UserOpt{UID: 0}},
		CreatedTime:                    &timeEpoch,
		AlwaysReplaceExistingDestPaths: true,
	}).Copy(src, "go.mod", "/out/go.mod", llb.WithUser("1000:staff")))
}

func mergeDiff() llb.State {
	base := llb.Image("alpine")
	built := base.Run(llb.Args([]string{"apk", "add", "git"})).Root()
	changes := llb.Diff(base, built, llb.WithCustomName("changes"))
	upperOnly := llb.Diff(llb.Scratch(), built)
	lowerOnly := llb.Diff(base, llb.Scratch())
	files := llb.Scratch().File(llb.Mkfile("/x", 0644, []byte("x")))
	return llb.Merge([]llb.State{llb.Scratch(), changes, files, upperOnly, lowerOnly, files}, llb.WithCustomName("merge"))
}

func metadata() llb.State {
	a := llb.Image("alpine", llb.ProgressGroup("pg1", "Group one", false), llb.WithExportCache())
	b := llb.Image("busybox", llb.ProgressGroup("pg2", "Weak group", true), llb.WithoutExportCache(), llb.Require("node.labels.x==y", "os==linux"))
	c := llb.Image("debian", llb.WithDescription(map[string]string{"z": "last", "a": "", "llb.customname": "overridden"}), llb.WithCustomName("debian image"))
	return llb.Merge([]llb.State{a, b, c})
}

func dedup() llb.State {
	one := llb.Image("alpine", llb.WithCustomName("first"))
	two := llb.Image("docker.io/library/alpine:latest", llb.WithCustomName("second"), llb.IgnoreCache)
	return llb.Scratch().Run(
		llb.Args([]string{"/bin/true"}),
		llb.AddMount("/a", one, llb.Readonly),
		llb.AddMount("/b", two, llb.Readonly),
		llb.AddMount("/c", one),
	).Root()
}

type fakeResolver struct{}

func (fakeResolver) ResolveImageConfig(_ context.Context, ref string, _ sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	cfg := `{"architecture":"arm64","os":"linux","variant":"v8","config":{"Env":["PATH=/usr/local/go/bin:/usr/bin","GOPATH=/go","EMPTY=","=novalue","NOEQ"],"WorkingDir":"/go","User":"gopher"}}`
	return ref, digest.Digest(digestA), []byte(cfg), nil
}

func imageConfig() llb.State {
	pinned := llb.Image("golang:1.23", llb.WithMetaResolver(fakeResolver{}), llb.ResolveDigest(true))
	unpinned := llb.Image("golang:1.22", llb.WithMetaResolver(fakeResolver{}))
	a := pinned.AddEnv("GOPATH", "/gopath").Run(llb.Args([]string{"go", "env"})).Root()
	b := unpinned.Dir("src").Run(llb.Shlex("go version")).Root()
	return llb.Merge([]llb.State{a, b})
}

func capsGraph() llb.State {
	return llb.Image("alpine").AddEnv("A", "1").Run(
		llb.Args([]string{"sh", "-c", "echo"}),
		llb.AddSSHSocket(),
	).Root()
}

func capSet(withDefaultPath bool) apicaps.CapSet {
	var caps []*apicapspb.APICap
	for _, c := range pb.Caps.All() {
		if !withDefaultPath && c.ID == string(pb.CapExecMetaSetsDefaultPath) {
			continue
		}
		caps = append(caps, c)
	}
	return pb.Caps.CapSet(caps)
}

// goBuild is the documented example: module download with a cache mount and a bind-mounted subset of
// the context, then the build, then the binary copied into scratch.
func goBuild() llb.State {
	golang := llb.Image("golang:1.23").AddEnv("CGO_ENABLED", "0").Dir("/src")
	mods := llb.Local("context", llb.SessionID("sess-1"), llb.IncludePatterns([]string{"go.mod", "go.sum"}), llb.SharedKeyHint("go-mod"))
	src := llb.Local("context", llb.SessionID("sess-1"), llb.ExcludePatterns([]string{".git"}), llb.SharedKeyHint("context"))
	modCache := llb.AddMount("/go/pkg/mod", llb.Scratch(), llb.AsPersistentCacheDir("rpk-gomod", llb.CacheMountShared))
	download := golang.Run(
		llb.Args([]string{"go", "mod", "download"}),
		llb.AddMount("/src", mods, llb.Readonly),
		modCache,
		llb.WithCustomName("go mod download"),
	).Root()
	build := download.Run(
		llb.Args([]string{"go", "build", "-trimpath", "-o", "/out/bootstrap", "."}),
		llb.AddEnv("GOARCH", "arm64"),
		llb.AddMount("/src", src, llb.Readonly),
		modCache,
		llb.AddMount("/root/.cache/go-build", llb.Scratch(), llb.AsPersistentCacheDir("rpk-gobuild", llb.CacheMountShared)),
		llb.AddMount("/out", llb.Scratch()),
	)
	return llb.Scratch().File(llb.Copy(build.GetMount("/out"), "/bootstrap", "/bootstrap", llb.WithUIDGID(0, 0)))
}
