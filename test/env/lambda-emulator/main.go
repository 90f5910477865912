// Command aws-lambda-rie is rpk's test stand-in for the AWS Lambda Runtime Interface Emulator.
//
// The real emulator cannot be installed on the test machines (the Go module proxy refuses to serve it),
// so test/env/up.sh builds this one instead. It keeps the real command line:
//
//	aws-lambda-rie [--runtime-interface-emulator-address HOST:PORT] [--runtime-api-address HOST:PORT] [bootstrap [args...]]
//
// and the two HTTP surfaces a test relies on: the Lambda Runtime API that a `bootstrap` polls, and the
// invoke endpoint POST /2015-03-31/functions/function/invocations. It is a test fixture, not a copy of the
// real emulator: no extensions API, no telemetry, one invocation at a time.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// Where the real provided.al2/al2023 images look for a bootstrap when none is named on the command line.
var defaultBootstrapPaths = []string{"/var/runtime/bootstrap", "/var/task/bootstrap", "/opt/bootstrap"}

type options struct {
	invokeAddress  string
	runtimeAddress string
	command        []string
	function       functionSettings
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("")
	opts, err := parseOptions(os.Args[1:])
	if err != nil {
		log.Printf("aws-lambda-rie (stand-in): %v", err)
		os.Exit(2)
	}
	if err := run(opts); err != nil {
		log.Printf("aws-lambda-rie (stand-in): %v", err)
		os.Exit(1)
	}
}

func parseOptions(args []string) (options, error) {
	fs := flag.NewFlagSet("aws-lambda-rie", flag.ContinueOnError)
	// Same defaults as the real emulator: invoke endpoint on :8080, Runtime API on loopback :9001.
	invokeAddress := fs.String("runtime-interface-emulator-address", "0.0.0.0:8080", "address of the invoke endpoint")
	runtimeAddress := fs.String("runtime-api-address", "127.0.0.1:9001", "address of the Lambda Runtime API")
	fs.String("log-level", "info", "accepted for compatibility with the real emulator; ignored")
	fs.Bool("init-caching", false, "accepted for compatibility with the real emulator; ignored")
	if err := fs.Parse(args); err != nil {
		return options{}, err
	}
	command := fs.Args()
	if len(command) == 0 {
		found := firstExisting(defaultBootstrapPaths)
		if found == "" {
			return options{}, fmt.Errorf("no bootstrap given and none found in %v", defaultBootstrapPaths)
		}
		command = []string{found}
	}
	settings, err := functionSettingsFromEnv()
	if err != nil {
		return options{}, err
	}
	return options{invokeAddress: *invokeAddress, runtimeAddress: *runtimeAddress, command: command, function: settings}, nil
}

func firstExisting(paths []string) string {
	for _, p := range paths {
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			return p
		}
	}
	return ""
}

// functionSettings are the knobs the real emulator reads from its environment.
type functionSettings struct {
	name       string
	version    string
	memoryMB   int
	timeout    time.Duration
	region     string
	handler    string
	accountArn string
}

func functionSettingsFromEnv() (functionSettings, error) {
	s := functionSettings{
		name:     envOr("AWS_LAMBDA_FUNCTION_NAME", "test_function"),
		version:  envOr("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
		region:   envOr("AWS_REGION", envOr("AWS_DEFAULT_REGION", "us-east-1")),
		handler:  os.Getenv("_HANDLER"),
		memoryMB: 3008,
		timeout:  300 * time.Second,
	}
	if v := os.Getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return s, fmt.Errorf("AWS_LAMBDA_FUNCTION_MEMORY_SIZE=%q is not a positive integer", v)
		}
		s.memoryMB = n
	}
	if v := os.Getenv("AWS_LAMBDA_FUNCTION_TIMEOUT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return s, fmt.Errorf("AWS_LAMBDA_FUNCTION_TIMEOUT=%q is not a positive number of seconds", v)
		}
		s.timeout = time.Duration(n) * time.Second
	}
	s.accountArn = fmt.Sprintf("arn:aws:lambda:%s:012345678912:function:%s", s.region, s.name)
	return s, nil
}

func envOr(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}

func run(opts options) error {
	runtimeListener, err := net.Listen("tcp", opts.runtimeAddress)
	if err != nil {
		return fmt.Errorf("listen for the Runtime API: %w", err)
	}
	invokeListener, err := net.Listen("tcp", opts.invokeAddress)
	if err != nil {
		runtimeListener.Close()
		return fmt.Errorf("listen for invokes: %w", err)
	}

	fn := newFunction(opts.command, opts.function, runtimeListener.Addr().String())
	runtimeServer := &http.Server{Handler: fn.runtimeAPI(), ReadHeaderTimeout: 10 * time.Second}
	invokeServer := &http.Server{Handler: fn.invokeAPI(), ReadHeaderTimeout: 10 * time.Second}

	serveErrors := make(chan error, 2)
	go func() { serveErrors <- runtimeServer.Serve(runtimeListener) }()
	go func() { serveErrors <- invokeServer.Serve(invokeListener) }()
	log.Printf("aws-lambda-rie (stand-in): invoke endpoint http://%s/2015-03-31/functions/function/invocations, runtime API %s, bootstrap %v",
		invokeListener.Addr(), runtimeListener.Addr(), opts.command)

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	var result error
	select {
	case sig := <-signals:
		log.Printf("aws-lambda-rie (stand-in): %v received, stopping", sig)
	case err := <-serveErrors:
		if !errors.Is(err, http.ErrServerClosed) {
			result = err
		}
	}
	// The bootstrap is our child: never leave it behind.
	fn.stopRuntime()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = invokeServer.Shutdown(ctx)
	_ = runtimeServer.Shutdown(ctx)
	return result
}
