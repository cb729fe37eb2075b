"""Uploads are typed by their bytes (issue 17, ASVS 12.2.1): PDF, PNG, JPEG, TIFF by signature,
XML and JSON by parsing the whole file; anything else is a 415 problem+json whatever name and
Content-Type it carries, and an XML entity bomb is refused without being expanded."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lc.models import Document
from lc.scenarios import PDF_BYTES, example_documents
from tests.api import conftest as api_conftest

api_as = api_conftest.api_as  # the API tests' fixture: a client with a fresh key of the named person

CREDITS = "/api/v1/credits/"

ACCEPTED = [
    ("invoice.pdf", PDF_BYTES, "application/pdf"),
    ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"),
    ("scan.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64, "image/jpeg"),
    ("scan.tif", b"II*\x00\x08\x00\x00\x00" + b"\x00" * 64, "image/tiff"),
    ("scan-be.tif", b"MM\x00*\x00\x00\x00\x08" + b"\x00" * 64, "image/tiff"),
    ("invoice.xml", b'<?xml version="1.0" encoding="UTF-8"?>\n<Invoice xmlns="urn:oasis:names:specification:ubl:'
                    b'schema:xsd:Invoice-2"><ID>INV-1</ID><Note>5 &lt; 6 &amp; ok</Note></Invoice>', "application/xml"),
    ("bom.xml", b"\xef\xbb\xbf\n  <Invoice><ID>INV-2</ID></Invoice>\n", "application/xml"),
    ("invoice.json", json.dumps({"invoice": "INV-3", "lines": [{"qty": 2, "goods": "Wälzlager"}]},
                                ensure_ascii=False).encode(), "application/json"),
    ("lines.json", b"  [1, 2, {\"a\": null}]\n", "application/json"),
]

BOMB = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
        + b"".join(b' <!ENTITY lol%d "%s">\n' % (i, b"".join(b"&lol%s;" % (str(i - 1).encode() if i > 1 else b"")
                                                                  for _ in range(10))) for i in range(1, 10))
        + b"]>\n<lolz>&lol9;</lolz>\n")

DISGUISED = [
    ("script.pdf", b"#!/bin/sh\necho not a pdf\n", "application/pdf"),
    ("page.xml", b"<html><body>unclosed", "application/xml"),  # looks like markup, is not XML
    ("bomb.xml", BOMB, "application/xml"),
    ("external.xml", b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
     "application/xml"),
    ("undeclared.xml", b"<a>&x;</a>", "text/xml"),
    ("data.json", b'{"amount": 1', "application/json"),
    ("nan.json", b"[NaN]", "application/json"),
    ("latin1.json", b'{"goods": "W\xe4lzlager"}', "application/json"),
    ("deep.json", b"[" * 100_000 + b"]" * 100_000, "application/json"),
    ("note.txt", b"plain text, not a document", "application/pdf"),
    ("macro.docx", b"PK\x03\x04" + b"\x00" * 64, "image/png"),
]


def _present(story: Any, api_as: Any, upload: Any) -> Any:
    parts = {"presented_to": str(story.cast.orgs["advising"].pk), "amount_claimed": "125000.00",
             "data": [json.dumps(example_documents()[0].data)], "file": [upload]}
    return api_as("nef.exports").post(f"{CREDITS}{story.credit_id}/present/", parts, format="multipart")


@pytest.mark.parametrize(("name", "content", "expected"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_each_accepted_type_is_stored_as_sniffed_not_as_labelled(
        story: Any, api_as: Any, settings: Any, tmp_path: Any, name: str, content: bytes, expected: str) -> None:
    settings.MEDIA_ROOT = tmp_path
    story.issued()
    resp = _present(story, api_as, SimpleUploadedFile(name, content, content_type="application/octet-stream"))
    assert resp.status_code == 201, resp.content
    (doc,) = resp.json()["documents"]
    assert doc["content_type"] == expected
    got = api_as("hhl.treasury").get(f"/api/v1/documents/{doc['id']}/file/")
    assert got.status_code == 200 and got.content == content and got["Content-Type"] == expected


@pytest.mark.parametrize(("name", "content", "claimed"), DISGUISED, ids=[d[0] for d in DISGUISED])
def test_a_file_that_is_none_of_the_types_is_415_whatever_its_header(
        story: Any, api_as: Any, settings: Any, tmp_path: Any, name: str, content: bytes, claimed: str) -> None:
    settings.MEDIA_ROOT = tmp_path
    story.issued()
    started = time.monotonic()
    resp = _present(story, api_as, SimpleUploadedFile(name, content, content_type=claimed))
    assert time.monotonic() - started < 5  # the bomb is not expanded
    assert resp.status_code == 415, resp.content
    assert resp["Content-Type"] == "application/problem+json"
    problem = resp.json()
    assert problem["type"].endswith("/unsupported-file-type")
    assert problem["errors"] == [{"field": "documents[0].file", "message": "unsupported file type"}]
    assert not Document.objects.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]  # nothing kept in the store


def test_the_bomb_is_refused_for_its_dtd_before_any_entity_is_expanded(tmp_path: Any) -> None:
    from lc import storage

    path = tmp_path / "bomb.xml"
    path.write_bytes(BOMB)
    with pytest.raises(storage.UnsupportedType, match="document type declaration"):
        storage.check_text(path, storage.XML)


def test_a_disguised_file_added_to_an_electronic_presentation_is_415(
        story: Any, api_as: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    story.issued()
    exporter = api_as("nef.exports")
    presented = exporter.post(f"{CREDITS}{story.credit_id}/present/", {
        "presented_to": str(story.cast.orgs["advising"].pk), "amount_claimed": "125000.00", "electronic": "true"},
        format="multipart")
    assert presented.status_code == 201, presented.content
    url = f"/api/v1/presentations/{presented.json()['id']}/add-document/"
    data = json.dumps(example_documents()[0].data)
    fake = SimpleUploadedFile("invoice.xml", b"MZ\x90\x00 an executable", content_type="application/xml")
    refused = exporter.post(url, {"data": data, "file": fake}, format="multipart")
    assert refused.status_code == 415 and refused["Content-Type"] == "application/problem+json"
    xml = SimpleUploadedFile("invoice.xml", b"<Invoice><ID>INV-9</ID></Invoice>", content_type="text/plain")
    added = exporter.post(url, {"data": data, "file": xml}, format="multipart")
    assert added.status_code == 201, added.content
    assert added.json()["content_type"] == "application/xml"


@pytest.mark.parametrize("name", ["../../../escape.pdf", "/tmp/absolute.pdf", "..\\..\\win.pdf", "a/b/c.pdf"])
def test_a_file_name_is_never_used_as_a_path(story: Any, api_as: Any, settings: Any, tmp_path: Any,
                                             name: str) -> None:
    """The store names a file by its SHA-256 (lc.storage.path_for) whatever the client called it:
    the only file written is that one, inside the store."""
    import hashlib

    store = tmp_path / "media" / "store"
    store.mkdir(parents=True)
    settings.MEDIA_ROOT = store
    story.issued()
    resp = _present(story, api_as, SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf"))
    assert resp.status_code == 201, resp.content
    sha = hashlib.sha256(PDF_BYTES).hexdigest()
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written == [store / sha[:2] / sha[2:4] / sha]
