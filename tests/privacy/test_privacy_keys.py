"""Tests for privacy.keys: the key is usable, identifiable and never revealed."""

import copy
import pickle

import pytest

from synthgate.privacy import MIN_KEY_BYTES, KeyTooShortError, PseudonymKey

SECRET = b"0123456789abcdef0123456789abcdef"  # exactly 32 bytes


def test_short_key_is_rejected_with_length_but_not_the_key():
    # Setup
    secret = b"tooshort-secret-abc"

    # Run
    with pytest.raises(KeyTooShortError) as caught:
        PseudonymKey(secret)

    # Assert
    assert str(caught.value) == "pseudonym key has 19 bytes; at least 32 are required"
    assert (caught.value.length, caught.value.minimum) == (19, MIN_KEY_BYTES)
    assert "tooshort" not in str(caught.value)


def test_key_id_is_stable_and_differs_per_key():
    # Run
    first, again, other = PseudonymKey(SECRET), PseudonymKey(SECRET), PseudonymKey(SECRET[::-1])

    # Assert
    assert first.key_id == again.key_id
    assert first.key_id != other.key_id
    assert first.key_id.startswith("k_") and len(first.key_id) == 18
    assert first == again and first != other


def test_repr_and_str_show_only_the_key_id():
    # Setup
    key = PseudonymKey(SECRET)

    # Run
    shown = [repr(key), str(key), f"{key}"]

    # Assert
    assert all(text == f"PseudonymKey(key_id={key.key_id!r})" for text in shown)
    assert all("0123456789" not in text for text in shown)
    assert not hasattr(key, "__dict__")


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickling_raises(protocol):
    # Setup
    key = PseudonymKey(SECRET)

    # Run / Assert
    with pytest.raises(TypeError, match="PseudonymKey is never pickled"):
        pickle.dumps(key, protocol=protocol)


def test_copies_are_the_same_object():
    # Setup: a key inside a structure that something may deep-copy (a config, a Prefect parameter)
    key = PseudonymKey(SECRET)

    # Run
    copied = copy.deepcopy({"key": key})["key"]

    # Assert: no second copy of the secret exists, and nothing was serialised on the way
    assert copied is key
    assert copy.copy(key) is key


def test_from_text_uses_the_utf8_bytes_and_strips_the_newline():
    # Setup: what `openssl rand -hex 32 > secret.txt` leaves in the file
    text = "9f" * 32 + "\n"

    # Run
    key = PseudonymKey.from_text(text)

    # Assert
    assert key == PseudonymKey(("9f" * 32).encode())
    with pytest.raises(KeyTooShortError):
        PseudonymKey.from_text("short but not enough")


def test_throwaway_keys_are_random():
    # Run
    keys = {PseudonymKey.generate_throwaway().key_id for _ in range(5)}

    # Assert
    assert len(keys) == 5


def test_non_bytes_secret_is_a_type_error_without_the_value():
    # Run / Assert
    with pytest.raises(TypeError, match="needs bytes, got str") as caught:
        PseudonymKey("a" * 40)  # type: ignore[arg-type]
    assert "aaaa" not in str(caught.value)


@pytest.mark.parametrize("length", [32, 64, 65, 200])
def test_hmac_many_equals_the_standard_hmac(length):
    # Setup: keys shorter than, equal to and longer than the SHA-256 block
    import hmac

    from synthgate.privacy.keys import hmac_many

    key = bytes(range(256))[:length] if length <= 256 else b"x" * length
    messages = [b"", b"a", "홍길동".encode(), b"x" * 1000]

    # Run
    fast = hmac_many(key, b"label\x00", messages)

    # Assert
    assert fast == [hmac.digest(key, b"label\x00" + m, "sha256") for m in messages]


def test_each_operator_has_its_own_sub_key():
    # Setup
    key = PseudonymKey(SECRET)

    # Run
    subkeys = {purpose: key._subkey(purpose) for purpose in (b"synthgate/surrogate/v1", b"synthgate/date-shift/v1")}
    rotated = PseudonymKey(SECRET[::-1])._subkey(b"synthgate/surrogate/v1")

    # Assert: distinct per purpose and per key, and none is the pseudonym of the purpose string
    assert len(set(subkeys.values())) == 2 and rotated not in subkeys.values()
    assert all(len(s) == 32 for s in subkeys.values())
    pseudonym_digest = key._digests(b"synthgate/pseudonym/v1\x00", [b"synthgate/surrogate/v1"])[0]
    assert pseudonym_digest not in subkeys.values()
