"""Tests for privacy.vault: the encrypted re-identification table and where it may live."""

import datetime as dt
import pickle

import pytest

from synthgate.privacy import KeyTooShortError, PseudonymKey
from synthgate.privacy.errors import AdditionalInformationError, UnsafeLocationError
from synthgate.privacy.vault import (
    AdditionalInformation,
    encryption_key_id,
    ensure_apart,
    read_additional_information,
    read_header,
    write_additional_information,
)

PSEUDONYM_SECRET = b"pseudonym-secret".ljust(32, b"@")
KEY_ID = PseudonymKey(PSEUDONYM_SECRET).key_id
ENCRYPTION_KEY = b"encryption-secret".ljust(32, b"^")
PLANTED = "900101-1234568"
MAPPING = {
    "rrn": [("900101-1718715", PLANTED), ("900101-1718715", "9001011234568")],
    "patient_id": [("ps_" + "a" * 32, "홍길동-0001"), ("ps_" + "b" * 32, "P-0002")],
}


@pytest.fixture
def written(tmp_path):
    path = tmp_path / "vault" / "additional.sgai"
    path.parent.mkdir()
    created = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    header = write_additional_information(path, MAPPING, ENCRYPTION_KEY, key_id=KEY_ID, created=created)
    return path, header


def test_round_trip(written):
    # Setup
    path, header = written

    # Run
    table = read_additional_information(path, ENCRYPTION_KEY)

    # Assert
    assert table.counts() == {"rrn": 2, "patient_id": 2}
    assert table.originals("rrn", "900101-1718715") == ["900101-1234568", "9001011234568"]
    assert table.originals("patient_id", "ps_" + "a" * 32) == ["홍길동-0001"]
    assert header == read_header(path)
    assert header["key_id"] == KEY_ID and header["encryption_key_id"] == encryption_key_id(ENCRYPTION_KEY)
    assert (header["version"], header["cipher"], header["created"]) == (1, "AES-256-GCM", "2025-01-02T03:04:05+00:00")


def test_the_file_never_holds_an_identifier_in_plain_text(written):
    # Setup
    path, _ = written

    # Run
    data = path.read_bytes()

    # Assert: neither the planted RRN (in any encoding), nor a Korean name, nor the pseudonyms
    for needle in (PLANTED, "9001011234568", "홍길동", "P-0002", "1718715", "aaaaaaaa"):
        assert needle.encode("utf-8") not in data and needle.encode("utf-16-le") not in data
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_wrong_key_is_a_clear_error_without_content(written):
    # Setup
    path, _ = written

    # Run / Assert
    with pytest.raises(AdditionalInformationError, match="encrypted with key 'e_") as caught:
        read_additional_information(path, b"another-encryption-key".ljust(32, b"^"))
    assert PLANTED not in str(caught.value)


@pytest.mark.parametrize("where", ["header", "nonce", "ciphertext", "tag"])
def test_tampering_anywhere_is_detected(written, where):
    # Setup: flip one bit in one region
    path, _ = written
    data = bytearray(path.read_bytes())
    header_end = 8 + int.from_bytes(data[4:8], "big")
    position = {"header": header_end - 3, "nonce": header_end + 2, "ciphertext": header_end + 20, "tag": len(data) - 1}[where]
    data[position] ^= 0x01
    path.write_bytes(bytes(data))

    # Run / Assert
    with pytest.raises(AdditionalInformationError):
        read_additional_information(path, ENCRYPTION_KEY)


@pytest.mark.parametrize("content", [b"", b"SGAI", b"plain,text\n1,2\n", b"SGAI\x00\x00\x00\x02{}"])
def test_not_this_format_is_refused(tmp_path, content):
    # Setup
    path = tmp_path / "bad.sgai"
    path.write_bytes(content)

    # Run / Assert
    with pytest.raises(AdditionalInformationError, match="not a synthgate-additional-information file"):
        read_additional_information(path, ENCRYPTION_KEY)


def test_two_writes_differ_by_their_random_nonce(tmp_path):
    # Setup
    created = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)

    # Run
    for name in ("a", "b"):
        write_additional_information(tmp_path / name, MAPPING, ENCRYPTION_KEY, key_id=KEY_ID, created=created)

    # Assert
    assert (tmp_path / "a").read_bytes() != (tmp_path / "b").read_bytes()


def test_the_pseudonym_key_cannot_encrypt_its_own_table(tmp_path):
    # Run / Assert
    with pytest.raises(AdditionalInformationError, match="must differ from the pseudonym key"):
        write_additional_information(tmp_path / "x", MAPPING, PSEUDONYM_SECRET, key_id=KEY_ID)


def test_short_encryption_key_is_refused(tmp_path):
    # Run / Assert
    with pytest.raises(KeyTooShortError, match="encryption key has 16 bytes"):
        write_additional_information(tmp_path / "x", MAPPING, b"0123456789abcdef", key_id=KEY_ID)


def test_table_shows_counts_only_and_is_never_pickled():
    # Setup
    table = AdditionalInformation(MAPPING)

    # Run / Assert
    assert repr(table) == "AdditionalInformation(pairs={'rrn': 2, 'patient_id': 2})" == str(table)
    with pytest.raises(TypeError, match="never pickled"):
        pickle.dumps(table)


@pytest.mark.parametrize(
    ("location", "relation"),
    [
        ("work", "is"),
        ("work/run-1/secret.sgai", "is inside"),
        ("work/../work/x.sgai", "is inside"),
        (".", "contains"),
        ("catalog/a/b", "is inside"),
    ],
)
def test_ensure_apart_refuses_overlaps(tmp_path, location, relation):
    # Setup
    (tmp_path / "work").mkdir()
    (tmp_path / "catalog").mkdir()

    # Run / Assert
    with pytest.raises(UnsafeLocationError, match=relation):
        ensure_apart(tmp_path / location, tmp_path / "work", tmp_path / "catalog")


def test_ensure_apart_accepts_a_separate_folder_and_sees_through_links(tmp_path):
    # Setup
    (tmp_path / "work").mkdir()
    (tmp_path / "vault").mkdir()
    (tmp_path / "sneaky").symlink_to(tmp_path / "work")

    # Run / Assert
    assert ensure_apart(tmp_path / "vault" / "x.sgai", tmp_path / "work") == (tmp_path / "vault" / "x.sgai").resolve()
    with pytest.raises(UnsafeLocationError, match="is inside"):
        ensure_apart(tmp_path / "sneaky" / "x.sgai", tmp_path / "work")
