"""`holbrook verify`, `signing …`, `acknowledgement …`, `attestation save` from the command line."""

import json

from cryptography import x509

from holbrook_desktop.cli import main


def _run(capsys, *args):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _volunteer_acknowledged(capsys, data):
    added = _run(capsys, "--data-dir", data, "staff", "add", "--name", "Cara Dunn", "--role", "volunteer")
    assert added[0] == 0
    code, out, err = _run(capsys, "--data-dir", data, "acknowledgement", "record", "--staff", "1",
                          "--policy", "social-media", "--note", "Signed the paper form at induction")
    assert code == 0, err
    return int(out.strip())


def test_record_on_behalf_then_save_and_verify_the_pdf(tmp_path, capsys):
    data = str(tmp_path / "data")
    record_id = _volunteer_acknowledged(capsys, data)
    copy = tmp_path / "copy.pdf"
    assert _run(capsys, "--data-dir", data, "attestation", "save", str(record_id), "-o", str(copy))[0] == 0
    code, out, err = _run(capsys, "--data-dir", data, "verify", str(copy))
    assert code == 0, out + err
    assert out.count("ok   ") == 4 and "a genuine attestation" in err
    code, out, _ = _run(capsys, "--data-dir", data, "verify", str(copy), "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] and report["record_id"] == record_id
    code, out, _ = _run(capsys, "--data-dir", data, "acknowledgement", "list", "--json")
    [row] = json.loads(out)["acknowledgements"]
    assert (row["id"], row["method"], row["on_behalf_note"]) == (
        record_id, "on-behalf", "Signed the paper form at induction")
    assert "signature_png" not in row


def test_verify_exits_1_with_a_reason_for_a_changed_file_and_2_for_a_missing_one(tmp_path, capsys):
    data = str(tmp_path / "data")
    record_id = _volunteer_acknowledged(capsys, data)
    copy = tmp_path / "copy.pdf"
    _run(capsys, "--data-dir", data, "attestation", "save", str(record_id), "-o", str(copy))
    changed = bytearray(copy.read_bytes())
    changed[len(changed) // 3] ^= 0x01
    copy.write_bytes(bytes(changed))
    code, out, err = _run(capsys, "--data-dir", data, "verify", str(copy))
    assert code == 1 and "FAIL signature:" in out and "NOT verified" in err
    code, _, err = _run(capsys, "--data-dir", data, "verify", str(tmp_path / "absent.pdf"))
    assert code == 2 and "cannot read" in err


def test_on_behalf_needs_a_note_and_a_known_person(tmp_path, capsys):
    data = str(tmp_path / "data")
    code, _, err = _run(capsys, "--data-dir", data, "acknowledgement", "record", "--staff", "9",
                        "--policy", "social-media", "--note", "paper")
    assert code == 2 and "no person 9" in err
    _run(capsys, "--data-dir", data, "staff", "add", "--name", "Cara Dunn", "--role", "volunteer")
    code, _, err = _run(capsys, "--data-dir", data, "acknowledgement", "record", "--staff", "1",
                        "--policy", "social-media", "--note", "   ")
    assert code == 2 and "Say why" in err


def test_signing_create_show_replace_and_export(tmp_path, capsys):
    data = str(tmp_path / "data")
    code, out, err = _run(capsys, "--data-dir", data, "signing", "create", "--school", "Holbrook Primary")
    assert code == 0, err
    first = out.strip()
    assert _run(capsys, "--data-dir", data, "signing", "create")[0] == 2  # not without --replace
    code, out, _ = _run(capsys, "--data-dir", data, "signing", "create", "--replace")
    second = out.strip()
    code, out, _ = _run(capsys, "--data-dir", data, "signing", "show", "--json")
    rows = json.loads(out)["certificates"]
    assert [(r["fingerprint"], r["current"]) for r in rows] == [(second, True), (first, False)]
    pem = tmp_path / "school.pem"
    assert _run(capsys, "--data-dir", data, "signing", "export-certificate", "-o", str(pem))[0] == 0
    certificate = x509.load_pem_x509_certificate(pem.read_bytes())
    assert "Holbrook Primary" in certificate.subject.rfc4514_string()
    der = tmp_path / "old.cer"
    assert _run(capsys, "--data-dir", data, "signing", "export-certificate", "-o", str(der),
                "--fingerprint", first)[0] == 0
    x509.load_der_x509_certificate(der.read_bytes())


def test_signing_import_refuses_a_file_that_is_not_pkcs12(tmp_path, capsys, monkeypatch):
    data = str(tmp_path / "data")
    bogus = tmp_path / "school.p12"
    bogus.write_bytes(b"not a key")
    monkeypatch.setenv("HOLBROOK_P12_PASSWORD", "secret")
    code, _, err = _run(capsys, "--data-dir", data, "signing", "import", str(bogus))
    assert code == 2 and "school.p12" in err
