#!/usr/bin/env python3
"""A small Ollama look-alike for measuring the proxy (stdlib only): answers as Ollama's Go server does on the
wire (HTTP/1.1 kept alive, Content-Length on whole answers, chunked NDJSON or SSE for streams, one write per
answer or per streamed piece, Nagle off), with no model behind it: tokens come at once.

    tools/ollama-lookalike.py [--port 0] [--model qwen3-vl:8b] [--tokens 20] [--load-ms 0]

Prints "listening PORT" on stdout once it accepts connections.
Paths: GET/HEAD / /api/version /api/tags /api/ps; POST /api/generate /api/chat /api/embed /api/embeddings
/api/show /v1/chat/completions /v1/completions /v1/embeddings.
"""
import argparse
import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FOREVER = "2318-09-08T12:00:00.000000000+00:00"


class State:
    model = "qwen3-vl:8b"
    tokens = 20
    load_ms = 0
    loaded = {}  # name -> expires_at text
    lock = threading.Lock()


def expiry(keep_alive):
    """Ollama's expires_at for a keep_alive: -1 forever, else now plus seconds or a "5m"/"300s" duration."""
    if keep_alive is None:
        seconds = 300
    elif isinstance(keep_alive, (int, float)):
        seconds = keep_alive
    else:
        text = str(keep_alive).strip()
        units = {"h": 3600, "m": 60, "s": 1}
        seconds = float(text[:-1]) * units[text[-1]] if text[-1:] in units else float(text)
    if seconds < 0:
        return FOREVER
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() + seconds)) + ".000000000Z"


def now_text():
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + ".000000000Z"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    # ---- framing, as Go's net/http writes it

    def _head(self, status, content_type, extra):
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}.get(status, "OK")
        lines = ["HTTP/1.1 %d %s" % (status, reason), "Content-Type: " + content_type,
                 "Date: " + self.date_time_string()] + extra
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def whole(self, status, obj, content_type="application/json; charset=utf-8"):
        body = obj if isinstance(obj, bytes) else json.dumps(obj, separators=(",", ":")).encode()
        head = self._head(status, content_type, ["Content-Length: %d" % len(body)])
        self.wfile.write(head if self.command == "HEAD" else head + body)

    def stream(self, pieces, content_type):
        self.wfile.write(self._head(200, content_type, ["Transfer-Encoding: chunked"]))
        for piece in pieces:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        self.wfile.write(b"0\r\n\r\n")

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw or b"{}")
        except ValueError:
            return None

    # ---- paths

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        if self.path == "/":
            self.whole(200, b"Ollama is running", "text/plain; charset=utf-8")
        elif self.path == "/api/version":
            self.whole(200, {"version": "0.12.6"})
        elif self.path in ("/api/tags", "/v1/models"):
            self.whole(200, {"models": [{"name": State.model, "model": State.model, "size": 6300 << 20,
                                         "digest": "0" * 64, "modified_at": now_text(),
                                         "details": {"format": "gguf", "family": "qwen3vl"}}]})
        elif self.path == "/api/ps":
            with State.lock:
                models = [{"name": n, "model": n, "size": 10500 << 20, "size_vram": 10500 << 20,
                           "expires_at": e, "context_length": 4096} for n, e in State.loaded.items()]
            self.whole(200, {"models": models})
        else:
            self.whole(404, {"error": "404 page not found"}, "text/plain")

    def do_POST(self):
        req = self.body()
        if req is None:
            self.whole(400, {"error": "invalid character in JSON"})
            return
        path = self.path
        model = req.get("model", "")
        if path == "/api/show":
            self.whole(200, {"details": {"family": "qwen3vl"}, "model_info": {}})
            return
        if model.split(":")[0] != State.model.split(":")[0]:
            self.whole(404, {"error": 'model "%s" not found, try pulling it first' % model})
            return
        keep_alive = req.get("keep_alive")
        with State.lock:
            cold = State.model not in State.loaded
        if cold and keep_alive not in (0, "0", "0s") and State.load_ms:
            time.sleep(State.load_ms / 1000)  # a cold load; a repeat request for a loaded model is not slowed
        with State.lock:
            if keep_alive in (0, "0", "0s"):
                State.loaded.pop(State.model, None)
            elif keep_alive is not None or cold:
                State.loaded[State.model] = expiry(keep_alive)
        if path in ("/api/generate", "/api/chat"):
            self.native(req, path == "/api/chat", keep_alive in (0, "0", "0s"))
        elif path == "/api/embed":
            self.whole(200, {"model": model, "embeddings": [[0.1] * 16], "total_duration": 1000})
        elif path == "/api/embeddings":
            self.whole(200, {"embedding": [0.1] * 16})
        elif path == "/v1/embeddings":
            self.whole(200, {"object": "list", "data": [{"object": "embedding", "embedding": [0.1] * 16, "index": 0}],
                             "model": model, "usage": {"prompt_tokens": 1, "total_tokens": 1}})
        elif path in ("/v1/chat/completions", "/v1/completions"):
            self.openai(req, path == "/v1/chat/completions")
        else:
            self.whole(404, {"error": "404 page not found"}, "text/plain")

    def native(self, req, chat, unload):
        base = {"model": State.model, "created_at": now_text()}
        if ("prompt" not in req and not chat) or (chat and not req.get("messages")):
            self.whole(200, dict(base, response="", done=True, done_reason="unload" if unload else "load"))
            return
        field = (lambda t: {"message": {"role": "assistant", "content": t}}) if chat else (lambda t: {"response": t})
        done = dict(base, done=True, done_reason="stop", total_duration=1000, eval_count=State.tokens)
        if req.get("stream") is False:
            self.whole(200, dict(done, **field("tok " * State.tokens)))
            return
        pieces = [json.dumps(dict(base, done=False, **field("tok ")), separators=(",", ":")).encode() + b"\n"
                  for _ in range(State.tokens)]
        pieces.append(json.dumps(dict(done, **field("")), separators=(",", ":")).encode() + b"\n")
        self.stream(pieces, "application/x-ndjson")

    def openai(self, req, chat):
        head = {"id": "chatcmpl-1", "created": int(time.time()), "model": State.model, "system_fingerprint": "fp_ollama"}
        if not req.get("stream"):
            choice = {"index": 0, "finish_reason": "stop"}
            choice.update({"message": {"role": "assistant", "content": "tok " * State.tokens}} if chat
                          else {"text": "tok " * State.tokens})
            self.whole(200, dict(head, object="chat.completion" if chat else "text_completion", choices=[choice],
                                 usage={"prompt_tokens": 1, "completion_tokens": State.tokens}))
            return
        def chunk(text, finish):
            choice = {"index": 0, "finish_reason": finish}
            choice.update({"delta": {"role": "assistant", "content": text}} if chat else {"text": text})
            return b"data: " + json.dumps(dict(head, object="chat.completion.chunk", choices=[choice]),
                                          separators=(",", ":")).encode() + b"\n\n"
        pieces = [chunk("tok ", None) for _ in range(State.tokens)] + [chunk("", "stop"), b"data: [DONE]\n\n"]
        self.stream(pieces, "text/event-stream")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--model", default=State.model)
    parser.add_argument("--tokens", type=int, default=State.tokens)
    parser.add_argument("--load-ms", type=int, default=0, help="how long a cold load of the model takes")
    args = parser.parse_args()
    State.model, State.tokens, State.load_ms = args.model, args.tokens, args.load_ms
    server = Server(("127.0.0.1", args.port), Handler)
    server.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    print("listening %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
