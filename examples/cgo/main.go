// Command cgo is a Lambda whose handler calls C code (FNV-1a in checksum.go).
package main

import (
	"context"
	"fmt"

	"github.com/aws/aws-lambda-go/lambda"
)

type event struct {
	Text string `json:"text"`
}

func main() {
	lambda.Start(func(_ context.Context, e event) (map[string]string, error) {
		return map[string]string{"fnv1a32": fmt.Sprintf("%08x", fnv1a32(e.Text))}, nil
	})
}
