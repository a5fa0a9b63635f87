// scaffold:file .BearerTokens
package config

import "testing"

func TestParsePrivateKey(t *testing.T) {
	dir := t.TempDir()
	key, err := LoadOrCreateKey(dir + "/data/key.pem")
	if err != nil {
		t.Fatal(err)
	}
	again, err := LoadOrCreateKey(dir + "/data/key.pem")
	if err != nil || !key.Equal(again) {
		t.Fatalf("the development key changed on reload: %v", err)
	}
	for _, bad := range []string{"", "garbage", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"} {
		if _, err := ParsePrivateKey([]byte(bad)); err == nil {
			t.Errorf("ParsePrivateKey(%q) did not fail", bad)
		}
	}
}
