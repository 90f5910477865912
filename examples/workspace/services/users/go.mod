module example.com/users

go 1.26.0

require (
	example.com/shared v0.0.0
	github.com/aws/aws-lambda-go v1.55.1
)

replace example.com/shared => ../../libs/shared
