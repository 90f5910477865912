# The best hand-written Dockerfile for the build benchmark's repo (bench/synth-lambdas.ts), for comparison
# with rpk's LLB on the same daemon. It does what a careful engineer would do by hand:
#  - no `# syntax` line: the daemon's built-in dockerfile.v0 (no frontend image pull on an offline machine);
#  - `go mod download` over go.mod/go.sum only, into a cache mount, so source edits never re-download;
#  - one stage per Lambda, bind-mounting only what that Lambda compiles (go.mod, go.sum, internal/, its own
#    cmd/ dir): BuildKit keys a read-only bind mount by the content of its source path, so editing one
#    Lambda re-runs one stage; stages run in parallel and share GOMODCACHE/GOCACHE cache mounts;
#  - a "deps" stage that compiles the shared packages (internal/... and their dependencies, std included)
#    once before the fan-out, so the ten compiles do not each build the same packages at the same time;
#  - zips made in the build with the same care as rpk's (deflate level 6 (the default), fixed timestamps, bootstrap
#    0755), by a small Go program compiled in its own stage — on top of "deps", so it reuses the standard
#    library packages deps compiled instead of compiling them at the same time — and run in the same RUN
#    as each Lambda's compile;
#  - a final FROM scratch stage that collects the ten zips (COPY --link: independent copies, merged).
# Build: buildctl build --frontend dockerfile.v0 --local context=REPO --local dockerfile=bench/dockerfiles \
#   --opt filename=lambdas.Dockerfile --opt build-arg:GOPROXY=... --output type=local,dest=OUT

FROM docker.io/library/golang:1.26.8-bookworm AS base
ENV CGO_ENABLED=0 GOOS=linux GOARCH=amd64 GOTOOLCHAIN=local
ARG GOPROXY
WORKDIR /src

FROM base AS modules
RUN --mount=type=bind,source=go.mod,target=go.mod \
    --mount=type=bind,source=go.sum,target=go.sum \
    --mount=type=cache,id=gomod,target=/go/pkg/mod \
    go mod download

FROM modules AS deps
RUN --mount=type=bind,source=go.mod,target=go.mod \
    --mount=type=bind,source=go.sum,target=go.sum \
    --mount=type=bind,source=internal,target=internal \
    --mount=type=cache,id=gomod,target=/go/pkg/mod \
    --mount=type=cache,id=gobuild,target=/root/.cache/go-build \
    go build -trimpath -buildvcs=false -tags lambda.norpc ./internal/...

FROM deps AS zipper
COPY <<'EOF' /zipper/main.go
// lambda-zip OUT.zip BINARY: a zip holding BINARY as "bootstrap" (0755), deflate level 6 (the default), DOS epoch time.
package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"io"
	"os"
)

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func main() {
	data, err := os.ReadFile(os.Args[2])
	must(err)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.DefaultCompression)
	})
	fh := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate, ModifiedDate: 1<<5 | 1}
	fh.CreatorVersion = 3<<8 | 20
	fh.ExternalAttrs = uint32(0o100755) << 16
	w, err := zw.CreateHeader(fh)
	must(err)
	_, err = w.Write(data)
	must(err)
	must(zw.Close())
	must(os.MkdirAll("/out", 0o755))
	must(os.WriteFile(os.Args[1], buf.Bytes(), 0o644))
}
EOF
RUN --mount=type=cache,id=gobuild,target=/root/.cache/go-build \
    cd /zipper && GO111MODULE=off go build -trimpath -o /usr/local/bin/lambda-zip main.go

FROM deps AS fn01
RUN --mount=type=bind,source=go.mod,target=go.mod \
    --mount=type=bind,source=go.sum,target=go.sum \
    --mount=type=bind,source=internal,target=internal \
    --mount=type=bind,source=cmd/fn01,target=cmd/fn01 \
    --mount=type=cache,id=gomod,target=/go/pkg/mod \
    --mount=type=cache,id=gobuild,target=/root/.cache/go-build \
    --mount=type=bind,from=zipper,source=/usr/local/bin/lambda-zip,target=/usr/local/bin/lambda-zip \
    --mount=type=tmpfs,target=/tmp \
    go build -trimpath -buildvcs=false -tags lambda.norpc -ldflags="-s -w" -o /tmp/bootstrap ./cmd/fn01 && \
    lambda-zip /out/fn01.zip /tmp/bootstrap

FROM deps AS fn02
RUN --mount=type=bind,source=go.mod,target=go.mod \
    --mount=type=bind,source=go.sum,target=go.sum \
    --mount=type=bind,source=internal,target=internal \
    --mount=type=bind,source=cmd/fn02,target=cmd/fn02 \
    --mount=type=cache,id=gomod,target=/go/pkg/mod \
    --mount=type=cache,id=gobuild,target=/root/.cache/go-build \
    --mount=type=bind,from=zipper,source=/usr/local/bin/lambda-zip,target=/usr/local/bin/lambda-zip \
    --mount=type=tmpfs,target=/tmp \
    go build -trimpath -buildvcs=false -tags lambda.norpc -ldflags="-s -w" -o /tmp/bootstrap ./cmd/fn02 && \
    lambda-zip /out/fn02.zip /tmp/bootstrap

FROM deps AS fn03
RUN --mount=type=bind,source=go.mod,target=go.mod \
    --mount=type=bind,source=go.sum,target=go.sum \
    --mount=type=bind,source=internal,target=internal \
    --mount=type=bind,source=cmd/fn03,target=cmd/fn03 \
    --mount=type=cache,id=gomod,target=/go/pkg/mod \
    --mount=type=cache,id=gobuild,target=/root/.cache/go-build \
    --mount=type=bind,from=zipper,source=/usr/local/bin/lambda-zip,target=/usr/local/bin/lambda-zip \
    --mount=type=tmpfs,target=/tmp \
    go build -trimpath -buildvcs=false -tags lambda.norpc -ldflags="-s -w" -o /tmp/bootstrap ./cmd/fn03 && \
    lambda-zip /out/fn03.zip /tmp/bootstrap

FROM deps AS fn04
RUN --mount=type=bind,source=go.mod,target=go.mod \
    --mount=type=bind,source=go.sum,target=go.sum \
    --mount=type=bind,source=internal,target=internal \
    --mount=type=bind,source=cmd/fn04,target=cmd/fn04 \
    --mount=type=cache,id=gomod,target=/go/pkg/mod \
    --mount=type=cache,id=gobuild,target=/root/.cache/go-build \
    --mount=type=bind,from=zipper,source=/usr/local/bin/lambda-zip,target=/usr/local/bin/lambda-zip \
    --mount=type=tmpfs,target=/tmp \
    go build -trimpath -buildvcs=false -tags lambda.norpc -ldflags="-s -w" -o /tmp/bootstrap ./cmd/fn04 && \
    lambda-zip /out/fn04.zip /tmp/bootstrap

FROM deps AS fn05
RUN --mount=type=bind,source=go.mod,target=go.mod \
    --mount=type=bind,source=go.sum,target=go.sum \
    --mount=type=bind,source=internal,target=internal \
    --mount=type=bind,source=cmd/fn05,target=cmd/fn05 \
    --mount=type=cache,id=gomod,target=/go/pkg/mod \
    --mount=type=cache,id=gobuild,target=/root/.cache/go-build \
    --mount=type=bind,from=zipper,source=/usr/local/bin/lambda-zip,target=/usr/local/bin/lambda-zip \
    --mount=type=tmpfs,target=/tmp \
    go build -trimpath -buildvcs=false -tags lambda.norpc -ldflags="-s -w" -o /tmp/bootstrap ./cmd/fn05 && \
    lambda-zip /out/fn05.zip /tmp/bootstrap

FROM deps AS fn06
RUN --mount=type=bind,source=go.mod,target=go.mod \
    --mount=type=bind,source=go.sum,target=go.sum \
    --mount=type=bind,source=internal,target=internal \
    --mount=type=bind,source=cmd/fn06,target=cmd/fn06 \
    --mount=type=cache,id=gomod,target=/go/pkg/mod \
    --mount=type=cache,id=gobuild,target=/root/.cache/go-build \
    --mount=type=bind,from=zipper,source=/usr/local/bin/lambda-zip,target=/usr/local/bin/lambda-zip \
    --mount=type=tmpfs,target=/tmp \
    go build -trimpath -buildvcs=false -tags lambda.norpc -ldflags="-s -w" -o /tmp/bootstrap ./cmd/fn06 && \
    lambda-zip /out/fn06.zip /tmp/bootstrap

FROM deps AS fn07
RUN --mount=type=bind,source=go.mod,target=go.mod \
    --mount=type=bind,source=go.sum,target=go.sum \
    --mount=type=bind,source=internal,target=internal \
    --mount=type=bind,source=cmd/fn07,target=cmd/fn07 \
    --mount=type=cache,id=gomod,target=/go/pkg/mod \
    --mount=type=cache,id=gobuild,target=/root/.cache/go-build \
    --mount=type=bind,from=zipper,source=/usr/local/bin/lambda-zip,target=/usr/local/bin/lambda-zip \
    --mount=type=tmpfs,target=/tmp \
    go build -trimpath -buildvcs=false -tags lambda.norpc -ldflags="-s -w" -o /tmp/bootstrap ./cmd/fn07 && \
    lambda-zip /out/fn07.zip /tmp/bootstrap

FROM deps AS fn08
RUN --mount=type=bind,source=go.mod,target=go.mod \
    --mount=type=bind,source=go.sum,target=go.sum \
    --mount=type=bind,source=internal,target=internal \
    --mount=type=bind,source=cmd/fn08,target=cmd/fn08 \
    --mount=type=cache,id=gomod,target=/go/pkg/mod \
    --mount=type=cache,id=gobuild,target=/root/.cache/go-build \
    --mount=type=bind,from=zipper,source=/usr/local/bin/lambda-zip,target=/usr/local/bin/lambda-zip \
    --mount=type=tmpfs,target=/tmp \
    go build -trimpath -buildvcs=false -tags lambda.norpc -ldflags="-s -w" -o /tmp/bootstrap ./cmd/fn08 && \
    lambda-zip /out/fn08.zip /tmp/bootstrap

FROM deps AS fn09
RUN --mount=type=bind,source=go.mod,target=go.mod \
    --mount=type=bind,source=go.sum,target=go.sum \
    --mount=type=bind,source=internal,target=internal \
    --mount=type=bind,source=cmd/fn09,target=cmd/fn09 \
    --mount=type=cache,id=gomod,target=/go/pkg/mod \
    --mount=type=cache,id=gobuild,target=/root/.cache/go-build \
    --mount=type=bind,from=zipper,source=/usr/local/bin/lambda-zip,target=/usr/local/bin/lambda-zip \
    --mount=type=tmpfs,target=/tmp \
    go build -trimpath -buildvcs=false -tags lambda.norpc -ldflags="-s -w" -o /tmp/bootstrap ./cmd/fn09 && \
    lambda-zip /out/fn09.zip /tmp/bootstrap

FROM deps AS fn10
RUN --mount=type=bind,source=go.mod,target=go.mod \
    --mount=type=bind,source=go.sum,target=go.sum \
    --mount=type=bind,source=internal,target=internal \
    --mount=type=bind,source=cmd/fn10,target=cmd/fn10 \
    --mount=type=cache,id=gomod,target=/go/pkg/mod \
    --mount=type=cache,id=gobuild,target=/root/.cache/go-build \
    --mount=type=bind,from=zipper,source=/usr/local/bin/lambda-zip,target=/usr/local/bin/lambda-zip \
    --mount=type=tmpfs,target=/tmp \
    go build -trimpath -buildvcs=false -tags lambda.norpc -ldflags="-s -w" -o /tmp/bootstrap ./cmd/fn10 && \
    lambda-zip /out/fn10.zip /tmp/bootstrap

FROM scratch
COPY --link --from=fn01 /out/fn01.zip /
COPY --link --from=fn02 /out/fn02.zip /
COPY --link --from=fn03 /out/fn03.zip /
COPY --link --from=fn04 /out/fn04.zip /
COPY --link --from=fn05 /out/fn05.zip /
COPY --link --from=fn06 /out/fn06.zip /
COPY --link --from=fn07 /out/fn07.zip /
COPY --link --from=fn08 /out/fn08.zip /
COPY --link --from=fn09 /out/fn09.zip /
COPY --link --from=fn10 /out/fn10.zip /
