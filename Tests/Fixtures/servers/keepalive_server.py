#!/usr/bin/env python3
"""A loopback HTTP/1.1 server that keeps connections open (keep-alive), for the engine's
connection-reuse test. Prints its port on the first line. GET /np answers a small body;
GET /connections answers how many TCP connections it has accepted so far."""
import http.server, socketserver, sys, threading

accepted = 0
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        global accepted
        with lock:
            accepted += 1
        super().setup()

    def do_GET(self):
        with lock:
            body = (str(accepted) if self.path == "/connections" else "<nowplaying/>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
