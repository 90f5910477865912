// Command hello is the smallest useful Lambda: it greets whoever the event names.
package main

import (
	"context"
	"fmt"

	"github.com/aws/aws-lambda-go/lambda"
)

type greetEvent struct {
	Name string `json:"name"`
}

type greeting struct {
	Message string `json:"message"`
}

func handle(_ context.Context, event greetEvent) (greeting, error) {
	name := event.Name
	if name == "" {
		name = "world"
	}
	return greeting{Message: fmt.Sprintf("Hello, %s!", name)}, nil
}

func main() {
	lambda.Start(handle)
}
