/**
 * Generates the build benchmark's monorepo: one Go module with N Lambdas (`cmd/fn01..fnNN`) that each call
 * lambda.Start through shared internal packages, on aws-lambda-go plus two more real dependencies (zerolog,
 * uuid) so that module download and dependency compiles carry real weight. The tree is a pure function of
 * the options; go.sum comes from the machine's `go mod tidy` (see `tidyModule`), which is deterministic for
 * the pinned versions below.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";

export const LAMBDA_MODULE_PATH = "example.com/lambdas";
/** Direct dependencies, pinned; tidy adds their own requirements (x/sys, go-isatty, go-colorable). */
export const DEPENDENCIES: Record<string, string> = {
  "github.com/aws/aws-lambda-go": "v1.47.0",
  "github.com/google/uuid": "v1.6.0",
  "github.com/rs/zerolog": "v1.33.0",
};

export interface LambdaRepoOptions {
  /** Number of Lambdas, `cmd/fn01` … */
  functions: number;
  /** `go` line of go.mod (must match the golang image the builds use). */
  goVersion: string;
}

export const DEFAULT_LAMBDA_REPO: LambdaRepoOptions = { functions: 10, goVersion: "1.26.8" };

export function functionName(index: number): string {
  return `fn${String(index).padStart(2, "0")}`;
}

/** The file the one-file-change scenario edits, relative to the repo root. */
export function editableFile(index: number): string {
  return `cmd/${functionName(index)}/logic.go`;
}

function goMod(options: LambdaRepoOptions): string {
  const requires = Object.entries(DEPENDENCIES)
    .map(([mod, version]) => `\t${mod} ${version}\n`)
    .join("");
  return `module ${LAMBDA_MODULE_PATH}\n\ngo ${options.goVersion}\n\nrequire (\n${requires})\n`;
}

const HTTP_PACKAGE = `// Package httpx turns handler results into API Gateway responses.
package httpx

import (
\t"encoding/json"
\t"net/http"

\t"github.com/aws/aws-lambda-go/events"
)

// JSON answers with a JSON body and the given status.
func JSON(status int, body any) (events.APIGatewayProxyResponse, error) {
\tdata, err := json.Marshal(body)
\tif err != nil {
\t\treturn events.APIGatewayProxyResponse{StatusCode: http.StatusInternalServerError}, err
\t}
\treturn events.APIGatewayProxyResponse{
\t\tStatusCode: status,
\t\tHeaders:    map[string]string{"content-type": "application/json"},
\t\tBody:       string(data),
\t}, nil
}

// Problem answers with an RFC 9457 problem document.
func Problem(status int, detail string) (events.APIGatewayProxyResponse, error) {
\treturn JSON(status, map[string]any{"status": status, "title": http.StatusText(status), "detail": detail})
}
`;

const PLATFORM_PACKAGE = `// Package platform wires logging, request IDs and the Lambda runtime for every function.
package platform

import (
\t"context"
\t"os"
\t"time"

\t"github.com/aws/aws-lambda-go/events"
\t"github.com/aws/aws-lambda-go/lambda"
\t"github.com/aws/aws-lambda-go/lambdacontext"
\t"github.com/google/uuid"
\t"github.com/rs/zerolog"

\t"${LAMBDA_MODULE_PATH}/internal/httpx"
)

// Handler is what each function implements.
type Handler func(ctx context.Context, log zerolog.Logger, req events.APIGatewayProxyRequest) (any, error)

// Logger is the structured logger every function shares.
func Logger(function string) zerolog.Logger {
\treturn zerolog.New(os.Stdout).With().Timestamp().Str("function", function).Logger()
}

// Start runs the handler under the Lambda runtime with a per-request logger and error mapping.
func Start(function string, handle Handler) {
\tbase := Logger(function)
\tlambda.Start(func(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
\t\trequestID := uuid.NewString()
\t\tif lc, ok := lambdacontext.FromContext(ctx); ok {
\t\t\trequestID = lc.AwsRequestID
\t\t}
\t\tlog := base.With().Str("request_id", requestID).Logger()
\t\tstarted := time.Now()
\t\tbody, err := handle(ctx, log, req)
\t\tlog.Info().Dur("took", time.Since(started)).Err(err).Msg("handled")
\t\tif err != nil {
\t\t\treturn httpx.Problem(500, err.Error())
\t\t}
\t\treturn httpx.JSON(200, body)
\t})
}
`;

function mainFile(name: string): string {
  return `// Command ${name} is one of the benchmark's Lambda functions.
package main

import "${LAMBDA_MODULE_PATH}/internal/platform"

func main() {
\tplatform.Start("${name}", handle)
}
`;
}

/** Function-specific logic with some substance, so each compile does real work beyond linking. */
function logicFile(name: string, index: number, revision: number): string {
  return `package main

import (
\t"context"
\t"errors"
\t"fmt"
\t"sort"
\t"strconv"
\t"strings"

\t"github.com/aws/aws-lambda-go/events"
\t"github.com/rs/zerolog"
)

// revision is what the benchmark's one-file-change scenario edits.
const revision = ${revision}

type item struct {
\tKey   string \`json:"key"\`
\tCount int    \`json:"count"\`
}

type result struct {
\tFunction string \`json:"function"\`
\tRevision int    \`json:"revision"\`
\tItems    []item \`json:"items"\`
\tTotal    int    \`json:"total"\`
}

var errEmpty = errors.New("${name}: empty request body")

func tally(body string) []item {
\tcounts := map[string]int{}
\tfor _, word := range strings.Fields(body) {
\t\tcounts[strings.ToLower(strings.Trim(word, ".,;:!?"))] += ${index}
\t}
\titems := make([]item, 0, len(counts))
\tfor key, count := range counts {
\t\titems = append(items, item{Key: key, Count: count})
\t}
\tsort.Slice(items, func(i, j int) bool {
\t\tif items[i].Count != items[j].Count {
\t\t\treturn items[i].Count > items[j].Count
\t\t}
\t\treturn items[i].Key < items[j].Key
\t})
\treturn items
}

func limit(req events.APIGatewayProxyRequest) (int, error) {
\traw, ok := req.QueryStringParameters["limit"]
\tif !ok {
\t\treturn ${index + 4}, nil
\t}
\tn, err := strconv.Atoi(raw)
\tif err != nil || n <= 0 {
\t\treturn 0, fmt.Errorf("${name}: limit %q is not a positive number", raw)
\t}
\treturn n, nil
}

func handle(ctx context.Context, log zerolog.Logger, req events.APIGatewayProxyRequest) (any, error) {
\tif strings.TrimSpace(req.Body) == "" {
\t\treturn nil, errEmpty
\t}
\tn, err := limit(req)
\tif err != nil {
\t\treturn nil, err
\t}
\titems := tally(req.Body)
\ttotal := 0
\tfor _, it := range items {
\t\ttotal += it.Count
\t}
\tif len(items) > n {
\t\titems = items[:n]
\t}
\tlog.Debug().Int("items", len(items)).Msg("${name} tallied")
\treturn result{Function: "${name}", Revision: revision, Items: items, Total: total}, ctx.Err()
}
`;
}

function write(root: string, rel: string, text: string): void {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** Writes the repo into `root` (replacing it), without go.sum; run `tidyModule` next. */
export function generateLambdaRepo(root: string, options: LambdaRepoOptions = DEFAULT_LAMBDA_REPO): string[] {
  rmSync(root, { recursive: true, force: true });
  write(root, "go.mod", goMod(options));
  write(root, "internal/httpx/httpx.go", HTTP_PACKAGE);
  write(root, "internal/platform/platform.go", PLATFORM_PACKAGE);
  const names: string[] = [];
  for (let i = 1; i <= options.functions; i++) {
    const name = functionName(i);
    write(root, `cmd/${name}/main.go`, mainFile(name));
    write(root, editableFile(i), logicFile(name, i, 0));
    names.push(name);
  }
  return names;
}

/** `go mod tidy` with the machine's Go: completes go.mod's indirect requirements and writes go.sum. */
export function tidyModule(root: string, env: NodeJS.ProcessEnv): void {
  execFileSync("go", ["mod", "tidy"], {
    cwd: root,
    env: { ...env, GOWORK: "off", GOFLAGS: "-mod=mod" },
    stdio: "pipe",
  });
}

/** Rewrites the function's `revision` constant: a real source edit that changes only that Lambda. */
export function editFunction(root: string, index: number, revision: number): void {
  const file = path.join(root, editableFile(index));
  const text = readFileSync(file, "utf8");
  const next = text.replace(/^const revision = \d+$/m, `const revision = ${revision}`);
  if (next === text && !text.includes(`const revision = ${revision}\n`)) {
    throw new Error(`${file}: no revision constant to edit`);
  }
  writeFileSync(file, next);
}
