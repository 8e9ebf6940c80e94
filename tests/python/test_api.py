"""The module's shape: libvirt-python's names, parameters and constants
(compared with python3-libvirt, libvirt 9.0's binding, where installed),
docstrings from storcat.h, and type stubs that list what the module has."""

import ast
import inspect
import os

import pytest

import storcat

try:
    import libvirt
except ImportError:
    libvirt = None

needs_libvirt = pytest.mark.skipif(libvirt is None, reason="no python3-libvirt to compare with")

# The list: what a port needs.
REQUIRED = {
    "virConnect": """listAllStoragePools storagePoolLookupByName storagePoolLookupByUUID
        storagePoolLookupByUUIDString storagePoolLookupByTargetPath storagePoolDefineXML
        storagePoolCreateXML storageVolLookupByPath storageVolLookupByKey findStoragePoolSources
        getStoragePoolCapabilities newStream storagePoolEventRegisterAny close""",
    "virStoragePool": """name UUIDString info XMLDesc create build destroy delete undefine
        refresh listAllVolumes createXML createXMLFrom storageVolLookupByName autostart
        setAutostart isActive""",
    "virStorageVol": "name key path info XMLDesc delete wipe wipePattern resize upload download",
    "virStream": "send recv sendAll recvAll sparseSendAll sparseRecvAll finish abort",
    # What an iSCSI pool's CHAP <auth> needs.
    "virSecret": "UUIDString usageType usageID XMLDesc setValue value undefine",
}
# libvirt-python has them; storcat has no stream events (no event-driven streams).
NOT_IN_STORCAT = {"eventAddCallback", "eventRemoveCallback", "eventUpdateCallback"}


def public(cls):
    return {m for m in dir(cls) if not m.startswith("_")}


def test_required_methods():
    for cls, names in REQUIRED.items():
        missing = set(names.split()) - public(getattr(storcat, cls))
        assert not missing, (cls, missing)
    for f in ("open", "openReadOnly", "registerErrorHandler", "libvirtError", "Error"):
        assert hasattr(storcat, f)


def params(fn):
    return [p.name for p in inspect.signature(fn).parameters.values() if p.name != "self"]


@needs_libvirt
def test_same_methods_and_parameters_as_libvirt_python():
    pairs = [("virStoragePool", None), ("virStorageVol", None), ("virStream", None),
             ("virSecret", None),
             ("virConnect", REQUIRED["virConnect"].split() + [
                 "getURI", "getLibVersion", "getVersion", "isAlive", "isSecure", "isEncrypted",
                 "getCapabilities", "listStoragePools", "listDefinedStoragePools",
                 "numOfStoragePools", "numOfDefinedStoragePools",
                 "storagePoolEventDeregisterAny", "secretDefineXML", "secretLookupByUUID",
                 "secretLookupByUUIDString", "secretLookupByUsage", "numOfSecrets",
                 "listSecrets", "listAllSecrets", "secretEventRegisterAny",
                 "secretEventDeregisterAny"])]
    for cls, only in pairs:
        lv, sc = getattr(libvirt, cls), getattr(storcat, cls)
        names = only or public(lv) - NOT_IN_STORCAT - {"streamBufSize"}
        for m in sorted(names):
            assert hasattr(sc, m), f"{cls}.{m} missing"
            assert params(getattr(sc, m)) == params(getattr(lv, m)), f"{cls}.{m}"
    assert storcat.virStorageVol.streamBufSize == libvirt.virStorageVol.streamBufSize


@needs_libvirt
def test_constants_agree_with_libvirt_python():
    both = [n for n in dir(storcat) if n.startswith("VIR_") and hasattr(libvirt, n)]
    assert len(both) > 140
    assert [n for n in both if getattr(libvirt, n) != getattr(storcat, n)] == []
    storage = [n for n in dir(libvirt)
               if n.startswith(("VIR_STORAGE_", "VIR_CONNECT_LIST_STORAGE_POOLS_"))]
    assert [n for n in storage if not hasattr(storcat, n)] == []
    # Secrets, their events too.
    secrets = [n for n in dir(libvirt)
               if n.startswith(("VIR_SECRET_", "VIR_CONNECT_LIST_SECRETS_"))]
    assert len(secrets) > 12
    assert [n for n in secrets if not hasattr(storcat, n)] == []
    # Every error code, domain and warning, those storcat never reports
    # too: error handling written for libvirt-python may name any.
    errors = [n for n in dir(libvirt) if n.startswith(("VIR_ERR_", "VIR_FROM_", "VIR_WAR_"))]
    assert len(errors) > 180
    assert [n for n in errors if not hasattr(storcat, n)] == []


@needs_libvirt
def test_error_tuple_and_methods_as_libvirt_python():
    for m in public(libvirt.libvirtError) - public(Exception):
        assert hasattr(storcat.libvirtError, m), m


def test_docstrings_from_the_header():
    header = os.path.join(os.environ.get("abs_top_srcdir", "../.."), "include/storcat/storcat.h")
    with open(header) as f:
        text = f.read()
    for cls in (storcat.virConnect, storcat.virStoragePool, storcat.virStorageVol,
                storcat.virStream, storcat.virSecret):
        for m in public(cls) - {"streamBufSize"}:
            doc = getattr(cls, m).__doc__
            assert doc and len(doc) > 10, f"{cls.__name__}.{m}"
    doc = storcat.virConnect.storageVolLookupByPath.__doc__
    assert "scStorageVolLookupByName / ByKey / ByPath" in doc
    assert "canonicalized" in doc and "canonicalized" in text
    assert "SC_ERR_NO_STORAGE_POOL" in storcat.open.__doc__ or "NO_CONNECT" in storcat.open.__doc__
    assert inspect.signature(storcat.virStoragePool.createXMLFrom).parameters["flags"].default == 0


def stubs_path():
    build = os.environ.get("abs_top_builddir")
    if build and os.path.exists(os.path.join(build, "python/storcat.pyi")):
        return os.path.join(build, "python/storcat.pyi")
    return None


def test_stubs_list_the_module():
    path = stubs_path()
    if not path:
        pytest.skip("no built python/storcat.pyi (abs_top_builddir not set)")
    with open(path) as f:
        tree = ast.parse(f.read())
    classes, names = {}, set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            classes[node.name] = {n.name for n in node.body if isinstance(n, ast.FunctionDef)} | \
                {n.target.id for n in node.body if isinstance(n, ast.AnnAssign)}
            names.add(node.name)
        elif isinstance(node, ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets)
    module = {n for n in dir(storcat) if not n.startswith("_")} | {"__version__"}
    assert module - names == set()
    assert names - module - {"_T", "_Row", "_RawError"} == set()
    # The rows' named fields, in the C structs' order.
    for cls in ("scAuditEvent", "scStorageVolRecord"):
        node = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls][0]
        fields = tuple(n.target.id for n in node.body if isinstance(n, ast.AnnAssign))
        assert fields == getattr(storcat, cls).__match_args__, cls
    for cls in ("virConnect", "virStoragePool", "virStorageVol", "virStream", "virSecret",
                "scRows"):
        runtime = public(getattr(storcat, cls)) | \
            {"__enter__", "__exit__", "__iter__", "__next__"} & set(dir(getattr(storcat, cls)))
        assert classes[cls] == runtime, (cls, classes[cls] ^ runtime)
        for m in public(getattr(storcat, cls)) - {"streamBufSize", "columns"}:
            node = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls][0]
            fn = [n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == m][0]
            stub = [a.arg for a in fn.args.args if a.arg != "self"]
            assert stub == params(getattr(getattr(storcat, cls), m)), f"{cls}.{m}"
