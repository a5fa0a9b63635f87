module app

go 1.26.0

require (
	github.com/golang-jwt/jwt/v5 v5.3.1
	github.com/pressly/goose/v3 v3.29.0
	golang.org/x/crypto v0.58.0
	golang.org/x/time v0.16.0
	modernc.org/sqlite v1.61.1
)
