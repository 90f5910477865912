// Package greet is a library module shared by the workspace's services.
package greet

import "strings"

// Shout upper-cases a message and adds emphasis.
func Shout(msg string) string { return strings.ToUpper(msg) + "!" }
