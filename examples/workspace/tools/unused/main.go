// Command unused is a module that is NOT in go.work's use list, so it is not part of the build.
package main

func main() {}
