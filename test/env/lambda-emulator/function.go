package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log"
	"sync"
	"time"
)

// invocation is one event on its way through the function: the invoke handler creates it, the runtime
// takes it with GET .../invocation/next and settles it with .../response or .../error.
type invocation struct {
	id            string
	payload       []byte
	deadline      time.Time
	traceID       string
	clientContext string
	done          chan outcome // buffered: whoever settles first wins, later attempts are dropped
}

// outcome is what the invoke endpoint answers. errorType == "" means success.
type outcome struct {
	body        []byte
	contentType string
	errorType   string
}

func (inv *invocation) settle(o outcome) bool {
	select {
	case inv.done <- o:
		return true
	default:
		return false
	}
}

// function is one emulated execution environment: at most one runtime process and one invocation at a time.
type function struct {
	command           []string
	settings          functionSettings
	runtimeAPIAddress string // host:port the bootstrap gets as AWS_LAMBDA_RUNTIME_API

	invokeMu sync.Mutex // serialises invokes, as a single Lambda execution environment does

	mu      sync.Mutex
	proc    *runtimeProcess
	current *invocation      // handed to the runtime, not settled yet
	pending chan *invocation // the event waiting for the runtime's next GET .../next
}

func newFunction(command []string, settings functionSettings, runtimeAPI string) *function {
	return &function{command: command, settings: settings, runtimeAPIAddress: runtimeAPI, pending: make(chan *invocation, 1)}
}

// invoke runs one event to completion and returns what the invoke endpoint should answer.
func (fn *function) invoke(payload []byte, clientContext string) outcome {
	fn.invokeMu.Lock()
	defer fn.invokeMu.Unlock()

	inv := &invocation{
		id:            newRequestID(),
		payload:       payload,
		deadline:      time.Now().Add(fn.settings.timeout),
		traceID:       newTraceID(),
		clientContext: clientContext,
		done:          make(chan outcome, 1),
	}
	started := time.Now()
	log.Printf("START RequestId: %s Version: %s", inv.id, fn.settings.version)

	proc, initStarted, err := fn.ensureRuntime()
	var result outcome
	if err != nil {
		result = errorOutcome(inv.id, "Runtime.InvalidEntrypoint", err.Error())
	} else {
		fn.pending <- inv
		result = fn.await(inv, proc)
		fn.forget(inv)
	}

	elapsed := time.Since(started)
	log.Printf("END RequestId: %s", inv.id)
	initNote := ""
	if initStarted {
		initNote = " (includes init)"
	}
	log.Printf("REPORT RequestId: %s\tDuration: %.2f ms%s\tMemory Size: %d MB", inv.id,
		float64(elapsed.Microseconds())/1000, initNote, fn.settings.memoryMB)
	return result
}

func (fn *function) await(inv *invocation, proc *runtimeProcess) outcome {
	timer := time.NewTimer(time.Until(inv.deadline))
	defer timer.Stop()
	select {
	case o := <-inv.done:
		return o
	case o := <-proc.initFailed:
		// A runtime that reported an init error is finished; the next invoke starts a fresh one.
		fn.stopRuntime()
		return o
	case <-proc.exited:
		// The runtime may have answered (or reported an init error) just before exiting: prefer that.
		select {
		case o := <-inv.done:
			return o
		case o := <-proc.initFailed:
			fn.clearRuntime(proc)
			return o
		default:
		}
		fn.clearRuntime(proc)
		return errorOutcome(inv.id, "Runtime.ExitError", "Runtime exited "+proc.exitDescription())
	case <-timer.C:
		fn.stopRuntime()
		return errorOutcome(inv.id, "Sandbox.Timedout",
			fmt.Sprintf("Task timed out after %.2f seconds", fn.settings.timeout.Seconds()))
	}
}

// forget drops an invocation that is over, whether or not the runtime ever picked it up.
func (fn *function) forget(inv *invocation) {
	fn.mu.Lock()
	defer fn.mu.Unlock()
	select {
	case <-fn.pending:
	default:
	}
	if fn.current == inv {
		fn.current = nil
	}
}

// ensureRuntime starts the bootstrap lazily, on the first invoke, as the real emulator does.
func (fn *function) ensureRuntime() (*runtimeProcess, bool, error) {
	fn.mu.Lock()
	defer fn.mu.Unlock()
	if fn.proc != nil {
		return fn.proc, false, nil
	}
	proc, err := startRuntime(fn.command, fn.runtimeEnv())
	if err != nil {
		return nil, true, err
	}
	fn.proc = proc
	return proc, true, nil
}

func (fn *function) clearRuntime(proc *runtimeProcess) {
	fn.mu.Lock()
	defer fn.mu.Unlock()
	if fn.proc == proc {
		fn.proc = nil
	}
}

func (fn *function) stopRuntime() {
	fn.mu.Lock()
	proc := fn.proc
	fn.proc = nil
	fn.mu.Unlock()
	if proc != nil {
		proc.kill()
	}
}

// takeNext hands the waiting event to the runtime; it blocks until there is one or the runtime hangs up.
func (fn *function) takeNext(cancelled <-chan struct{}) (*invocation, bool) {
	select {
	case inv := <-fn.pending:
		fn.mu.Lock()
		fn.current = inv
		fn.mu.Unlock()
		return inv, true
	case <-cancelled:
		return nil, false
	}
}

// claim returns the in-flight invocation with this request id and marks it answered.
func (fn *function) claim(requestID string) *invocation {
	fn.mu.Lock()
	defer fn.mu.Unlock()
	if fn.current == nil || fn.current.id != requestID {
		return nil
	}
	inv := fn.current
	fn.current = nil
	return inv
}

// reportInitError is called for POST .../init/error: the pending invoke (if any) answers with that error.
func (fn *function) reportInitError(o outcome) {
	fn.mu.Lock()
	proc := fn.proc
	fn.mu.Unlock()
	if proc != nil {
		select {
		case proc.initFailed <- o:
		default:
		}
	}
}

func (fn *function) runtimeEnv() map[string]string {
	s := fn.settings
	return map[string]string{
		"AWS_LAMBDA_RUNTIME_API":          fn.runtimeAPIAddress,
		"AWS_LAMBDA_FUNCTION_NAME":        s.name,
		"AWS_LAMBDA_FUNCTION_VERSION":     s.version,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": fmt.Sprint(s.memoryMB),
		"AWS_LAMBDA_LOG_GROUP_NAME":       "/aws/lambda/" + s.name,
		"AWS_LAMBDA_LOG_STREAM_NAME":      "$LATEST",
		"AWS_LAMBDA_INITIALIZATION_TYPE":  "on-demand",
		"AWS_REGION":                      s.region,
		"AWS_DEFAULT_REGION":              s.region,
		"_HANDLER":                        s.handler,
	}
}

// errorOutcome builds the error document Lambda returns when the platform (not the handler) fails.
func errorOutcome(requestID, errorType, message string) outcome {
	body, _ := json.Marshal(map[string]string{
		"errorMessage": fmt.Sprintf("RequestId: %s Error: %s", requestID, message),
		"errorType":    errorType,
	})
	return outcome{body: body, contentType: "application/json", errorType: errorType}
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = (b[6] & 0x0f) | 0x40 // version 4
	b[8] = (b[8] & 0x3f) | 0x80 // RFC 4122 variant
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// newTraceID has the X-Ray shape Lambda puts in Lambda-Runtime-Trace-Id.
func newTraceID() string {
	var b [20]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return fmt.Sprintf("Root=1-%08x-%s;Parent=%s;Sampled=0", time.Now().Unix(), h[0:24], h[24:40])
}
