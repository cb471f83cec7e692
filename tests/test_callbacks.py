"""Signed inline-button data (relay.telegram.callbacks): round trips, size, and forgery."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relay.telegram.callbacks import CODES, MAX_BYTES, CallbackSigner, Press

SECRET = "123456:SIM-bot-token-for-tests"
KEY = b"k" * 32
CHAT = -1001234567890
signer = CallbackSigner(KEY)

ACTIONS = sorted(CODES)
BIG_JOB = 10**12
BIG_VERSION = 10**6


def test_codes_are_one_distinct_safe_character():
    codes = list(CODES.values())
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert len(code) == 1 and code.isascii() and code != ":"


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(("job_id", "version"), [(1, 1), (0, 0), (42, 7), (BIG_JOB, BIG_VERSION)])
@pytest.mark.parametrize("chat_id", [CHAT, 5001, -4567, 0])
def test_round_trip(action, job_id, version, chat_id):
    data = signer.encode(action, job_id, version, chat_id)
    assert isinstance(data, bytes)
    assert signer.decode(data, chat_id) == Press(action, job_id, version)


@pytest.mark.parametrize("action", ACTIONS)
def test_fits_telegram_limit_for_big_ids(action):
    data = signer.encode(action, BIG_JOB, BIG_VERSION, -1009999999999999)
    assert len(data) <= MAX_BYTES == 64
    data.decode("ascii")  # plain ASCII, as Telegram expects


@given(action=st.sampled_from(ACTIONS), job_id=st.integers(0, BIG_JOB),
       version=st.integers(0, BIG_VERSION), chat_id=st.integers(-(10**15), 10**15))
def test_round_trip_property(action, job_id, version, chat_id):
    data = signer.encode(action, job_id, version, chat_id)
    assert len(data) <= MAX_BYTES
    assert signer.decode(data, chat_id) == Press(action, job_id, version)
    assert signer.decode(data, chat_id + 1) is None


@pytest.mark.parametrize("action", ["approve", "claim"])
def test_tampering_any_single_byte_is_refused(action):
    data = signer.encode(action, 123456, 78, CHAT)
    for i in range(len(data)):
        for value in range(256):
            if value == data[i]:
                continue
            forged = data[:i] + bytes([value]) + data[i + 1:]
            assert signer.decode(forged, CHAT) is None, (i, value, forged)


def test_dropping_or_adding_a_byte_is_refused():
    data = signer.encode("claim", 123456, 78, CHAT)
    for i in range(len(data)):
        assert signer.decode(data[:i] + data[i + 1:], CHAT) is None
        assert signer.decode(data[:i] + b"1" + data[i:], CHAT) is None
    assert signer.decode(data + b"0", CHAT) is None


def _swap(data: bytes, part: int, value: str) -> bytes:
    fields = data.decode().split(":")
    fields[part] = value
    return ":".join(fields).encode()


@pytest.mark.parametrize("other", [a for a in ACTIONS if a != "claim"])
def test_another_action_with_the_same_signature_is_refused(other):
    data = signer.encode("claim", 17, 3, CHAT)
    assert signer.decode(_swap(data, 0, CODES[other]), CHAT) is None


@pytest.mark.parametrize("job", ["18", "16", "170", "0", "-17", "+17", "017", " 17", "1_7"])
def test_another_job_with_the_same_signature_is_refused(job):
    data = signer.encode("approve", 17, 3, CHAT)
    assert signer.decode(_swap(data, 1, job), CHAT) is None


@pytest.mark.parametrize("version", ["4", "2", "30", "-3", "+3", "03"])
def test_another_version_with_the_same_signature_is_refused(version):
    data = signer.encode("approve", 17, 3, CHAT)
    assert signer.decode(_swap(data, 2, version), CHAT) is None


def test_signature_from_another_button_is_refused():
    a = signer.encode("claim", 17, 3, CHAT)
    b = signer.encode("approve", 17, 3, CHAT)
    assert signer.decode(_swap(a, 3, b.decode().split(":")[3]), CHAT) is None


@pytest.mark.parametrize("other_chat", [CHAT + 1, -CHAT, 5001, 0, -1001234567891])
def test_other_chat_is_refused(other_chat):
    data = signer.encode("approve", 17, 3, CHAT)
    assert signer.decode(data, other_chat) is None


def test_other_key_is_refused():
    data = signer.encode("approve", 17, 3, CHAT)
    assert CallbackSigner(b"K" * 32).decode(data, CHAT) is None
    assert CallbackSigner(KEY + b"!").decode(data, CHAT) is None
    assert CallbackSigner.from_secret(SECRET).decode(data, CHAT) is None


@pytest.mark.parametrize("garbage", [
    b"", b":", b":::", b"c", b"c:1:1", b"c:1:1:", b"c:1:1:x:y", b"z:1:1:AAAAAAAAAAAA",
    b"c:x:1:AAAAAAAAAAAA", b"c:1:y:AAAAAAAAAAAA", b"c::1:AAAAAAAAAAAA", b"\x00" * 10,
    b"\xff\xfe\xfd", "c:۱:1:AAAAAAAAAAAA".encode(), "c:1:1:é".encode(),
    b"c:" + b"1" * 70 + b":1:AAAAAAAAAAAA", b"a" * 65, b"a" * 1000,
])
def test_garbage_is_refused(garbage):
    assert signer.decode(garbage, CHAT) is None


def test_too_long_data_is_refused_before_checking():
    """Over 64 bytes is refused even when it would otherwise parse and verify."""
    job = 10**50
    body = f"c:{job}:1"
    sig = signer._sign(body, CHAT)  # what a valid signature over the long body would be
    data = f"{body}:{sig}".encode()
    assert len(data) > MAX_BYTES
    assert signer.decode(data, CHAT) is None


@given(st.binary(max_size=100))
def test_random_bytes_never_crash(data):
    assert signer.decode(data, CHAT) is None


@given(st.text(max_size=80))
def test_random_text_never_crashes(text):
    assert signer.decode(text.encode("utf-8"), CHAT) is None


def test_short_key_is_refused():
    with pytest.raises(ValueError):
        CallbackSigner(b"x" * 15)
    CallbackSigner(b"x" * 16)


def test_from_secret_is_stable():
    a = CallbackSigner.from_secret(SECRET)
    b = CallbackSigner.from_secret(SECRET)
    data = a.encode("claim", 1, 1, CHAT)
    assert data == b.encode("claim", 1, 1, CHAT)
    assert b.decode(data, CHAT) == Press("claim", 1, 1)
    # buttons sent before a restart (or an upgrade) stay valid: pin the derivation
    assert data == b"c:1:1:-W2WHCEYNG9x"
    derived = CallbackSigner(hashlib.sha256(b"relay-callback-v1:" + SECRET.encode()).digest())
    assert derived.encode("claim", 1, 1, CHAT) == data


def test_from_secret_depends_on_the_secret():
    data = CallbackSigner.from_secret(SECRET).encode("claim", 1, 1, CHAT)
    assert CallbackSigner.from_secret(SECRET + "x").decode(data, CHAT) is None
    assert CallbackSigner.from_secret("").decode(data, CHAT) is None


def test_encode_rejects_unknown_action():
    with pytest.raises(KeyError):
        signer.encode("publish", 1, 1, CHAT)
