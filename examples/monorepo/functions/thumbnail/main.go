// Command thumbnail computes thumbnail sizes; it imports the Lambda package under an alias.
package main

import (
	"context"

	lam "github.com/aws/aws-lambda-go/lambda"
)

type size struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

func thumbnail(_ context.Context, in size) (size, error) {
	return size{Width: in.Width / 4, Height: in.Height / 4}, nil
}

func main() {
	lam.StartHandlerFunc(thumbnail)
}
