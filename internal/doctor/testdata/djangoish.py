"""A tiny cookie-auth API in the shape of a Django app, for scaffold doctor's
tests: a form sign-in at /accounts/login/ (fields username and password)
that sets a "sessionid" cookie and a script-readable "csrftoken", /api/me/,
and /accounts/logout/ behind an Origin check. Errors are plain text, as
Django's are, so the doctor must not take it for a scaffold API.

Usage: djangoish.py --origin http://localhost:3000 [--reflect] [--no-httponly]

It listens on a free port of 127.0.0.1 and prints "PORT <n>" once ready.
"""

import argparse
import http.server
import secrets
import sys
import urllib.parse

USERS = {"ada": "correct horse battery staple"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--origin", required=True, help="the web app's origin, allowed by CORS and CSRF")
    parser.add_argument("--reflect", action="store_true", help="allow every origin by echoing it (a mistake)")
    parser.add_argument("--no-httponly", action="store_true", help="leave HttpOnly off the session cookie (a mistake)")
    args = parser.parse_args()
    sessions = set()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, fmt, *a):
            sys.stderr.write("%s %s\n" % (self.command, self.path))

        def cors(self):
            origin = self.headers.get("Origin")
            self.send_header("Vary", "Origin")
            if origin and (origin == args.origin or args.reflect):
                self.send_header("Access-Control-Allow-Origin", origin)
                self.send_header("Access-Control-Allow-Credentials", "true")

        def reply(self, status, body=b"", content_type="text/plain; charset=utf-8", cookies=()):
            self.send_response(status)
            self.cors()
            for c in cookies:
                self.send_header("Set-Cookie", c)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def session(self):
            for part in self.headers.get("Cookie", "").split(";"):
                name, _, value = part.strip().partition("=")
                if name == "sessionid" and value in sessions:
                    return value
            return None

        def do_OPTIONS(self):
            self.send_response(200)
            self.cors()
            self.send_header("Access-Control-Allow-Methods", "GET, POST")
            self.send_header("Access-Control-Allow-Headers", "Content-Type, X-CSRFToken")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self):
            if self.path != "/api/me/":
                return self.reply(404, b"Not Found")
            if self.session() is None:
                return self.reply(401, b"Authentication credentials were not provided.")
            self.reply(200, b'{"username": "ada"}', "application/json")

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode()
            origin = self.headers.get("Origin")
            if origin is not None and origin != args.origin:
                return self.reply(403, b"Forbidden (Origin checking failed - %s does not match any trusted origins.)" % origin.encode())
            if self.path == "/accounts/login/":
                form = urllib.parse.parse_qs(body)
                user = form.get("username", [""])[0]
                if USERS.get(user) != form.get("password", [""])[0]:
                    return self.reply(400, b"Please enter a correct username and password.")
                sid = secrets.token_hex(16)
                sessions.add(sid)
                httponly = "" if args.no_httponly else " HttpOnly;"
                return self.reply(200, b'{"username": "ada"}', "application/json", cookies=(
                    "sessionid=%s;%s Path=/; SameSite=Lax; Max-Age=1209600" % (sid, httponly),
                    "csrftoken=%s; Path=/; SameSite=Lax; Max-Age=31449600" % secrets.token_hex(16),
                ))
            if self.path == "/accounts/logout/":
                sessions.discard(self.session())
                return self.reply(204)
            self.reply(404, b"Not Found")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
