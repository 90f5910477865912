module example.com/cgo

go 1.26

toolchain go1.26.8

require github.com/aws/aws-lambda-go v1.55.1
