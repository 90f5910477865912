// Command worker counts the items of a batch of orders.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"

	"example.com/monorepo/internal/orders"
)

type batch struct {
	Orders []orders.Order `json:"orders"`
}

type counted struct {
	Orders int `json:"orders"`
	Items  int `json:"items"`
}

func count(_ context.Context, b batch) (counted, error) {
	c := counted{Orders: len(b.Orders)}
	for _, o := range b.Orders {
		c.Items += len(o.Items)
	}
	return c, nil
}

func main() {
	lambda.Start(count)
}
