#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A Docker/distribution token service for tests: issues ES256 JWTs that docker-registry's
`auth: token:` trusts (x5c chain to its rootcertbundle, aud = service as a plain string).

Usage: token_server.py PORT KEY.pem CERT.pem ISSUER USER:PASSWORD LOGFILE
Anonymous requests get only "pull"; requests with the right Basic credentials get every action
they ask for; wrong credentials get 401. Every request is appended to LOGFILE as a JSON line so
tests can prove that the token flow really happened.

Needs Debian's python3-jwt and python3-cryptography, hence /usr/bin/python3.
"""
import base64
import datetime
import json
import sys
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization

PORT, KEY, CERT, ISSUER, USERPASS, LOG = sys.argv[1:7]
with open(KEY, "rb") as f:
    PRIVATE_KEY = serialization.load_pem_private_key(f.read(), password=None)
with open(CERT, "rb") as f:
    CERT_DER_B64 = base64.b64encode(
        x509.load_pem_x509_certificate(f.read()).public_bytes(serialization.Encoding.DER)).decode()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urlparse(self.path)
        if url.path != "/token":
            self.send_error(404)
            return
        q = parse_qs(url.query)
        service = q.get("service", [""])[0]
        scopes = [s for v in q.get("scope", []) for s in v.split(" ") if s]
        auth = self.headers.get("Authorization", "")
        user = None
        if auth.startswith("Basic "):
            if base64.b64decode(auth[6:]).decode(errors="replace") != USERPASS:
                self._log(service, scopes, "rejected")
                self._reply(401, {"errors": [{"code": "UNAUTHORIZED",
                                              "message": "bad credentials"}]})
                return
            user = USERPASS.split(":", 1)[0]
        access = []
        for s in scopes:
            parts = s.split(":")
            if len(parts) < 3 or parts[0] != "repository":
                continue
            name, actions = ":".join(parts[1:-1]), parts[-1].split(",")
            granted = actions if user else [a for a in actions if a == "pull"]
            access.append({"type": "repository", "name": name, "actions": granted})
        now = int(time.time())
        claims = {"iss": ISSUER, "sub": user or "", "aud": service, "exp": now + 300,
                  "nbf": now - 10, "iat": now, "jti": uuid.uuid4().hex, "access": access}
        token = jwt.encode(claims, PRIVATE_KEY, algorithm="ES256",
                           headers={"x5c": [CERT_DER_B64]})
        self._log(service, scopes, user or "anonymous")
        self._reply(200, {"token": token, "expires_in": 300,
                          "issued_at": datetime.datetime.utcnow().isoformat() + "Z"})

    def _log(self, service, scopes, who):
        with open(LOG, "a") as f:
            f.write(json.dumps({"service": service, "scopes": scopes, "who": who}) + "\n")

    def _reply(self, status, doc):
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


ThreadingHTTPServer(("127.0.0.1", int(PORT)), Handler).serve_forever()
