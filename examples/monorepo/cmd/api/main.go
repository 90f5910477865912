// Command api answers order look-ups.
package main

import (
	"context"

	"example.com/monorepo/internal/orders"
	"example.com/monorepo/internal/runtime"
)

type request struct {
	Order orders.Order `json:"order"`
}

type response struct {
	Summary string `json:"summary"`
}

func main() {
	runtime.Serve(func(_ context.Context, r request) (response, error) {
		return response{Summary: orders.Summary(r.Order)}, nil
	})
}
