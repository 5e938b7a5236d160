#!/usr/bin/env python3
"""A small Messenger bot using only Python's standard library.

It answers as examples/echobot does, so the same scenario files
(scenarios/examples/) test it:

    messemu replay --exec 'python3 examples/pybot/bot.py' scenarios/examples

Configuration from the environment, as `messemu replay --exec` sets it:
MESSEMU_GRAPH_URL, MESSEMU_PAGE_TOKEN, MESSEMU_APP_SECRET,
MESSEMU_VERIFY_TOKEN and PORT.
"""

import hashlib
import hmac
import json
import os
import signal
import sys
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def env(name):
    value = os.environ.get(name)
    if not value:
        sys.exit(f"set {name}")
    return value


GRAPH = env("MESSEMU_GRAPH_URL").rstrip("/") + "/v26.0"
TOKEN = env("MESSEMU_PAGE_TOKEN")
SECRET = env("MESSEMU_APP_SECRET").encode()
VERIFY = env("MESSEMU_VERIFY_TOKEN")
PORT = int(os.environ.get("PORT", "3000"))
PROOF = hmac.new(SECRET, TOKEN.encode(), hashlib.sha256).hexdigest()


def call(path, body):
    """POST a Graph API call with the token and appsecret_proof."""
    query = urllib.parse.urlencode({"access_token": TOKEN, "appsecret_proof": PROOF})
    req = urllib.request.Request(
        f"{GRAPH}/{path}?{query}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.load(resp)
    except urllib.error.HTTPError as err:
        print("Graph API error:", err.read().decode(), file=sys.stderr)
        return None


def send(psid, message):
    call("me/messages", {"recipient": {"id": psid}, "messaging_type": "RESPONSE", "message": message})


def quick(title, payload):
    return {"content_type": "text", "title": title, "payload": payload}


def greet(psid):
    send(psid, {
        "text": 'Hello! I echo what you say. Try "colours" or "shop".',
        "quick_replies": [quick("Colours", "COLOUR_ASK"), quick("Shop", "SHOP")],
    })


def colours(psid):
    send(psid, {
        "text": "Which colour do you like?",
        "quick_replies": [quick(c, "COLOUR_" + c.upper()) for c in ("Red", "Blue", "Green")],
    })


def shop(psid):
    cards = [{
        "title": f"{c} shirt",
        "subtitle": "100% cotton",
        "image_url": f"https://example.com/shirts/{c.lower()}.png",
        "buttons": [{"type": "postback", "title": f"Buy {c.lower()}", "payload": "BUY_" + c.upper()}],
    } for c in ("Red", "Blue", "Green")]
    send(psid, {"attachment": {"type": "template", "payload": {"template_type": "generic", "elements": cards}}})


def on_text(psid, text):
    said = text.strip().lower()
    if said in ("hi", "hello", "hey"):
        greet(psid)
    elif said in ("colours", "colors"):
        colours(psid)
    elif said == "shop":
        shop(psid)
    else:
        send(psid, {"text": "You said: " + text})


def on_payload(psid, payload, button):
    if payload == "GET_STARTED":
        greet(psid)
    elif payload == "SHOP":
        shop(psid)
    elif payload == "COLOUR_ASK":
        colours(psid)
    elif payload.startswith("COLOUR_"):
        send(psid, {"text": f"Good choice: {payload[7:].lower()}."})
    elif payload.startswith("BUY_"):
        send(psid, {"text": f"Thank you! Your {payload[4:].lower()} shirt is on its way."})
    else:
        send(psid, {"text": "I don't know that button." if button else "I don't know that option."})


def handle(ev):
    psid = ev.get("sender", {}).get("id")
    msg = ev.get("message")
    if msg and msg.get("is_echo"):
        return
    if msg and msg.get("quick_reply"):
        on_payload(psid, msg["quick_reply"]["payload"], False)
    elif msg and msg.get("attachments"):
        att = msg["attachments"][0]
        send(psid, {"text": f"Nice {att['type']}! Here it is back."})
        url = att.get("payload", {}).get("url")
        if url and att["type"] in ("image", "video", "audio", "file"):
            send(psid, {"attachment": {"type": att["type"], "payload": {"url": url}}})
    elif msg and msg.get("text"):
        on_text(psid, msg["text"])
    elif ev.get("postback"):
        on_payload(psid, ev["postback"].get("payload", ""), True)


class Webhook(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(url.query)
        ok = url.path == "/webhook" and q.get("hub.mode") == ["subscribe"] and q.get("hub.verify_token") == [VERIFY]
        self.send_response(200 if ok else 403)
        self.end_headers()
        self.wfile.write(q["hub.challenge"][0].encode() if ok else b"wrong verify token")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        want = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(self.headers.get("X-Hub-Signature-256", ""), want):
            self.send_response(403)
            self.end_headers()
            return
        self.send_response(200)
        self.end_headers()
        for entry in json.loads(body).get("entry", []):
            for ev in entry.get("messaging", []):
                handle(ev)

    def log_message(self, *args):
        pass  # quiet: the emulator's journal shows every call


def main():
    call("me/messenger_profile", {
        "get_started": {"payload": "GET_STARTED"},
        "greeting": [{"locale": "default", "text": "Hello {{user_first_name}}! I echo what you say."}],
        "persistent_menu": [{
            "locale": "default",
            "composer_input_disabled": False,
            "call_to_actions": [
                {"type": "postback", "title": "Shop", "payload": "SHOP"},
                {"type": "postback", "title": "Colours", "payload": "COLOUR_ASK"},
            ],
        }],
    })
    server = ThreadingHTTPServer(("127.0.0.1", PORT), Webhook)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print(f"pybot listening on 127.0.0.1:{PORT}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
