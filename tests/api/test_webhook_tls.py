"""An https webhook is sent to the address its name was resolved to, with the name in TLS
(SNI) and the certificate checked for that name: pinning the address keeps TLS intact.

A real TLS receiver on 127.0.0.1 with a certificate for ``webhooks.example`` from a CA made
here (trusted through ``SSL_CERT_FILE``); the name service answers 127.0.0.1 for the test's
names (``name_service`` in test_webhook_recovery.py).
"""

import datetime
import ssl
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from openimi.api import webhooks
from openimi.api.models import WebhookDelivery
from tests.api.test_webhook_recovery import name_service, subscribe_and_publish  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def _certificate(subject: str, issuer_key, issuer_name, public_key, *, ca: bool, names=()):
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(name) for name in names]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture
def tls_receiver(tmp_path, monkeypatch):
    """A TLS receiver for ``webhooks.example``; yields (port, received, server names)."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "openimi test CA")])
    ca = _certificate("openimi test CA", ca_key, ca_name, ca_key.public_key(), ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _certificate(
        "webhooks.example", ca_key, ca_name, key.public_key(), ca=False, names=["webhooks.example"]
    )
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))

    received, server_names = [], []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    context.sni_callback = lambda sock, name, ctx: server_names.append(name)
    server = HTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port, received, server_names
    server.shutdown()
    server.server_close()


def test_https_names_the_host_and_checks_its_certificate(
    world,
    make_request,
    settings,
    name_service,  # noqa: F811
    tls_receiver,
):
    answers, lookups = name_service
    answers["webhooks.example"] = ["127.0.0.1"]
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    port, received, server_names = tls_receiver
    delivery = subscribe_and_publish(world, make_request, f"https://webhooks.example:{port}/in")

    webhooks.webhook_deliver_task.call(delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_response_code) == ("delivered", 204)
    assert server_names == ["webhooks.example"]
    [(headers, _body)] = received
    assert headers["host"] == f"webhooks.example:{port}"
    assert lookups == ["webhooks.example"]


def test_https_refuses_a_certificate_for_another_name(
    world,
    make_request,
    settings,
    name_service,  # noqa: F811
    tls_receiver,
):
    answers, _lookups = name_service
    answers["other.example"] = ["127.0.0.1"]
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    port, received, server_names = tls_receiver
    delivery = subscribe_and_publish(world, make_request, f"https://other.example:{port}/in")

    webhooks.webhook_deliver_task.call(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert "CERTIFICATE_VERIFY_FAILED" in delivery.last_error
    assert received == [] and server_names == ["other.example"]
