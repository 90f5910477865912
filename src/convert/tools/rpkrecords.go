// Supply-chain records of rpk-zip: what a built Go binary is made of (its module build info, as
// `go version -m` prints it) and what it was built from, turned into an SPDX 2.3 JSON SBOM and a SLSA v1
// provenance statement per target. Go 1.18 APIs only: rpk-zip compiles in the plan's golang image.
//
//	rpk-zip record RECORD SRCDIR BINARY -- COMMAND ARG...
//	    runs the command (the compile, or the compile wrapped in "rpk-zip zip"), then writes RECORD: the
//	    binary's build info, its sha256, and the digest of the source tree SRCDIR the compile read.
//	rpk-zip records OUTDIR SPEC.json RECORD_DIR
//	    writes OUTDIR/<target>.spdx.json and OUTDIR/<target>.provenance.json for each target of SPEC
//	    (written by rpk's convert step, src/convert/records.ts) from RECORD_DIR/<file>.build.json and,
//	    for a zip or command, the artifact's digest record RECORD_DIR/<file>.sha256.
//
// Every value comes from the inputs: no clock, no random, so the same build gives the same bytes.
package main

import (
	"bytes"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
)

// buildRecord is what one compile leaves for the records step (RECORD_DIR/<file>.build.json).
type buildRecord struct {
	Binary struct {
		SHA256 string `json:"sha256"`
		Size   int64  `json:"size"`
	} `json:"binary"`
	Sources struct {
		SHA256 string `json:"sha256"`
		Files  int    `json:"files"`
	} `json:"sources"`
	// GoVersion and BuildInfo (debug.BuildInfo.String(), the text `go version -m` prints after the file
	// name) are the binary's; GoVersion apart because debug.ParseBuildInfo skips the "go" line.
	GoVersion string `json:"goVersion"`
	BuildInfo string `json:"buildInfo"`
}

func writeBuildRecord(record, srcDir, binary string) {
	data, err := os.ReadFile(binary)
	if err != nil {
		fail("%v", err)
	}
	info, err := buildinfo.ReadFile(binary)
	if err != nil {
		fail("%s: no Go build info: %v", binary, err)
	}
	var r buildRecord
	sum := sha256.Sum256(data)
	r.Binary.SHA256, r.Binary.Size = hex.EncodeToString(sum[:]), int64(len(data))
	r.Sources.SHA256, r.Sources.Files = treeDigest(srcDir)
	r.GoVersion, r.BuildInfo = info.GoVersion, info.String()
	writeFile(record, marshalJSON(r))
}

// treeDigest is the sha256 of one line per file under dir, in lexical path order:
// "KIND MODE SHA256 PATH\n" (KIND f or l; a symlink's SHA256 is that of its target path).
func treeDigest(dir string) (string, int) {
	h := sha256.New()
	files := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		info, err := d.Info()
		if err != nil {
			return err
		}
		kind, content := "f", []byte(nil)
		if info.Mode()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			kind, content = "l", []byte(target)
		} else if content, err = os.ReadFile(path); err != nil {
			return err
		}
		sum := sha256.Sum256(content)
		h.Write([]byte(kind + " " + info.Mode().Perm().String() + " " + hex.EncodeToString(sum[:]) + " " + filepath.ToSlash(rel) + "\n"))
		files++
		return nil
	})
	if err != nil {
		fail("source digest: %v", err)
	}
	return hex.EncodeToString(h.Sum(nil)), files
}

// recordsSpec is what rpk's converter knows and the compile does not (src/convert/records.ts writes it).
type recordsSpec struct {
	SBOM       bool   `json:"sbom"`
	Provenance bool   `json:"provenance"`
	Created    string `json:"created"`
	Builder    struct {
		ID      string `json:"id"`
		Version string `json:"version"`
	} `json:"builder"`
	BuildType string `json:"buildType"`
	Plan      struct {
		SHA256 string `json:"sha256"`
	} `json:"plan"`
	Targets []specTarget `json:"targets"`
}

type specTarget struct {
	Name string `json:"name"`
	// File is the artifact's name in the output (its records are <file>.build.json and <file>.sha256).
	File string `json:"file"`
	// Subject "artifact": the provenance names File with its digest record's sha256; "binary": the
	// bootstrap binary itself (image output, where the image digest is only known after export).
	Subject string `json:"subject"`
	// Images the compile ran in: the golang image, then a cgo target's C build image.
	Images []string `json:"images"`
	// Parameters are the target's build parameters as the plan gives them, copied into the provenance.
	Parameters json.RawMessage `json:"parameters"`
}

// RecordFiles are the output names of one target's records, as listed in manifest.json.
type recordFiles struct {
	SBOM       string
	Provenance string
}

func readSpec(path string) recordsSpec {
	data, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	var spec recordsSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		fail("%s: %v", path, err)
	}
	return spec
}

// writeRecords writes the records of every target of the spec and returns their file names by target.
func writeRecords(outDir string, spec recordsSpec, recordDir string) map[string]recordFiles {
	written := map[string]recordFiles{}
	for _, t := range spec.Targets {
		data, err := os.ReadFile(filepath.Join(recordDir, t.File+".build.json"))
		if err != nil {
			fail("%v", err)
		}
		var r buildRecord
		if err := json.Unmarshal(data, &r); err != nil {
			fail("%s.build.json: %v", t.File, err)
		}
		info, err := debug.ParseBuildInfo(r.BuildInfo)
		if err != nil {
			fail("%s.build.json: build info: %v", t.File, err)
		}
		info.GoVersion = r.GoVersion
		var files recordFiles
		if spec.SBOM {
			files.SBOM = t.Name + ".spdx.json"
			writeFile(filepath.Join(outDir, files.SBOM), marshalJSON(spdxDocument(spec, t, r, info)))
		}
		if spec.Provenance {
			files.Provenance = t.Name + ".provenance.json"
			subject := subjectOf(t, r, recordDir)
			writeFile(filepath.Join(outDir, files.Provenance), marshalJSON(provenance(spec, t, r, info, subject)))
		}
		written[t.Name] = files
	}
	return written
}

func subjectOf(t specTarget, r buildRecord, recordDir string) resourceDescriptor {
	if t.Subject == "binary" {
		return resourceDescriptor{Name: "bootstrap", Digest: map[string]string{"sha256": r.Binary.SHA256}}
	}
	sum, _ := readDigest(filepath.Join(recordDir, t.File+".sha256"))
	return resourceDescriptor{Name: t.File, Digest: map[string]string{"sha256": hex.EncodeToString(sum)}}
}

// marshalJSON is two-space indented JSON with a final newline, without Go's HTML escaping, so the bytes
// equal JSON.stringify(value, null, 2) + "\n" of the parsed value.
func marshalJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fail("%v", err)
	}
	return buf.Bytes()
}

func sortedSettings(info *debug.BuildInfo) []debug.BuildSetting {
	settings := append([]debug.BuildSetting(nil), info.Settings...)
	sort.SliceStable(settings, func(i, j int) bool { return settings[i].Key < settings[j].Key })
	return settings
}

// spdxRefSafe turns a module path into the characters an SPDX identifier allows (letters, digits, . and -).
func spdxRefSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' {
			return r
		}
		return '-'
	}, s)
}
