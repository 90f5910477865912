// Package orders holds the domain logic shared by the monorepo's functions.
package orders

import "strings"

// Order is what the API and the worker pass around.
type Order struct {
	ID    string `json:"id"`
	Items []string `json:"items"`
}

// Summary describes an order in one line.
func Summary(o Order) string {
	return o.ID + ": " + strings.Join(o.Items, ", ")
}
