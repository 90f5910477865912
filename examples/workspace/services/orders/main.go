// Command orders is a workspace Lambda that uses the shared library module.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"

	"example.com/shared/greet"
)

type event struct {
	Order string `json:"order"`
}

func main() {
	lambda.Start(func(_ context.Context, e event) (map[string]string, error) {
		return map[string]string{"status": greet.Shout("order " + e.Order + " accepted")}, nil
	})
}
