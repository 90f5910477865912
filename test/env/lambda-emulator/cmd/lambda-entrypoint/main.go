// Command lambda-entrypoint is /lambda-entrypoint.sh in the arm64 variant of rpk's provided.* stand-ins.
//
// The amd64 stand-ins use the shell script test/env/images/lambda-entrypoint.sh on busybox. The arm64
// variant has no arm64 shell to run a script with (the test machines are amd64 and cannot fetch an
// arm64 busybox), so it carries this static program with the same contract instead: exactly one argument,
// the handler, exported as _HANDLER; without AWS_LAMBDA_RUNTIME_API the bootstrap runs under
// /usr/local/bin/aws-lambda-rie, otherwise it is exec'd directly.
package main

import (
	"fmt"
	"os"
	"syscall"
)

const emulatorPath = "/usr/local/bin/aws-lambda-rie"

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintf(os.Stderr, "lambda-entrypoint: expected exactly one argument (the handler), got %d\n", len(os.Args)-1)
		os.Exit(142)
	}
	if err := os.Setenv("_HANDLER", os.Args[1]); err != nil {
		fail(err)
	}
	runtimeDir := os.Getenv("LAMBDA_RUNTIME_DIR")
	if runtimeDir == "" {
		runtimeDir = "/var/runtime"
	}
	bootstrap := runtimeDir + "/bootstrap"
	argv := []string{bootstrap}
	if os.Getenv("AWS_LAMBDA_RUNTIME_API") == "" {
		argv = []string{emulatorPath, bootstrap}
	}
	fail(syscall.Exec(argv[0], argv, os.Environ()))
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "lambda-entrypoint: %v\n", err)
	os.Exit(1)
}
