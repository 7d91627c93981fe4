"""Two Rasa replicas and two hotline instances behind nginx, one PostgreSQL and
one Redis (tools/replicas.py): people writing at once through both instances
get one answer per message, in order, nothing lost or twice; a replica killed
mid-run costs nobody an answer, and once restarted it answers again.

Skipped without PostgreSQL, Redis, nginx or the trained model, unless
ALIADA_REQUIRE_SERVICES=1 (then it fails). Three to six minutes on 2 cores,
most of it Rasa loading its model and the people writing.
"""

from __future__ import annotations

import random
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from conftest import MODEL, REQUIRE_SERVICES, ROOMY_LIMITS, make_app
from flask import Flask
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from hotline.conversations import find
from hotline.extensions import db
from hotline.models import Channel, Message
from hotline.simulate import message_bodies, sms_params
from tools.bench import all_scripts, random_phone_number
from tools.replicas import (
    CONVERSATION_KEY_SECRET,
    NGINX,
    TEMPLATE,
    TWILIO_AUTH_TOKEN,
    Replicas,
    ServiceMissing,
    nginx_main_config,
    render,
)

PEOPLE = 50
MESSAGES_EACH = 4
RASA_WEBHOOK = "/webhooks/rest/webhook"
TWILIO_SMS = "/twilio/sms"


@dataclass
class Exchange:
    text: str
    sid: str
    status: int
    bodies: list[str]


@dataclass
class Person:
    """Someone writing to the line by SMS, each message after the answer to
    the previous one, with a pause to read and type."""

    messages: tuple[str, ...]
    number: str = field(default_factory=random_phone_number)
    exchanges: list[Exchange] = field(default_factory=list)

    def converse(
        self, line_url: str, start_within: float, pause: tuple[float, float]
    ) -> None:
        url = f"{line_url}{TWILIO_SMS}"
        validator = RequestValidator(TWILIO_AUTH_TOKEN)
        session = requests.Session()
        time.sleep(random.uniform(0, start_within))
        for text in self.messages:
            sid = f"SM{uuid.uuid4().hex}"
            params = sms_params(text, sender=self.number, message_sid=sid)
            # Signed over the public URL (nginx's), as Twilio signs it.
            signature = validator.compute_signature(url, params)
            response = session.post(
                url, data=params, headers={"X-Twilio-Signature": signature}, timeout=30
            )
            bodies = message_bodies(response.text) if response.ok else []
            self.exchanges.append(Exchange(text, sid, response.status_code, bodies))
            time.sleep(random.uniform(*pause))


def people(count: int) -> list[Person]:
    """Scripts in en, es, pt and fr, alternating, so every moment mixes them."""
    scripts = all_scripts()
    return [
        Person(scripts[number % len(scripts)][1][:MESSAGES_EACH])
        for number in range(count)
    ]


def all_converse(
    line: Replicas, crowd: list[Person], start_within: float, pause: tuple[float, float]
) -> None:
    with ThreadPoolExecutor(max_workers=len(crowd)) as pool:
        # list(): a person's failure is raised here.
        list(pool.map(lambda p: p.converse(line.url, start_within, pause), crowd))


CONTRACT = {
    "HOTLINE_SERVERS": "    server 127.0.0.1:8001;\n    server 127.0.0.1:8002;",
    "RASA_SERVERS": "    server 127.0.0.1:5005;\n    server 127.0.0.1:5006;",
    "LISTEN_PORT": "127.0.0.1:8080",
    "RASA_LISTEN_PORT": "127.0.0.1:5080",
}


def nginx_checks(folder: Path, tls: Path | None = None) -> str:
    """The template rendered with the variables compose.yaml and Helm give
    it (as the nginx image renders it, envsubst), checked by nginx itself;
    what nginx read. ``tls``: the folder of tls.conf, for /etc/nginx/aliada-tls."""
    if not NGINX.exists():
        if REQUIRE_SERVICES:
            pytest.fail(f"nginx is not installed at {NGINX}")
        pytest.skip(f"nginx is not installed at {NGINX}")
    rendered = render(TEMPLATE.read_text(), CONTRACT)
    if tls is not None:
        rendered = rendered.replace("/etc/nginx/aliada-tls", str(tls))
    site = folder / "aliada.conf"
    site.write_text(rendered)
    (folder / "temp").mkdir()
    main = folder / "nginx.conf"
    main.write_text(nginx_main_config(folder, site))
    checked = subprocess.run(
        [str(NGINX), "-T", "-p", str(folder), "-c", str(main), "-e", "stderr"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr
    return checked.stdout


def test_the_template_renders_into_a_configuration_nginx_accepts(
    tmp_path: Path,
) -> None:
    assert "listen 127.0.0.1:5080;" in nginx_checks(tmp_path)


def test_a_certificate_dropped_beside_tls_conf_makes_nginx_serve_https(
    tmp_path: Path,
) -> None:
    """Twilio calls https: TLS ends at this nginx (the hotline trusts one
    proxy), switched on by deploy/nginx/tls/tls.conf.example copied to
    tls.conf beside a certificate, with the template untouched."""
    tls = tmp_path / "aliada-tls"
    tls.mkdir()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-keyout", str(tls / "privkey.pem"),
         "-out", str(tls / "fullchain.pem")],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    example = (TEMPLATE.parent / "tls" / "tls.conf.example").read_text()
    (tls / "tls.conf").write_text(example.replace("/etc/nginx/aliada-tls", str(tls)))
    assert "listen 443 ssl;" in nginx_checks(tmp_path, tls)


def test_a_variable_left_out_is_an_error_not_an_empty_line() -> None:
    """nginx would start with no Rasa behind it and answer 502 to everyone."""
    without = {k: v for k, v in CONTRACT.items() if k != "RASA_SERVERS"}
    with pytest.raises(KeyError, match="RASA_SERVERS"):
        render(TEMPLATE.read_text(), without)


@pytest.fixture(scope="module")
def line(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replicas]:
    folder = tmp_path_factory.mktemp("replicas")
    replicas = Replicas(
        folder, model=MODEL, rasa_replicas=2, hotlines=2, hotline_env=ROOMY_LIMITS
    )
    try:
        replicas.bring_up()
    except ServiceMissing as missing:
        if REQUIRE_SERVICES:
            raise
        pytest.skip(str(missing))
    try:
        yield replicas
    finally:
        replicas.stop()


@pytest.fixture(scope="module")
def line_database(line: Replicas, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The hotline's shared database, read as the instances read it."""
    assert line.services is not None
    return make_app(
        tmp_path_factory.mktemp("reader"),
        SQLALCHEMY_DATABASE_URI=line.services.hotline_url,
        CONVERSATION_KEY_SECRET=CONVERSATION_KEY_SECRET,
    )


def assert_one_answer_each(crowd: list[Person]) -> None:
    for person in crowd:
        assert [e.text for e in person.exchanges] == list(person.messages)
        for exchange in person.exchanges:
            assert exchange.status == 200, exchange
            assert exchange.bodies and all(exchange.bodies), exchange


def assert_stored_in_order(app: Flask, crowd: list[Person]) -> None:
    """Per conversation: each message once (Twilio's id), in the order sent,
    each followed by its answers before the next message."""
    with app.app_context():
        for person in crowd:
            conversation = find(Channel.SMS, person.number)
            assert conversation is not None
            stored = db.session.scalars(
                select(Message)
                .where(Message.conversation_id == conversation.id)
                .order_by(Message.id)
            ).all()
            inbound = [m for m in stored if m.direction == "in"]
            assert [m.provider_id for m in inbound] == [e.sid for e in person.exchanges]
            assert [m.text for m in inbound] == list(person.messages)
            directions = "".join("i" if m.direction == "in" else "o" for m in stored)
            # in, then at least one answer, for every message; nothing else.
            assert directions.startswith("i") and "ii" not in directions, directions
            assert directions.endswith("o"), directions


def test_people_writing_at_once_through_both_instances_get_one_answer_each(
    line: Replicas, line_database: Flask
) -> None:
    crowd = people(PEOPLE)
    all_converse(line, crowd, start_within=30, pause=(2.0, 5.0))

    # One answer each: the bot's, or the fallback when a turn took longer
    # than BOT_TIMEOUT_SECONDS (a machine busy with other work).
    assert_one_answer_each(crowd)
    assert_stored_in_order(line_database, crowd)
    # Both instances took their share, and both replicas answered theirs.
    webhooks = line.upstream_counts(line.ports.nginx_public, TWILIO_SMS)
    turns = line.upstream_counts(line.ports.nginx_rasa, RASA_WEBHOOK, answered=True)
    for instance in range(2):
        assert webhooks[line.hotline_address(instance)] > PEOPLE / 2
    for replica in range(2):
        assert turns[line.rasa_address(replica)] > PEOPLE / 2


def test_a_replica_killed_mid_run_costs_no_message_and_rejoins(
    line: Replicas, line_database: Flask
) -> None:
    crowd = people(24)
    killed = threading.Event()

    def kill_when_busy() -> None:
        """Mid-run: once a third of the messages are answered, with every
        person still writing, replica 0 has messages in flight."""
        while sum(len(p.exchanges) for p in crowd) < len(crowd) * MESSAGES_EACH / 3:
            time.sleep(0.05)
        line.kill_rasa(0)
        killed.set()

    killer = threading.Thread(target=kill_when_busy)
    killer.start()
    all_converse(line, crowd, start_within=3, pause=(0.5, 1.5))
    killer.join()
    assert killed.is_set()

    # Every message got an answer (the bot's, or the fallback in the
    # person's language), stored once, in order.
    assert_one_answer_each(crowd)
    assert_stored_in_order(line_database, crowd)
    # Those in flight on the killed replica went on to the living one.
    assert line.retried_requests() >= 1, "no message was in flight on the replica"

    # Restarted, the replica answers again: nginx sends it messages.
    line.restart_rasa(0)
    before = line.upstream_counts(line.ports.nginx_rasa, RASA_WEBHOOK, answered=True)
    again = people(4)
    all_converse(line, again, start_within=0, pause=(0.0, 0.2))
    after = line.upstream_counts(line.ports.nginx_rasa, RASA_WEBHOOK, answered=True)
    assert_one_answer_each(again)
    restarted = line.rasa_address(0)
    assert after[restarted] > before[restarted]
