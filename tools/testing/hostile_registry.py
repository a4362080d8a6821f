#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A misbehaving registry for tests: serves one real image from an OCI layout (ig's local store)
and breaks the protocol in one chosen way.

Usage: hostile_registry.py MODE LAYOUT_DIR REF_NAME REPOSITORY
Prints the port on stdout, then serves until killed. REF_NAME is the image's
org.opencontainers.image.ref.name in LAYOUT_DIR/index.json; it is served as
REPOSITORY:latest (and by digest).

Modes:
  ok                   a correct registry (proves the fixture itself is sound)
  digest_mismatch      a blob's bytes are altered (same length)
  truncated            a blob's body stops halfway (Content-Length promises more)
  oversized_manifest   the tag's manifest is 5 MiB
  redirect_loop        every /v2/<repo>/ request redirects to itself
  status_404 | status_401 | status_500   every /v2/<repo>/ request answers that status
  wrong_content_type   manifests are served as text/html
  malformed_json       the tag's document is cut in the middle
  hang                 requests are read and never answered
  paginate             tags/list pages of 2 tags linked with Link rel="next"
"""
import hashlib
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODE, LAYOUT, REF_NAME, REPO = sys.argv[1:5]
TAGS = ["a", "b", "c", "d", "e"]


def load_image():
    blobs = {}

    def blob(digest):
        with open(os.path.join(LAYOUT, "blobs", "sha256", digest.split(":", 1)[1]), "rb") as f:
            data = f.read()
        blobs[digest] = data
        return data

    with open(os.path.join(LAYOUT, "index.json")) as f:
        index = json.load(f)
    top = next(m for m in index["manifests"]
               if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == REF_NAME)
    media = {top["digest"]: top["mediaType"]}
    doc = json.loads(blob(top["digest"]))
    manifests = doc.get("manifests", [])
    if not manifests:
        manifests = [top]
    for m in manifests:
        media[m["digest"]] = m["mediaType"]
        man = json.loads(blob(m["digest"]))
        for b in [man["config"]] + man["layers"]:
            blob(b["digest"])
    return top, blobs, media


TOP, BLOBS, MEDIA = load_image()
# The largest non-manifest blob (the BPF object) is the one we break.
VICTIM = max((d for d in BLOBS if d not in MEDIA), key=lambda d: len(BLOBS[d]))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self.handle_request(head=True)

    def do_GET(self):
        self.handle_request(head=False)

    def do_POST(self):
        self.send(405, b"read-only", "text/plain")

    do_PUT = do_PATCH = do_POST

    def send(self, status, body, ctype, extra=(), head=False, length=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def handle_request(self, head):
        path = self.path
        prefix = "/v2/%s/" % REPO
        if MODE == "hang":
            time.sleep(3600)
            return
        if path == "/v2/":
            self.send(200, b"{}", "application/json", head=head)
            return
        if not path.startswith(prefix):
            self.send(404, b"404 page not found", "text/plain", head=head)
            return
        if MODE == "redirect_loop":
            self.send(302, b"", "text/plain", [("Location", path)], head=head)
            return
        if MODE.startswith("status_"):
            status = int(MODE[7:])
            extra = [("WWW-Authenticate", 'Basic realm="hostile"')] if status == 401 else []
            body = json.dumps({"errors": [{"code": "UNKNOWN", "message": "hostile %d" % status}]})
            self.send(status, body.encode(), "application/json", extra, head=head)
            return
        rest = path[len(prefix):]
        if MODE == "paginate" and rest.startswith("tags/list"):
            last = rest.split("last=")[1].split("&")[0] if "last=" in rest else None
            start = TAGS.index(last) + 1 if last else 0
            page = TAGS[start:start + 2]
            extra = []
            if start + 2 < len(TAGS):
                extra.append(("Link", '<%stags/list?n=2&last=%s>; rel="next"' % (prefix, page[-1])))
            body = json.dumps({"name": REPO, "tags": page}).encode()
            self.send(200, body, "application/json", extra, head=head)
            return
        if rest.startswith("manifests/"):
            ref = rest[len("manifests/"):]
            digest = TOP["digest"] if ref == "latest" else ref
            if digest not in MEDIA:
                self.send(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN","message":"unknown"}]}',
                          "application/json", head=head)
                return
            body, ctype = BLOBS[digest], MEDIA[digest]
            if ref == "latest" and MODE == "oversized_manifest":
                body = (b'{"schemaVersion":2,"mediaType":"%s","manifests":[],"annotations":{"x":"'
                        % ctype.encode()) + b"a" * (5 << 20) + b'"}}'
            if ref == "latest" and MODE == "malformed_json":
                body = body[:len(body) // 2]
            if MODE == "wrong_content_type":
                ctype = "text/html"
            extra = [("Docker-Content-Digest", "sha256:" + hashlib.sha256(body).hexdigest())]
            self.send(200, body, ctype, extra, head=head)
            return
        if rest.startswith("blobs/"):
            digest = rest[len("blobs/"):]
            if digest not in BLOBS:
                self.send(404, b'{"errors":[{"code":"BLOB_UNKNOWN","message":"unknown"}]}',
                          "application/json", head=head)
                return
            body = BLOBS[digest]
            if digest == VICTIM and MODE == "digest_mismatch":
                body = bytes([body[0] ^ 0xff]) + body[1:]
            if digest == VICTIM and MODE in ("stall_blob", "truncated") and not head:
                # Half the body; then hang up (truncated) or stall so the client is killed
                # while it waits (stall_blob).
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[:len(body) // 2])
                self.wfile.flush()
                if MODE == "stall_blob":
                    time.sleep(3600)
                self.close_connection = True
                return
            self.send(200, body, "application/octet-stream", head=head)
            return
        self.send(404, b"404 page not found", "text/plain", head=head)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # clients hanging up on us (the point of several modes) are not news


server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
