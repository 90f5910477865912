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
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// defaultListen is where Lambda's own Runtime API listens. `--listen ADDR` (before the bootstrap) changes it:
// rpk passes 127.0.0.1:0 when the container shares a network namespace with others (a daemon whose network
// mode is host), so that every instance gets a port of its own.
const defaultListen = "127.0.0.1:9001"

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

// The Runtime API's calls are simple HTTP/1.1 exchanges; a small server of our own keeps net/http (and
// the TLS stack it pulls in) out of the relay, which BuildKit compiles on first use.

type request struct {
	method  string
	path    string
	headers map[string]string
	body    []byte
	close   bool
}

func readLine(reader *bufio.Reader) (string, error) {
	line, err := reader.ReadString('\n')
	if err != nil {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func header(headers map[string]string, name string) string {
	for key, value := range headers {
		if strings.EqualFold(key, name) {
			return value
		}
	}
	return ""
}

func readRequest(reader *bufio.Reader) (*request, error) {
	line, err := readLine(reader)
	if err != nil {
		return nil, err
	}
	parts := strings.SplitN(line, " ", 3)
	if len(parts) != 3 {
		return nil, fmt.Errorf("malformed request line %q", line)
	}
	req := &request{method: parts[0], path: parts[1], headers: map[string]string{}}
	for {
		line, err := readLine(reader)
		if err != nil {
			return nil, err
		}
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("malformed header line %q", line)
		}
		req.headers[strings.TrimSpace(name)] = strings.TrimSpace(value)
	}
	if strings.EqualFold(header(req.headers, "Transfer-Encoding"), "chunked") {
		req.body, err = readChunked(reader)
	} else if length := header(req.headers, "Content-Length"); length != "" {
		var n int
		if n, err = strconv.Atoi(length); err == nil {
			req.body = make([]byte, n)
			_, err = io.ReadFull(reader, req.body)
		}
	}
	req.close = parts[2] == "HTTP/1.0" || strings.EqualFold(header(req.headers, "Connection"), "close")
	return req, err
}

func readChunked(reader *bufio.Reader) ([]byte, error) {
	var body []byte
	for {
		line, err := readLine(reader)
		if err != nil {
			return nil, err
		}
		size, err := strconv.ParseInt(strings.TrimSpace(strings.SplitN(line, ";", 2)[0]), 16, 64)
		if err != nil {
			return nil, err
		}
		if size == 0 {
			// Trailers, up to the empty line.
			for {
				if line, err = readLine(reader); err != nil || line == "" {
					return body, err
				}
			}
		}
		chunk := make([]byte, size)
		if _, err := io.ReadFull(reader, chunk); err != nil {
			return nil, err
		}
		body = append(body, chunk...)
		if _, err := readLine(reader); err != nil {
			return nil, err
		}
	}
}

var statusText = map[int]string{200: "OK", 202: "Accepted", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 413: "Request Entity Too Large", 500: "Internal Server Error", 502: "Bad Gateway"}

func writeResponse(writer *bufio.Writer, status int, headers map[string]string, body []byte) error {
	text := statusText[status]
	if text == "" {
		text = "Status"
	}
	fmt.Fprintf(writer, "HTTP/1.1 %d %s\r\n", status, text)
	for name, value := range headers {
		if strings.EqualFold(name, "Content-Length") || strings.ContainsAny(name+value, "\r\n") {
			continue
		}
		fmt.Fprintf(writer, "%s: %s\r\n", name, value)
	}
	fmt.Fprintf(writer, "Content-Length: %d\r\n\r\n", len(body))
	writer.Write(body)
	return writer.Flush()
}

// roundTrip hands one Runtime API call to rpk and waits for its answer.
func (r *relay) roundTrip(req *request) frame {
	waiter := make(chan frame, 1)
	r.mu.Lock()
	r.nextID++
	id := r.nextID
	r.pending[id] = waiter
	r.mu.Unlock()
	if err := r.send(frame{Type: "request", ID: id, Method: req.method, Path: req.path, Headers: req.headers, Body: req.body}); err != nil {
		return frame{Status: 502, Body: []byte(err.Error())}
	}
	return <-waiter
}

func (r *relay) serveConn(conn net.Conn) {
	defer conn.Close()
	reader := bufio.NewReader(conn)
	writer := bufio.NewWriter(conn)
	for {
		req, err := readRequest(reader)
		if err != nil {
			if err != io.EOF {
				_ = writeResponse(writer, 400, nil, []byte(err.Error()))
			}
			return
		}
		answer := r.roundTrip(req)
		if err := writeResponse(writer, answer.Status, answer.Headers, answer.Body); err != nil || req.close {
			return
		}
	}
}

func (r *relay) serve(listener net.Listener) {
	for {
		conn, err := listener.Accept()
		if err != nil {
			return
		}
		go r.serveConn(conn)
	}
}

func main() {
	args := os.Args[1:]
	listenAddress := defaultListen
	if len(args) >= 2 && args[0] == "--listen" {
		listenAddress, args = args[1], args[2:]
	}
	if len(args) < 1 {
		fmt.Fprintln(os.Stderr, "usage: rpk-relay [--listen ADDR] BOOTSTRAP [ARGS...]")
		os.Exit(2)
	}
	listener, err := net.Listen("tcp", listenAddress)
	if err != nil {
		fmt.Fprintf(os.Stderr, "rpk-relay: listen on %s: %v\n", listenAddress, err)
		os.Exit(2)
	}
	// With port 0 the kernel picked one: the bootstrap is told the address actually bound.
	runtimeAPI := listener.Addr().String()
	r := &relay{out: bufio.NewWriter(os.Stdout), pending: map[uint64]chan frame{}}
	go r.serve(listener)

	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), "AWS_LAMBDA_RUNTIME_API="+runtimeAPI)
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
