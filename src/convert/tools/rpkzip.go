// rpk-zip writes Lambda deployment zips and their manifest inside BuildKit, so the CLI and the frontend
// produce the same bytes. It is compiled in the plan's golang image; its output depends only on its inputs:
// entries sorted by name, DOS epoch timestamps, Unix modes, no extra fields, no data descriptors.
// With "-- COMMAND", it first runs the command (the compile) and zips what it wrote, so a changed Lambda
// costs one container instead of two. Each artifact's digest (sha256 and size) is written to a record file
// (DIGEST, a separate mount kept out of the output) while its bytes are still in memory, so the manifest
// step reads one small record per artifact instead of every zip again.
//
//	rpk-zip zip OUT.zip DIGEST NAME=PATH[:MODE] ... [-- COMMAND ARG...]
//	rpk-zip digest DIGEST FILE [-- COMMAND ARG...]
//	rpk-zip manifest OUT.json DIGEST_DIR [--records SPEC.json] KIND:NAME:ARCH:RUNTIME:FILE ...
//	                 (reads DIGEST_DIR/FILE.sha256; with --records also writes each target's SBOM and
//	                 provenance next to OUT.json and lists them, see rpkrecords.go)
//	                 [failed:NAME:FILE ...]   (reads DIGEST_DIR/FILE.log, written by capture)
//	rpk-zip capture LOG -- COMMAND ARG...
//
// capture runs a compile that already failed once, to hand its output to rpk: it writes "exit N" and then
// the command's combined output to LOG and exits 0, so the output can be read back (rpk build --keep-going,
// and the error line that names each failing target). rpk asks for it only after a failure, uncached.
package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// 1980-01-01 00:00:00, the earliest time a zip can hold; a fixed value keeps zips byte-identical.
const dosDate1980 = 1<<5 | 1

type entry struct {
	name string
	path string
	mode os.FileMode
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "rpk-zip: "+format+"\n", args...)
	os.Exit(1)
}

func parseEntry(arg string) entry {
	name, rest, ok := strings.Cut(arg, "=")
	if !ok || name == "" || rest == "" {
		fail("entry %q: want NAME=PATH[:MODE]", arg)
	}
	e := entry{name: name, path: rest, mode: 0o644}
	if i := strings.LastIndex(rest, ":"); i > 0 {
		m, err := strconv.ParseUint(rest[i+1:], 8, 32)
		if err != nil {
			fail("entry %q: mode %q is not octal", arg, rest[i+1:])
		}
		e.path, e.mode = rest[:i], os.FileMode(m)
	}
	return e
}

// deflateChunk is the size of the pieces deflate compresses in parallel. Fixed, so the bytes do not depend
// on the number of cores.
const deflateChunk = 1 << 20

// deflate compresses data as one raw deflate stream, in fixed-size chunks on all cores, as pigz does: each
// chunk starts a fresh compressor and ends with a sync flush (the last one with the final block), so the
// concatenation is a valid stream. A chunk cannot refer back into the previous one, which costs about 0.1%
// in size on a Go binary; compressing a 6 MB bootstrap takes half the time on two cores.
func deflate(data []byte) []byte {
	chunks := (len(data) + deflateChunk - 1) / deflateChunk
	if chunks == 0 {
		chunks = 1
	}
	parts := make([][]byte, chunks)
	eachOnAllCores(chunks, func(i int) {
		start, end := i*deflateChunk, (i+1)*deflateChunk
		if end > len(data) {
			end = len(data)
		}
		parts[i] = deflatePart(data[start:end], i == chunks-1)
	})
	return bytes.Join(parts, nil)
}

// eachOnAllCores calls fn(0) … fn(n-1), at most GOMAXPROCS at a time, and returns when all have returned.
func eachOnAllCores(n int, fn func(i int)) {
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		slots <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-slots }()
			fn(i)
		}(i)
	}
	wg.Wait()
}

func deflatePart(chunk []byte, last bool) []byte {
	var buf bytes.Buffer
	// The default level, as Go's archive/zip and Terraform's archive_file use: 3.5x faster than
	// BestCompression on a Go binary for 0.3% more bytes.
	fw, err := flate.NewWriter(&buf, flate.DefaultCompression)
	if err != nil {
		fail("%v", err)
	}
	if _, err := fw.Write(chunk); err != nil {
		fail("%v", err)
	}
	if last {
		err = fw.Close()
	} else {
		err = fw.Flush()
	}
	if err != nil {
		fail("%v", err)
	}
	return buf.Bytes()
}

func writeZip(out, digest string, entries []entry) {
	sort.Slice(entries, func(i, j int) bool { return entries[i].name < entries[j].name })
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		data, err := os.ReadFile(e.path)
		if err != nil {
			fail("%v", err)
		}
		compressed := deflate(data)
		fh := &zip.FileHeader{
			Name:               e.name,
			Method:             zip.Deflate,
			CRC32:              crc32.ChecksumIEEE(data),
			CompressedSize64:   uint64(len(compressed)),
			UncompressedSize64: uint64(len(data)),
			ModifiedDate:       dosDate1980,
			ModifiedTime:       0,
		}
		// Made by Unix (3), spec 2.0; the high 16 bits of the external attributes carry the Unix mode,
		// which is how Lambda learns that bootstrap is executable.
		fh.CreatorVersion = 3<<8 | 20
		fh.ExternalAttrs = uint32(0o100000|e.mode.Perm()) << 16
		w, err := zw.CreateRaw(fh)
		if err != nil {
			fail("%v", err)
		}
		if _, err := w.Write(compressed); err != nil {
			fail("%v", err)
		}
	}
	if err := zw.Close(); err != nil {
		fail("%v", err)
	}
	writeFile(out, buf.Bytes())
	writeDigest(digest, buf.Bytes())
}

// writeDigest records data's sha256 (hex) and size as one line, "HEX SIZE\n", for the manifest step.
func writeDigest(path string, data []byte) {
	sum := sha256.Sum256(data)
	writeFile(path, []byte(fmt.Sprintf("%s %d\n", hex.EncodeToString(sum[:]), len(data))))
}

// readDigest parses a record written by writeDigest.
func readDigest(path string) (sum []byte, size int64) {
	data, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	hexSum, sizeText, ok := strings.Cut(strings.TrimSuffix(string(data), "\n"), " ")
	sum, hexErr := hex.DecodeString(hexSum)
	size, sizeErr := strconv.ParseInt(sizeText, 10, 64)
	if !ok || hexErr != nil || len(sum) != sha256.Size || sizeErr != nil {
		fail("%s: not a digest record (want \"SHA256HEX SIZE\")", path)
	}
	return sum, size
}

func writeFile(path string, data []byte) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		fail("%v", err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		fail("%v", err)
	}
}

type manifestTarget struct {
	Name           string `json:"name"`
	Kind           string `json:"kind"`
	File           string `json:"file"`
	SHA256         string `json:"sha256"`
	SourceCodeHash string `json:"sourceCodeHash"`
	Size           int64  `json:"size"`
	Arch           string `json:"arch"`
	Runtime        string `json:"runtime,omitempty"`
	// The target's records (rpkrecords.go), when asked for: file names next to the artifact.
	SBOM       string `json:"sbom,omitempty"`
	Provenance string `json:"provenance,omitempty"`
}

type failedTarget struct {
	Name  string `json:"name"`
	Error string `json:"error"`
}

type manifest struct {
	Version int              `json:"version"`
	Targets []manifestTarget `json:"targets"`
	// Only with --keep-going, and only when a target failed: a manifest without failures is unchanged.
	Failed []failedTarget `json:"failed,omitempty"`
}

func writeManifest(out, dir string, specs []string) {
	var records map[string]recordFiles
	if len(specs) >= 2 && specs[0] == "--records" {
		records = writeRecords(filepath.Dir(out), readSpec(specs[1]), dir)
		specs = specs[2:]
	}
	m := manifest{Version: 1, Targets: []manifestTarget{}}
	for _, spec := range specs {
		if name, file, ok := strings.Cut(strings.TrimPrefix(spec, "failed:"), ":"); ok && strings.HasPrefix(spec, "failed:") {
			m.Failed = append(m.Failed, failedTarget{Name: name, Error: readCapturedError(filepath.Join(dir, file+".log"))})
			continue
		}
		parts := strings.SplitN(spec, ":", 5)
		if len(parts) != 5 {
			fail("manifest entry %q: want KIND:NAME:ARCH:RUNTIME:FILE or failed:NAME:FILE", spec)
		}
		m.Targets = append(m.Targets, manifestTarget{Name: parts[1], Kind: parts[0], File: parts[4], Arch: parts[2], Runtime: parts[3]})
	}
	sort.Slice(m.Failed, func(i, j int) bool { return m.Failed[i].Name < m.Failed[j].Name })
	for i := range m.Targets {
		t := &m.Targets[i]
		sum, size := readDigest(filepath.Join(dir, t.File+".sha256"))
		t.SHA256, t.SourceCodeHash, t.Size = hex.EncodeToString(sum), base64.StdEncoding.EncodeToString(sum), size
		t.SBOM, t.Provenance = records[t.Name].SBOM, records[t.Name].Provenance
	}
	sort.Slice(m.Targets, func(i, j int) bool { return m.Targets[i].Name < m.Targets[j].Name })
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		fail("%v", err)
	}
	writeFile(out, append(data, '\n'))
}

// readCapturedError returns the output a capture log recorded (without its "exit N" line), trimmed.
func readCapturedError(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	status, output, ok := strings.Cut(string(data), "\n")
	if !ok || !strings.HasPrefix(status, "exit ") {
		fail("%s: not a capture log (want \"exit N\" first)", path)
	}
	return strings.TrimSpace(output)
}

// capture runs the command with its stdout and stderr combined into one buffer (also copied to stderr, for
// the progress log), then writes "exit N\n" and the output to log. It fails only if it cannot run or write.
func capture(log string, args []string) {
	var out bytes.Buffer
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin = os.Stdin
	cmd.Stdout = io.MultiWriter(&out, os.Stderr)
	cmd.Stderr = cmd.Stdout
	code := 0
	if err := cmd.Run(); err != nil {
		exit, ok := err.(*exec.ExitError)
		if !ok {
			fail("%v", err)
		}
		code = exit.ExitCode()
	}
	writeFile(log, append([]byte(fmt.Sprintf("exit %d\n", code)), out.Bytes()...))
}

// runFirst runs the command after "--" with rpk-zip's stdio and environment; its failure is the step's.
func runFirst(args []string) {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		if exit, ok := err.(*exec.ExitError); ok {
			os.Exit(exit.ExitCode())
		}
		fail("%v", err)
	}
}

// runCommandAfterDashes runs the command after "--", if any, and returns the arguments before it.
func runCommandAfterDashes(args []string) []string {
	for i, arg := range args {
		if arg == "--" {
			if i+1 == len(args) {
				fail("nothing to run after --")
			}
			runFirst(args[i+1:])
			return args[:i]
		}
	}
	return args
}

const usage = "usage: rpk-zip zip OUT.zip DIGEST NAME=PATH[:MODE]... [-- COMMAND ARG...] | " +
	"rpk-zip digest DIGEST FILE [-- COMMAND ARG...] | rpk-zip manifest OUT.json DIGEST_DIR [--records SPEC.json] KIND:NAME:ARCH:RUNTIME:FILE... [failed:NAME:FILE...] | " +
	"rpk-zip record RECORD SRCDIR BINARY -- COMMAND ARG... | rpk-zip records OUTDIR SPEC.json RECORD_DIR | rpk-zip capture LOG -- COMMAND ARG..."

func main() {
	if len(os.Args) < 4 {
		fail(usage)
	}
	switch os.Args[1] {
	case "zip":
		specs := runCommandAfterDashes(os.Args[4:])
		var entries []entry
		for _, arg := range specs {
			entries = append(entries, parseEntry(arg))
		}
		writeZip(os.Args[2], os.Args[3], entries)
	case "digest":
		if len(runCommandAfterDashes(os.Args[3:])) != 1 {
			fail(usage)
		}
		data, err := os.ReadFile(os.Args[3])
		if err != nil {
			fail("%v", err)
		}
		writeDigest(os.Args[2], data)
	case "manifest":
		writeManifest(os.Args[2], os.Args[3], os.Args[4:])
	case "record":
		if len(os.Args) < 6 || len(runCommandAfterDashes(os.Args[2:])) != 3 {
			fail(usage)
		}
		writeBuildRecord(os.Args[2], os.Args[3], os.Args[4])
	case "records":
		if len(os.Args) != 5 {
			fail(usage)
		}
		writeRecords(os.Args[2], readSpec(os.Args[3]), os.Args[4])
	case "capture":
		if os.Args[3] != "--" || len(os.Args) < 5 {
			fail(usage)
		}
		capture(os.Args[2], os.Args[4:])
	default:
		fail("unknown mode %q", os.Args[1])
	}
}
