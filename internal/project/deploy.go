package project

// Deploy is the production deployment that deploy/ (compose.yaml, Caddyfile,
// .env.example), the Dockerfiles, the CI workflow and the README describe:
// Caddy with automatic HTTPS in front of the web app and the API, on the
// topology's example host names.
type Deploy struct {
	// AppHost is the web app's host name (APP_HOST in deploy/.env).
	AppHost string
	// APIHost is the API's public host name (API_HOST); empty in
	// same-origin, where browsers reach the API only through the web server
	// and the API stays on the private network.
	APIHost string
	// AppOrigin is the web app's origin, the API's APP_ORIGINS.
	AppOrigin string
	// PublicAPIURL is where browsers call the API (NEXT_PUBLIC_API_URL, a
	// build argument of the web image); empty in same-origin.
	PublicAPIURL string
	// CookieDomain is the registrable domain the two hosts share in
	// same-site: the COOKIE_DOMAIN that lets the web server see the API's
	// cookies. Empty in the other topologies, which have no use for it.
	CookieDomain string

	// APIURL is where the web server reaches the API inside the compose
	// network (API_URL): the api service on the production default port.
	APIURL string
	// WebUpstream and APIUpstream are what Caddy proxies to.
	WebUpstream, APIUpstream string
	// Subnet is the compose network's address range. Every peer of the API
	// (Caddy, and the web server) is in it and nothing else is, so it is the
	// API's TRUSTED_PROXIES: X-Forwarded-For is believed only from there.
	Subnet string

	Images Images
}

// Images are the base images of the Dockerfiles and compose.yaml, and the
// versions the CI workflow sets up, so that CI tests what the images run.
type Images struct {
	// GoVersion must match the go directive of api/go.mod: the golang
	// images set GOTOOLCHAIN=local and would refuse a newer one.
	GoVersion string
	// NodeVersion is an active or maintenance LTS line that Next.js 16
	// and the web app's tools support (Node.js 20.19 or 22.12 and later).
	NodeVersion string

	GoBuild, Node, APIRuntime, Caddy, Postgres, Redis string
}

// deployFor decides the example host names of a topology, as SPEC §6 names
// them: one host in same-origin; two hosts of one site (example.com) in
// same-site; two registrable domains in cross-site.
func deployFor(t Topology) Deploy {
	d := Deploy{
		AppHost:     "app.example.com",
		APIURL:      "http://api:8080",
		WebUpstream: "web:3000",
		APIUpstream: "api:8080",
		// Outside Docker's default address pools (172.17.0.0/16 and up,
		// 192.168.0.0/16), so that compose never finds it taken by another
		// project's network.
		Subnet: "10.231.0.0/24",
	}
	switch t {
	case SameSite:
		d.APIHost = "api.example.com"
		d.CookieDomain = "example.com"
	case CrossSite:
		d.AppHost = "shop.example"
		d.APIHost = "api.example.net"
	}
	d.AppOrigin = "https://" + d.AppHost
	if d.APIHost != "" {
		d.PublicAPIURL = "https://" + d.APIHost
	}

	// Fully qualified names: podman, unlike docker, does not assume
	// docker.io for a short one.
	const goVersion, nodeVersion = "1.26", "24"
	d.Images = Images{
		GoVersion:   goVersion,
		NodeVersion: nodeVersion,
		GoBuild:     "docker.io/library/golang:" + goVersion + "-alpine",
		Node:        "docker.io/library/node:" + nodeVersion + "-alpine",
		// Static: no libc, no shell, no package manager; the nonroot tag
		// runs as uid 65532.
		APIRuntime: "gcr.io/distroless/static-debian13:nonroot",
		Caddy:      "docker.io/library/caddy:2",
		Postgres:   "docker.io/library/postgres:17",
		Redis:      "docker.io/library/redis:7",
	}
	return d
}
