"""A real SAML IdP for tests: pysaml2 (Debian python3-pysaml2, signing through xmlsec1) behind a
small HTTPS server on 127.0.0.1 (http.server), driven by the test like a browser would drive an IdP.

Usage: pysaml2-idp.py WORKDIR. WORKDIR holds tls.key/tls.crt (the server's TLS pair) and the
signing pairs <name>.key/<name>.crt the test writes (at least "idp"). The server binds an
ephemeral port, prints it on stdout, and serves until stdin closes (the test ends) or it is killed.
Its entity id is https://127.0.0.1:<port>/idp; every path below is on that origin.

GET  /metadata  pysaml2's metadata: the signing certificates being published, and the
                SingleSignOnService endpoints of the bindings being offered.
POST /sso       HTTP-POST binding: form fields SAMLRequest and `user` (the NameID to log in).
GET  /sso       HTTP-Redirect binding: query SAMLRequest [SigAlg, Signature] and `user`.
                Both answer with pysaml2's auto-post HTML form carrying the signed SAMLResponse
                to the ACS named by the AuthnRequest's issuer in the SP metadata; a request it
                refuses (e.g. unsigned when signed requests are wanted) gets 400 and the reason.
                Without `user` (a real browser, sent by the SP's auto-post form), both answer a
                login page: a form with a "User name" field that sends the same request again
                with `user` (the browser tests type the employee's name there). RelayState, when
                given, is kept and echoed to the ACS.
GET  /slo       SingleLogoutService, HTTP-Redirect: an SP's LogoutRequest (its query signature
                checked with the SP's certificates from its metadata when present) is logged and
                answered with a signed LogoutResponse, by 303 to the SP's SingleLogoutService; an
                SP's LogoutResponse (to a request from POST /logout-request) is logged.
POST /slo       The same in the HTTP-POST binding (form fields); answers with an auto-post form.
GET  /slo-log   JSON list of what /slo received: kind, issuer, nameId, signed, status.
POST /logout-request  JSON {user, destination, spEntityId, binding: "Redirect"|"POST", sign}: an
                IdP-initiated LogoutRequest for `user` to the SP's SingleLogoutService; answers JSON
                {id, url} (Redirect: the URL the browser goes to) or {id, SAMLRequest, RelayState} (POST).
POST /sp        Adds SP metadata (the body) to what the IdP trusts (one file per team's SP).
POST /control   JSON settings, each optional:
                  signWith: name of the key pair that signs responses ("idp" at start)
                  publish: names of the certificates the metadata lists (["idp"] at start), so a
                           rollover can keep the old certificate published or drop it
                  bindings: ["POST", "Redirect"] (the SSO endpoints the metadata offers)
                  wantSignedRequests: refuse AuthnRequests without a valid SP signature (XML
                           signature on POST, query signature on Redirect)
                  encrypt: null, "cbc" (pysaml2's only choice, tripledes-cbc, with the Response
                           signed around the encrypted assertion) or "gcm" (aes256-gcm: pysaml2
                           has no option for it, so its template function and session key are swapped)
"""
import base64
import functools
import html
import json
import os
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

import saml2.entity
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, sigver
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_UNSPECIFIED, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

workdir = sys.argv[1]
settings = {"signWith": "idp", "publish": ["idp"], "bindings": ["POST"], "wantSignedRequests": False, "encrypt": None}
sp_files = []
slo_log = []
original_pre_encryption_part = saml2.entity.pre_encryption_part
BINDINGS = {"POST": BINDING_HTTP_POST, "Redirect": BINDING_HTTP_REDIRECT}


def key_files(name):
    return os.path.join(workdir, name + ".key"), os.path.join(workdir, name + ".crt")


def make_server(base, want_signed_xml=False, for_metadata=False):
    """A pysaml2 Server for the current settings; cheap enough to build per request."""
    key_file, cert_file = key_files(settings["signWith"])
    published = [key_files(n)[1] for n in settings["publish"]]
    offered = settings["bindings"] if for_metadata else list(BINDINGS)
    config = IdPConfig()
    config.load(
        {
            "entityid": base + "/idp",
            "service": {
                "idp": {
                    "endpoints": {
                        "single_sign_on_service": [(base + "/sso", BINDINGS[b]) for b in offered],
                        "single_logout_service": [(base + "/slo", BINDING_HTTP_REDIRECT), (base + "/slo", BINDING_HTTP_POST)],
                    },
                    "name_id_format": [NAMEID_FORMAT_UNSPECIFIED],
                    "policy": {"default": {"lifetime": {"minutes": 5}}},
                    # Published as WantAuthnRequestsSigned; enforced per binding in authn_response.
                    "want_authn_requests_signed": settings["wantSignedRequests"] if for_metadata else want_signed_xml,
                }
            },
            "key_file": key_file,
            # The metadata lists the published certificates; signing uses the key pair in force.
            "cert_file": published[0] if for_metadata else cert_file,
            "additional_cert_files": published[1:] if for_metadata else None,
            "xmlsec_binary": "/usr/bin/xmlsec1",
            "metadata": {"local": list(sp_files)},
        }
    )
    return Server(config=config)


LOGIN_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Test IdP: log in</title></head>
<body>
<h1>Test IdP</h1>
<form method="%(method)s" action="/sso">
%(hidden)s
<label for="user">User name</label>
<input id="user" name="user" autofocus>
<button type="submit">Log in</button>
</form>
</body>
</html>
"""


def login_page(method, fields):
    """The IdP's login form for a browser: the request's own fields, hidden, plus the user name."""
    hidden = "\n".join(
        '<input type="hidden" name="%s" value="%s">' % (html.escape(k), html.escape(v)) for k, v in fields.items() if k != "user"
    )
    return LOGIN_PAGE % {"method": method, "hidden": hidden}


def authn_response(base, saml_request, binding, user, query=None, relay_state=""):
    redirect = binding == BINDING_HTTP_REDIRECT
    want = settings["wantSignedRequests"]
    # POST requests carry an enveloped XML signature, which pysaml2 checks itself when told to.
    server = make_server(base, want_signed_xml=want and not redirect)
    if settings["encrypt"] == "gcm":
        saml2.entity.pre_encryption_part = functools.partial(sigver.pre_encryption_part, msg_enc="http://www.w3.org/2009/xmlenc11#aes256-gcm")
        encrypt_with = server.sec.encrypt_assertion
        server.sec.encrypt_assertion = lambda *a, **kw: encrypt_with(*a, key_type="aes-256", **kw)
    else:
        saml2.entity.pre_encryption_part = original_pre_encryption_part
    request = server.parse_authn_request(saml_request, binding)
    if redirect and want:
        # Redirect signs the query, not the XML (SAML Bindings 3.4.4.1): check it with the SP's
        # signing certificates from its metadata, over the octets pysaml2 rebuilds from the query.
        if "Signature" not in query or "SigAlg" not in query:
            raise ValueError("IncorrectlySigned: the Redirect AuthnRequest has no query signature")
        issuer = request.message.issuer.text
        certs = [c for c in server.metadata.certs(issuer, "spsso", "signing")]
        msg = {k: query[k] for k in ("SAMLRequest", "SigAlg", "Signature")}
        if not any(sigver.verify_redirect_signature(msg, server.sec.sec_backend, cert=c[1] if isinstance(c, tuple) else c) for c in certs):
            raise ValueError("IncorrectlySigned: the query signature does not verify with the SP certificate")
    args = server.response_args(request.message)
    encrypt = settings["encrypt"] is not None
    response = server.create_authn_response(
        identity={},
        name_id=NameID(format=NAMEID_FORMAT_UNSPECIFIED, text=user),
        authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"},
        sign_assertion=True,
        sign_response=encrypt,
        encrypt_assertion=encrypt,
        encrypt_assertion_self_contained=True,
        sign_alg=SIG_RSA_SHA256,
        digest_alg=DIGEST_SHA256,
        **args,
    )
    http = server.apply_binding(BINDING_HTTP_POST, str(response), args["destination"], relay_state=relay_state or "", response=True, sign=False)
    return http["data"]


def query_signed_by_sp(server, issuer, query):
    """Whether a Redirect-binding message carries a query signature that verifies with the SP's certificates."""
    if "Signature" not in query or "SigAlg" not in query:
        return False
    certs = [c for c in server.metadata.certs(issuer, "spsso", "signing")]
    field = "SAMLRequest" if "SAMLRequest" in query else "SAMLResponse"
    msg = {k: query[k] for k in (field, "RelayState", "SigAlg", "Signature") if k in query}
    return any(sigver.verify_redirect_signature(msg, server.sec.sec_backend, cert=c[1] if isinstance(c, tuple) else c) for c in certs)


def slo(base, binding, fields):
    """The IdP's SingleLogoutService: (status, headers, body)."""
    server = make_server(base)
    redirect = binding == BINDING_HTTP_REDIRECT
    if "SAMLResponse" in fields:
        parsed = server.parse_logout_request_response(fields["SAMLResponse"], binding)
        r = parsed.response
        signed = query_signed_by_sp(server, r.issuer.text, fields) if redirect else r.signature is not None
        slo_log.append({"kind": "response", "issuer": r.issuer.text, "status": r.status.status_code.value, "inResponseTo": r.in_response_to, "signed": signed})
        return 200, {}, "logged out"
    parsed = server.parse_logout_request(fields["SAMLRequest"], binding)
    m = parsed.message
    signed = query_signed_by_sp(server, m.issuer.text, fields) if redirect else m.signature is not None
    slo_log.append({"kind": "request", "issuer": m.issuer.text, "nameId": m.name_id.text, "nameIdFormat": m.name_id.format, "destination": m.destination, "signed": signed})
    response = server.create_logout_response(m, [binding], sign=not redirect, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256)
    args = server.response_args(m, [binding])
    http = server.apply_binding(binding, str(response), args["destination"], fields.get("RelayState", ""), response=True, sign=True, sigalg=SIG_RSA_SHA256)
    if redirect:
        return 303, dict(http["headers"]), ""
    return 200, {}, http["data"]


def logout_request(base, spec):
    """An IdP-initiated LogoutRequest for spec["user"], as JSON for the test to carry to the SP."""
    server = make_server(base)
    redirect = spec.get("binding", "Redirect") == "Redirect"
    sign = spec.get("sign", True)
    req_id, req = server.create_logout_request(
        destination=spec["destination"],
        issuer_entity_id=spec["spEntityId"],
        name_id=NameID(format=NAMEID_FORMAT_UNSPECIFIED, text=spec["user"]),
        sign=sign and not redirect,
        sign_alg=SIG_RSA_SHA256,
        digest_alg=DIGEST_SHA256,
    )
    binding = BINDING_HTTP_REDIRECT if redirect else BINDING_HTTP_POST
    if redirect:
        http = server.apply_binding(binding, str(req), spec["destination"], "rs-1", sign=sign, sigalg=SIG_RSA_SHA256)
        return {"id": req_id, "url": dict(http["headers"])["Location"]}
    return {"id": req_id, "SAMLRequest": base64.b64encode(str(req).encode("utf-8")).decode("ascii"), "RelayState": "rs-1"}


class Handler(BaseHTTPRequestHandler):
    def base(self):
        return "https://127.0.0.1:%d" % self.server.server_address[1]

    def send(self, status, body, content_type="text/html; charset=utf-8", headers=None):
        data = body.encode("utf-8")
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")

    def guarded(self, fn):
        try:
            fn()
        except Exception as e:  # the test reads the reason; pysaml2 raises many types
            self.send(400, "%s: %s" % (type(e).__name__, e), "text/plain; charset=utf-8")

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/metadata":
            xml = str(entity_descriptor(make_server(self.base(), for_metadata=True).config))
            return self.send(200, xml, "application/samlmetadata+xml")
        if url.path == "/slo":
            q = {k: v[0] for k, v in parse_qs(url.query).items()}
            return self.guarded(lambda: self.send_slo(slo(self.base(), BINDING_HTTP_REDIRECT, q)))
        if url.path == "/slo-log":
            return self.send(200, json.dumps(slo_log), "application/json")
        if url.path == "/sso":
            q = {k: v[0] for k, v in parse_qs(url.query).items()}
            if "user" not in q:
                return self.send(200, login_page("get", q))
            relay = q.get("RelayState", "")
            return self.guarded(lambda: self.send(200, authn_response(self.base(), q["SAMLRequest"], BINDING_HTTP_REDIRECT, q["user"], q, relay)))
        self.send(404, "not found", "text/plain")

    def do_POST(self):
        path = urlparse(self.path).path
        if path == "/sso":
            form = {k: v[0] for k, v in parse_qs(self.body()).items()}
            if "user" not in form:
                return self.send(200, login_page("post", form))
            relay = form.get("RelayState", "")
            return self.guarded(
                lambda: self.send(200, authn_response(self.base(), form["SAMLRequest"], BINDING_HTTP_POST, form["user"], relay_state=relay))
            )
        if path == "/slo":
            form = {k: v[0] for k, v in parse_qs(self.body()).items()}
            return self.guarded(lambda: self.send_slo(slo(self.base(), BINDING_HTTP_POST, form)))
        if path == "/logout-request":
            spec = json.loads(self.body())
            return self.guarded(lambda: self.send(200, json.dumps(logout_request(self.base(), spec)), "application/json"))
        if path == "/sp":
            name = os.path.join(workdir, "sp-%d.xml" % len(sp_files))
            with open(name, "w") as f:
                f.write(self.body())
            sp_files.append(name)
            return self.send(204, "")
        if path == "/control":
            settings.update(json.loads(self.body()))
            return self.send(200, json.dumps(settings), "application/json")
        self.send(404, "not found", "text/plain")

    def send_slo(self, answer):
        status, headers, body = answer
        self.send(status, body, headers=headers)

    def log_message(self, *args):
        pass  # keep the test output clean; failures come back in the 400 body


httpd = HTTPServer(("127.0.0.1", 0), Handler)
tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
tls.load_cert_chain(os.path.join(workdir, "tls.crt"), os.path.join(workdir, "tls.key"))
httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
threading.Thread(target=httpd.serve_forever, daemon=True).start()
print(httpd.server_address[1], flush=True)
sys.stdin.read()  # the test closes stdin (or dies): stop
httpd.shutdown()
