// llbgen builds a named set of LLB graphs with BuildKit's Go client (client/llb, pinned in go.mod) and
// prints them as JSON, so rpk's TypeScript builder can be checked byte for byte against the real thing.
//
// Output: {"defaultPlatform": "...", "cases": [{"name", "definition", "vtproto"}]} where definition is the
// base64 of proto.MarshalOptions{Deterministic: true} over def.ToPB() (sorted maps) and vtproto is the
// base64 of def.ToPB().Marshal() (BuildKit's own writer, which iterates Go maps in random order).
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client/llb"
	"google.golang.org/protobuf/proto"
)

type graph struct {
	name  string
	state llb.State
	opts  []llb.ConstraintsOpt
}

type caseOut struct {
	Name       string `json:"name"`
	Definition string `json:"definition"`
	VTProto    string `json:"vtproto"`
}

type output struct {
	DefaultPlatform string    `json:"defaultPlatform"`
	Cases           []caseOut `json:"cases"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "llbgen:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx := context.Background()
	out := output{DefaultPlatform: platforms.Format(platforms.Normalize(platforms.DefaultSpec()))}
	for _, g := range graphs() {
		def, err := g.state.Marshal(ctx, g.opts...)
		if err != nil {
			return fmt.Errorf("%s: %w", g.name, err)
		}
		pbDef := def.ToPB()
		det, err := proto.MarshalOptions{Deterministic: true}.Marshal(pbDef)
		if err != nil {
			return fmt.Errorf("%s: %w", g.name, err)
		}
		vt, err := pbDef.Marshal()
		if err != nil {
			return fmt.Errorf("%s: %w", g.name, err)
		}
		out.Cases = append(out.Cases, caseOut{
			Name:       g.name,
			Definition: base64.StdEncoding.EncodeToString(det),
			VTProto:    base64.StdEncoding.EncodeToString(vt),
		})
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	return enc.Encode(out)
}
