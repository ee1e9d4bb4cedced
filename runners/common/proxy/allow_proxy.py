"""ato's allow-list proxy: the dependency container's only way out.

ato runs this script (``python3 -c``, in the runner image the run already has) in its own hardened container,
attached to an internal Docker network, where the dependency container is, and to the default bridge. The
dependency container reaches the outside only through it, with ``HTTP_PROXY``/``HTTPS_PROXY`` pointing here.

It allows exactly what the operator configured:

* ``CONNECT host:port`` for each ``--allow-connect host:port`` (the HTTPS indexes, registries and mirrors);
* a plain ``GET``/``HEAD`` of ``http://host:port/...`` for each ``--allow-http host:port`` (an http mirror).

Only clients from ``--client-subnet`` (the internal network's) are served: the proxy is on the default bridge
too, and another container there must not borrow it. Everything else is answered ``403`` and printed on stdout as one JSON line, ``{"event": "refused", ...}``,
which ato reads to name the refusal in its report. A destination that is allowed but cannot be reached (DNS,
refused connection) is printed as ``{"event": "unreachable", ...}``. The proxy resolves names itself, only
for allowed destinations, and exits by itself after ``--lifetime`` seconds. It sees no secret and keeps no
file.
"""

import argparse
import ipaddress
import json
import select
import socket
import socketserver
import sys
import threading
import time

IDLE_SECONDS = 120
MAX_HEAD_BYTES = 64 * 1024
_print_lock = threading.Lock()


def event(kind, **fields):
    """One JSON line on stdout."""
    with _print_lock:
        sys.stdout.write(json.dumps({"event": kind, **fields}, sort_keys=True) + "\n")
        sys.stdout.flush()


def split_host_port(authority, default_port):
    """``host:port``, ``[v6]:port`` or ``host`` -> (lower-case host, port); None when malformed."""
    authority = authority.strip()
    if authority.startswith("["):
        host, _, rest = authority[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    elif authority.count(":") == 1:
        host, _, port = authority.partition(":")
    else:
        host, port = authority, ""
    if not host:
        return None
    try:
        number = int(port) if port else default_port
    except ValueError:
        return None
    if not 0 < number < 65536:
        return None
    return host.lower().rstrip("."), number


def decide(method, target, allow_connect, allow_http):
    """What to do with a request line's method and target: ("connect", host, port), ("http", host, port,
    path) or ("refuse", destination). Pure: the allow-lists are sets of (host, port)."""
    if method == "CONNECT":
        parsed = split_host_port(target, 443)
        if parsed and parsed in allow_connect:
            return ("connect", *parsed)
        return ("refuse", target)
    if target.lower().startswith("http://") and method in ("GET", "HEAD"):
        rest = target[len("http://"):]
        authority, slash, path = rest.partition("/")
        parsed = split_host_port(authority, 80)
        if parsed and parsed in allow_http:
            return ("http", *parsed, "/" + path if slash else "/")
        return ("refuse", f"http://{authority}")
    return ("refuse", target)


def pipe(a, b):
    """Copies both ways until one side closes or both are idle for IDLE_SECONDS."""
    sockets = [a, b]
    while True:
        ready, _, _ = select.select(sockets, [], [], IDLE_SECONDS)
        if not ready:
            return
        for sock in ready:
            try:
                data = sock.recv(65536)
            except OSError:
                return
            if not data:
                return
            other = b if sock is a else a
            try:
                other.sendall(data)
            except OSError:
                return


def client_allowed(address, subnets):
    """True when `address` is in one of `subnets` (every client is, when none is given)."""
    if not subnets:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in subnet for subnet in subnets)


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        client = self.request
        if not client_allowed(self.client_address[0], self.server.client_subnets):
            event("refused_client", client=self.client_address[0])
            return
        client.settimeout(IDLE_SECONDS)
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = client.recv(4096)
            if not chunk:
                return
            head += chunk
            if len(head) > MAX_HEAD_BYTES:
                return self.answer(431, "Request Header Fields Too Large")
        head, _, body = head.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            return self.answer(400, "Bad Request")
        method, target, _version = parts
        decision = decide(method, target, self.server.allow_connect, self.server.allow_http)
        if decision[0] == "refuse":
            event("refused", method=method, destination=decision[1])
            return self.answer(403, "Forbidden by ato: not a configured registry")
        host, port = decision[1], decision[2]
        try:
            upstream = socket.create_connection((host, port), timeout=30)
        except OSError as error:
            event("unreachable", destination=f"{host}:{port}", error=str(error))
            return self.answer(502, "Bad Gateway")
        with upstream:
            upstream.settimeout(IDLE_SECONDS)
            if decision[0] == "connect":
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                if body:
                    upstream.sendall(body)
            else:
                headers = [
                    line for line in lines[1:]
                    if line and not line.lower().startswith(("proxy-", "connection:", "keep-alive:"))
                ]
                request = [f"{method} {decision[3]} HTTP/1.1", *headers, "Connection: close", "", ""]
                upstream.sendall("\r\n".join(request).encode("latin-1") + body)
            pipe(client, upstream)

    def answer(self, status, reason):
        text = f"{reason}\n".encode()
        response = (
            f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {len(text)}\r\n"
            "Connection: close\r\n\r\n"
        ).encode() + text
        try:
            self.request.sendall(response)
        except OSError:
            pass


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    request_queue_size = 64
    allow_reuse_address = True


def allow_set(values):
    allowed = set()
    for value in values:
        parsed = split_host_port(value, 0)
        if parsed is None or parsed[1] == 0:
            sys.exit(f"not host:port: {value!r}")
        allowed.add(parsed)
    return allowed


def main(argv):
    parser = argparse.ArgumentParser(prog="allow_proxy")
    parser.add_argument("--listen-port", type=int, default=3128)
    parser.add_argument("--allow-connect", action="append", default=[])
    parser.add_argument("--allow-http", action="append", default=[])
    parser.add_argument("--lifetime", type=int, default=3600)
    parser.add_argument("--client-subnet", action="append", default=[], type=ipaddress.ip_network)
    args = parser.parse_args(argv)
    server = Server(("0.0.0.0", args.listen_port), Handler)
    server.allow_connect = allow_set(args.allow_connect)
    server.allow_http = allow_set(args.allow_http)
    server.client_subnets = args.client_subnet
    threading.Thread(target=server.serve_forever, daemon=True).start()
    event("listening", port=args.listen_port)
    time.sleep(args.lifetime)


if __name__ == "__main__":
    main(sys.argv[1:])
