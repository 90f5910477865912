// Command users is a second workspace Lambda; it embeds its greeting template.
package main

import (
	"context"
	_ "embed"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"

	"example.com/shared/greet"
)

//go:embed greeting.txt
var greeting string

type event struct {
	User string `json:"user"`
}

func main() {
	lambda.Start(func(_ context.Context, e event) (map[string]string, error) {
		return map[string]string{"greeting": greet.Shout(strings.TrimSpace(greeting) + ", " + e.User)}, nil
	})
}
