// scaffold:file .BrowserSessions
package auth_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/templates/api/internal/auth/sessiontest"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store/storetest"
)

func TestSessions(t *testing.T) {
	st := storetest.Open(t)
	sessiontest.Run(t, st, st)
}
