package main

import (
	"context"
	"testing"

	"example.com/monorepo/internal/orders"
)

func TestCount(t *testing.T) {
	got, _ := count(context.Background(), batch{Orders: []orders.Order{{ID: "a", Items: []string{"x", "y"}}}})
	if got.Items != 2 {
		t.Fatalf("items = %d", got.Items)
	}
}
