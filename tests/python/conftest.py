"""Fixtures of the Python module's tests, and TAP output for make check.

Each test gets a fresh catalog in its own temporary directory (pytest's
tmp_path) and, through the `pool` fixture, a started dir pool there.
With SC_TAP=1 (tests/python.test) pytest's own report is replaced by TAP
on stdout: one line per test, a failure's report as "# " lines.
"""

import os
import sys

import pytest

import storcat


def pool_xml(name, path):
    return (f"<pool type='dir'><name>{name}</name>"
            f"<target><path>{path}</path></target></pool>")


def vol_xml(name, capacity, extra=""):
    return (f"<volume><name>{name}</name>"
            f"<capacity unit='bytes'>{capacity}</capacity>{extra}</volume>")


@pytest.fixture
def catalog(tmp_path):
    return str(tmp_path / "catalog.db")


@pytest.fixture
def conn(catalog):
    c = storcat.openAuth(catalog, None, storcat.SC_CONNECT_CREATE)
    yield c
    try:
        c.close()
    except storcat.libvirtError:
        pass


@pytest.fixture
def pooldir(tmp_path):
    d = tmp_path / "images"
    d.mkdir()
    return d


@pytest.fixture
def pool(conn, pooldir):
    p = conn.storagePoolDefineXML(pool_xml("images", pooldir), 0)
    p.create(0)
    return p


# ---- TAP -------------------------------------------------------------------

class TapReporter:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def line(self, text):
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

    def pytest_runtest_logreport(self, report):
        name = report.nodeid
        if report.when == "call" or (report.when == "setup" and (report.skipped or report.failed)) \
                or (report.when == "teardown" and report.failed):
            self.n += 1
            if report.skipped:
                reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else "skipped"
                self.line(f"ok {self.n} - {name} # SKIP {reason}")
            elif report.failed:
                self.failed += 1
                self.line(f"not ok {self.n} - {name}" + ("" if report.when == "call" else f" ({report.when})"))
                for l in str(report.longrepr).splitlines()[-60:]:
                    self.line("# " + l)
            else:
                self.line(f"ok {self.n} - {name}")

    def pytest_collectreport(self, report):
        if report.skipped:
            # A whole file skipped (pytest.importorskip, a module-level skip).
            self.n += 1
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else "skipped"
            self.line(f"ok {self.n} - {report.nodeid} # SKIP {reason}")
        elif report.failed:
            self.n += 1
            self.failed += 1
            self.line(f"not ok {self.n} - collecting {report.nodeid}")
            for l in str(report.longrepr).splitlines()[-40:]:
                self.line("# " + l)

    def pytest_sessionfinish(self, session, exitstatus):
        self.line(f"1..{self.n}")


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    # After the terminal plugin's: its reporter is replaced (its options
    # stay, for the assertion messages).
    if os.environ.get("SC_TAP"):
        tr = config.pluginmanager.getplugin("terminalreporter")
        if tr:
            config.pluginmanager.unregister(tr)
        config.pluginmanager.register(TapReporter(), "sc-tap")
