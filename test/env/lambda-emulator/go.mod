// Test stand-in for aws-lambda-rie (see docs/test-environment.md). Standard library only.
module rpk.invalid/test/lambda-emulator

go 1.24
