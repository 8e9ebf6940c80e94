"""virSecret and virConnect's secret calls, as libvirt-python's: what an
iSCSI pool's CHAP <auth> names (the pool's use of it: tests/test_iscsi.c)."""

import uuid

import pytest

import storcat

VALUE = b"Sesame-Open-0042"


def code_of(excinfo):
    return excinfo.value.get_error_code()


def secret_xml(target, extra="", private="no"):
    return (f"<secret ephemeral='no' private='{private}'>{extra}"
            f"<usage type='iscsi'><target>{target}</target></usage></secret>")


def test_define_lookup_and_getters(conn):
    s = conn.secretDefineXML(secret_xml("iqn.2024-01.org.example:t1",
                                        "<description>CHAP of t1</description>"))
    u = s.UUIDString()
    assert str(uuid.UUID(u)) == u
    assert s.UUID() == uuid.UUID(u).bytes
    assert s.usageType() == storcat.VIR_SECRET_USAGE_TYPE_ISCSI == 3
    assert s.usageID() == "iqn.2024-01.org.example:t1"
    assert s.connect() is conn
    xml = s.XMLDesc()
    assert f"<uuid>{u}</uuid>" in xml and "<description>CHAP of t1</description>" in xml
    assert "<target>iqn.2024-01.org.example:t1</target>" in xml
    for found in (conn.secretLookupByUUIDString(u), conn.secretLookupByUUID(uuid.UUID(u).bytes),
                  conn.secretLookupByUsage(storcat.VIR_SECRET_USAGE_TYPE_ISCSI,
                                           "iqn.2024-01.org.example:t1")):
        assert isinstance(found, storcat.virSecret) and found.UUIDString() == u
    assert storcat.scSecret is storcat.virSecret


def test_lookups_that_miss(conn):
    conn.secretDefineXML(secret_xml("t1"))
    for call in (lambda: conn.secretLookupByUUIDString(str(uuid.uuid4())),
                 lambda: conn.secretLookupByUUID(uuid.uuid4().bytes),
                 lambda: conn.secretLookupByUsage(storcat.VIR_SECRET_USAGE_TYPE_ISCSI, "t2"),
                 lambda: conn.secretLookupByUsage(storcat.VIR_SECRET_USAGE_TYPE_CEPH, "t1")):
        with pytest.raises(storcat.libvirtError) as e:
            call()
        assert code_of(e) == storcat.VIR_ERR_NO_SECRET
    with pytest.raises(ValueError):
        conn.secretLookupByUUID(b"short")
    with pytest.raises(TypeError):
        conn.secretLookupByUsage("iscsi", "t1")


def test_listings_agree_and_are_sorted(conn):
    assert conn.numOfSecrets() == 0
    assert conn.listSecrets() == [] and conn.listAllSecrets() == []
    made = sorted(conn.secretDefineXML(secret_xml(f"t{i}")).UUIDString() for i in range(5))
    conn.secretDefineXML(secret_xml("private", private="yes"))
    assert conn.numOfSecrets() == 6
    names = conn.listSecrets()
    assert names == sorted(names) and len(names) == 6 and set(made) <= set(names)
    assert [s.UUIDString() for s in conn.listAllSecrets()] == names
    private = conn.listAllSecrets(storcat.VIR_CONNECT_LIST_SECRETS_PRIVATE)
    assert [s.usageID() for s in private] == ["private"]
    public = conn.listAllSecrets(storcat.VIR_CONNECT_LIST_SECRETS_NO_PRIVATE)
    assert sorted(s.UUIDString() for s in public) == made
    assert conn.listAllSecrets(storcat.VIR_CONNECT_LIST_SECRETS_EPHEMERAL) == []
    with pytest.raises(storcat.libvirtError) as e:
        conn.listAllSecrets(1 << 20)
    assert code_of(e) == storcat.VIR_ERR_INVALID_ARG


def test_value_round_trip_bytes_and_str(conn):
    s = conn.secretDefineXML(secret_xml("t1"))
    with pytest.raises(storcat.libvirtError) as e:
        s.value()
    assert code_of(e) == storcat.VIR_ERR_NO_SECRET
    assert s.setValue(VALUE) == 0
    assert s.value() == VALUE and isinstance(s.value(), bytes)
    # Any bytes, and a str as its UTF-8 (libvirt-python's "z#").
    raw = bytes(range(256))
    s.setValue(bytearray(raw))
    assert s.value(0) == raw
    s.setValue("pässwörd", 0)
    assert s.value() == "pässwörd".encode()
    # Another handle of the same secret reads what this one set.
    assert conn.secretLookupByUUIDString(s.UUIDString()).value() == "pässwörd".encode()
    with pytest.raises(TypeError):
        s.setValue(42)
    with pytest.raises(storcat.libvirtError) as e:
        s.setValue(b"x" * (64 * 1024 + 1))
    assert s.value() == "pässwörd".encode()


def test_private_value_is_storcats_own(conn, catalog):
    s = conn.secretDefineXML(secret_xml("t1", private="yes"))
    s.setValue(VALUE)
    with pytest.raises(storcat.libvirtError) as e:
        s.value()
    assert code_of(e) == storcat.VIR_ERR_INVALID_SECRET
    assert VALUE.decode() not in str(e.value)
    # Nowhere in the catalog's readable tables or its events.
    for row in conn.listEvents():
        assert VALUE.decode() not in repr(row)
    actions = [e.action for e in conn.listEvents()]
    assert "secret-define" in actions and "secret-set-value" in actions
    with open(catalog, "rb") as f:
        assert VALUE not in f.read()


def test_read_only_connection(conn, catalog):
    s = conn.secretDefineXML(secret_xml("t1"))
    s.setValue(VALUE)
    ro = storcat.openReadOnly(catalog)
    try:
        r = ro.secretLookupByUUIDString(s.UUIDString())
        assert r.usageID() == "t1"
        assert ro.listSecrets() == [s.UUIDString()]
        with pytest.raises(storcat.libvirtError) as e:
            r.value()
        assert code_of(e) == storcat.VIR_ERR_OPERATION_DENIED
        with pytest.raises(storcat.libvirtError) as e:
            ro.secretDefineXML(secret_xml("t2"))
        assert code_of(e) == storcat.VIR_ERR_OPERATION_DENIED
    finally:
        ro.close()


def test_bad_definitions_change_nothing(conn):
    s = conn.secretDefineXML(secret_xml("t1"))
    before = conn.listSecrets()
    cases = [
        ("<secret><usage type='iscsi'><target>t1</target></usage>", storcat.VIR_ERR_XML_DETAIL),
        ("<secret ephemeral='yes'><usage type='iscsi'><target>t9</target></usage></secret>",
         storcat.VIR_ERR_CONFIG_UNSUPPORTED),
        # Another secret with t1's usage: refused, naming the one that has it.
        (secret_xml("t1"), storcat.VIR_ERR_OPERATION_INVALID),
    ]
    for xml, code in cases:
        with pytest.raises(storcat.libvirtError) as e:
            conn.secretDefineXML(xml)
        assert code_of(e) == code, xml
    assert s.UUIDString() in str(e.value)
    assert conn.listSecrets() == before


def test_redefine_and_undefine(conn):
    s = conn.secretDefineXML(secret_xml("t1"))
    u = s.UUIDString()
    s.setValue(VALUE)
    again = conn.secretDefineXML(
        f"<secret><uuid>{u}</uuid><description>now described</description>"
        f"<usage type='iscsi'><target>t1</target></usage></secret>")
    assert again.UUIDString() == u and "now described" in again.XMLDesc()
    assert again.value() == VALUE
    assert s.undefine() == 0
    assert conn.numOfSecrets() == 0
    with pytest.raises(storcat.libvirtError) as e:
        conn.secretLookupByUUIDString(u)
    assert code_of(e) == storcat.VIR_ERR_NO_SECRET
    with pytest.raises(storcat.libvirtError) as e:
        again.value()
    assert code_of(e) == storcat.VIR_ERR_NO_SECRET
