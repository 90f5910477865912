// rpk-zip writes Lambda deployment zips and their manifest inside BuildKit, so the CLI and the frontend
// produce the same bytes. It is compiled in the plan's golang image; its output depends only on its inputs:
// entries sorted by name, DOS epoch timestamps, Unix modes, no extra fields, no data descriptors.
//
//	rpk-zip zip OUT.zip NAME=PATH[:MODE] ...
//	rpk-zip manifest OUT.json KIND:NAME:ARCH:RUNTIME:FILE ...   (FILE relative to OUT.json's dir)
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
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
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

func deflate(data []byte) []byte {
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		fail("%v", err)
	}
	if _, err := fw.Write(data); err != nil {
		fail("%v", err)
	}
	if err := fw.Close(); err != nil {
		fail("%v", err)
	}
	return buf.Bytes()
}

func writeZip(out string, entries []entry) {
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
}

type manifest struct {
	Version int              `json:"version"`
	Targets []manifestTarget `json:"targets"`
}

func writeManifest(out string, specs []string) {
	dir := filepath.Dir(out)
	m := manifest{Version: 1, Targets: []manifestTarget{}}
	for _, spec := range specs {
		parts := strings.SplitN(spec, ":", 5)
		if len(parts) != 5 {
			fail("manifest entry %q: want KIND:NAME:ARCH:RUNTIME:FILE", spec)
		}
		data, err := os.ReadFile(filepath.Join(dir, parts[4]))
		if err != nil {
			fail("%v", err)
		}
		sum := sha256.Sum256(data)
		m.Targets = append(m.Targets, manifestTarget{
			Name: parts[1], Kind: parts[0], File: parts[4], Arch: parts[2], Runtime: parts[3],
			SHA256:         hex.EncodeToString(sum[:]),
			SourceCodeHash: base64.StdEncoding.EncodeToString(sum[:]),
			Size:           int64(len(data)),
		})
	}
	sort.Slice(m.Targets, func(i, j int) bool { return m.Targets[i].Name < m.Targets[j].Name })
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		fail("%v", err)
	}
	writeFile(out, append(data, '\n'))
}

func main() {
	if len(os.Args) < 4 {
		fail("usage: rpk-zip zip OUT.zip NAME=PATH[:MODE]... | rpk-zip manifest OUT.json KIND:NAME:ARCH:RUNTIME:FILE...")
	}
	switch os.Args[1] {
	case "zip":
		var entries []entry
		for _, arg := range os.Args[3:] {
			entries = append(entries, parseEntry(arg))
		}
		writeZip(os.Args[2], entries)
	case "manifest":
		writeManifest(os.Args[2], os.Args[3:])
	default:
		fail("unknown mode %q", os.Args[1])
	}
}
