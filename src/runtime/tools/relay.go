// rpk-relay runs inside the Lambda base image container that rpk starts through BuildKit's gateway API.
// The container has no network the host can reach, so the relay serves the Lambda Runtime API on the
// container's loopback and carries every request over its own stdin/stdout to rpk, which answers it.
// The bootstrap's stdout and stderr go to the relay's stderr: they are the function's log.
//
// Frames, both directions: a 4-byte big-endian length, then that many bytes of JSON (see frame).
// relay -> rpk: {"type":"request",...} for each Runtime API call, {"type":"exit",...} when the bootstrap ends.
// rpk -> relay: {"type":"response",...} answering a request by id.
// When stdin closes, the relay kills the bootstrap and exits.
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"syscall"
)

const listenAddress = "127.0.0.1:9001"

type frame struct {
	Type    string            `json:"type"`
	ID      uint64            `json:"id,omitempty"`
	Method  string            `json:"method,omitempty"`
	Path    string            `json:"path,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    []byte            `json:"body,omitempty"`
	Status  int               `json:"status,omitempty"`
	// Exit is how Go describes the bootstrap's end ("exit status 3", "signal: killed").
	Exit string `json:"exit,omitempty"`
	Code int    `json:"code,omitempty"`
}

type relay struct {
	writeMu sync.Mutex
	out     *bufio.Writer

	mu      sync.Mutex
	nextID  uint64
	pending map[uint64]chan frame
}

func (r *relay) send(f frame) error {
	payload, err := json.Marshal(f)
	if err != nil {
		return err
	}
	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	var header [4]byte
	binary.BigEndian.PutUint32(header[:], uint32(len(payload)))
	if _, err := r.out.Write(header[:]); err != nil {
		return err
	}
	if _, err := r.out.Write(payload); err != nil {
		return err
	}
	return r.out.Flush()
}

// readResponses dispatches rpk's answers until stdin closes, then returns.
func (r *relay) readResponses(in io.Reader) {
	reader := bufio.NewReader(in)
	for {
		var header [4]byte
		if _, err := io.ReadFull(reader, header[:]); err != nil {
			return
		}
		payload := make([]byte, binary.BigEndian.Uint32(header[:]))
		if _, err := io.ReadFull(reader, payload); err != nil {
			return
		}
		var f frame
		if err := json.Unmarshal(payload, &f); err != nil || f.Type != "response" {
			continue
		}
		r.mu.Lock()
		waiter := r.pending[f.ID]
		delete(r.pending, f.ID)
		r.mu.Unlock()
		if waiter != nil {
			waiter <- f
		}
	}
}

func (r *relay) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	headers := map[string]string{}
	for name, values := range req.Header {
		if len(values) > 0 {
			headers[name] = values[0]
		}
	}
	waiter := make(chan frame, 1)
	r.mu.Lock()
	r.nextID++
	id := r.nextID
	r.pending[id] = waiter
	r.mu.Unlock()
	if err := r.send(frame{Type: "request", ID: id, Method: req.Method, Path: req.URL.RequestURI(), Headers: headers, Body: body}); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	answer := <-waiter
	for name, value := range answer.Headers {
		w.Header().Set(name, value)
	}
	w.WriteHeader(answer.Status)
	_, _ = w.Write(answer.Body)
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: rpk-relay BOOTSTRAP [ARGS...]")
		os.Exit(2)
	}
	listener, err := net.Listen("tcp", listenAddress)
	if err != nil {
		fmt.Fprintf(os.Stderr, "rpk-relay: listen on %s: %v\n", listenAddress, err)
		os.Exit(2)
	}
	r := &relay{out: bufio.NewWriter(os.Stdout), pending: map[uint64]chan frame{}}
	go func() { _ = http.Serve(listener, r) }()

	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Env = append(os.Environ(), "AWS_LAMBDA_RUNTIME_API="+listenAddress)
	cmd.Stdout = os.Stderr
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		_ = r.send(frame{Type: "exit", Exit: err.Error(), Code: 127})
		os.Exit(127)
	}
	go func() {
		// rpk closed stdin: the instance is being stopped.
		r.readResponses(os.Stdin)
		_ = cmd.Process.Kill()
	}()
	_ = cmd.Wait()
	state := cmd.ProcessState
	code := state.ExitCode()
	if code < 0 {
		code = 128 + int(state.Sys().(syscall.WaitStatus).Signal())
	}
	_ = r.send(frame{Type: "exit", Exit: state.String(), Code: code})
	os.Exit(code)
}
