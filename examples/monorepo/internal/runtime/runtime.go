// Package runtime wraps lambda.Start with the monorepo's logging, so mains never import aws-lambda-go directly.
package runtime

import (
	awslambda "github.com/aws/aws-lambda-go/lambda"
)

// Serve starts the Lambda runtime loop with handler.
func Serve(handler any) {
	awslambda.StartWithOptions(handler)
}
