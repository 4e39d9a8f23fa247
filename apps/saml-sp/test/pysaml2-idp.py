"""A real SAML IdP for tests: pysaml2 (Debian python3-pysaml2, signing through xmlsec1).

Reads the SP's base64 AuthnRequest (HTTP-POST binding) on stdin and prints the base64
samlp:Response for it. Arguments: workdir (idp.key, idp.crt, sp.xml), IdP entity id, NameID,
then optional flags: "want-signed-requests" (an unsigned or badly signed AuthnRequest fails),
"encrypt" (the signed assertion encrypted to the SP metadata's encryption key with pysaml2's
only choice, tripledes-cbc, and the Response signed around it), "encrypt-gcm" (the same with
aes256-gcm: pysaml2 has no option for it, so its template function and session key are swapped).
"""
import base64
import functools
import sys

import saml2.entity
from saml2 import sigver

from saml2 import BINDING_HTTP_POST
from saml2.config import IdPConfig
from saml2.saml import NAMEID_FORMAT_UNSPECIFIED, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

workdir, entity_id, name = sys.argv[1], sys.argv[2], sys.argv[3]
flags = set(sys.argv[4:])
want_signed = "want-signed-requests" in flags
encrypt = bool(flags & {"encrypt", "encrypt-gcm"})
config = IdPConfig()
config.load(
    {
        "entityid": entity_id,
        "service": {
            "idp": {
                "endpoints": {"single_sign_on_service": [(entity_id + "/sso", BINDING_HTTP_POST)]},
                "name_id_format": [NAMEID_FORMAT_UNSPECIFIED],
                "policy": {"default": {"lifetime": {"minutes": 5}}},
                "want_authn_requests_signed": want_signed,
            }
        },
        "key_file": workdir + "/idp.key",
        "cert_file": workdir + "/idp.crt",
        "xmlsec_binary": "/usr/bin/xmlsec1",
        "metadata": {"local": [workdir + "/sp.xml"]},
    }
)
server = Server(config=config)
if "encrypt-gcm" in flags:
    saml2.entity.pre_encryption_part = functools.partial(sigver.pre_encryption_part, msg_enc="http://www.w3.org/2009/xmlenc11#aes256-gcm")
    encrypt_with = server.sec.encrypt_assertion
    server.sec.encrypt_assertion = lambda *a, **kw: encrypt_with(*a, key_type="aes-256", **kw)
request = server.parse_authn_request(sys.stdin.read().strip(), BINDING_HTTP_POST)
args = server.response_args(request.message)
response = server.create_authn_response(
    identity={},
    name_id=NameID(format=NAMEID_FORMAT_UNSPECIFIED, text=name),
    authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"},
    sign_assertion=True,
    sign_response=encrypt,
    encrypt_assertion=encrypt,
    encrypt_assertion_self_contained=True,
    sign_alg=SIG_RSA_SHA256,
    digest_alg=DIGEST_SHA256,
    **args,
)
print(base64.b64encode(str(response).encode("utf-8")).decode("ascii"))
