"""The web client in a real headless Chromium (Debian's chromium,
chromium-driver, python3-selenium), against line-port users in the same
room. Usage: browser_test.py CHATD CASE (ctest label "browser"; each case
starts its own chatd and browser, bounded in time)."""
import os
import shutil
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

sys.path.insert(0, os.path.dirname(__file__))
from webtest import Chatd, LineClient, free_port, wait_for  # noqa: E402

CHATD = sys.argv[1]


def browser(home=None, extra=()):
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1000,700", *extra):
        o.add_argument(arg)
    env = dict(os.environ)
    if home:
        env["HOME"] = home  # Chromium reads $HOME/.pki/nssdb: the test CA is trusted there
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver", env=env), options=o)


def log_text(d):
    return d.find_element(By.ID, "log").text


def type_line(d, text):
    d.find_element(By.ID, "message").send_keys(text + Keys.ENTER)


def case_talk():
    """join, nick, talk both ways, members, history dimmed, mention."""
    with Chatd(CHATD) as c:
        a, b = LineClient(c.port, "alice"), LineClient(c.port, "bob")
        a.send("has anyone seen the build logs?")
        b.expect("[alice] has anyone seen the build logs?")
        d = browser()
        try:
            d.get(c.url + "?nick=webber")
            wait_for(lambda: "webber (you)" in d.find_element(By.ID, "members").text, what="webber in members")
            hist = d.find_elements(By.CSS_SELECTOR, "#log p.history")
            assert hist and "has anyone seen the build logs?" in hist[0].text, "history line"
            assert hist[0].find_element(By.CLASS_NAME, "time").text, "history time"
            members = d.find_element(By.ID, "members").text
            assert "alice" in members and "bob" in members, members
            type_line(d, "hello from the browser")
            a.expect("[webber] hello from the browser")
            b.expect("[webber] hello from the browser")
            a.send("hi webber, welcome")
            wait_for(lambda: "[alice] hi webber, welcome" in log_text(d), what="alice's line in the page")
            assert d.find_elements(By.CSS_SELECTOR, "#log p.mention"), "mention highlighted"
            assert d.find_elements(By.CSS_SELECTOR, "#log p.own"), "own line highlighted"
            a.send("/me waves")
            wait_for(lambda: "* alice waves" in log_text(d), what="/me")
            assert d.find_element(By.ID, "log").get_attribute("aria-live") == "polite"
        finally:
            d.quit()


def case_rooms_and_msg():
    """?room=, the room list with counts, /join, /msg as a conversation."""
    with Chatd(CHATD) as c:
        a = LineClient(c.port, "alice")
        d = browser()
        try:
            d.get(c.url + "?nick=webber&room=side")
            wait_for(lambda: "#side" in d.find_element(By.ID, "where").text, what="in #side")
            wait_for(lambda: "#lobby" in d.find_element(By.ID, "rooms").text, what="#lobby listed")
            a.send("/join #side")
            a.expect("> You are now in #side (2 users here)")
            wait_for(lambda: "alice" in d.find_element(By.ID, "members").text, what="alice joined")
            wait_for(lambda: "2" in d.find_element(By.ID, "rooms").text, what="count of #side")
            a.send("/msg webber psst")
            wait_for(lambda: "alice" in d.find_element(By.ID, "convs").text, what="conversation listed")
            wait_for(lambda: d.find_elements(By.CSS_SELECTOR, "#convs .unread"), what="unread marker")
            d.find_element(By.CSS_SELECTOR, "#convs button").click()
            wait_for(lambda: "psst" in log_text(d), what="the private line")
            assert not d.find_elements(By.CSS_SELECTOR, "#convs .unread"), "read once shown"
            type_line(d, "psst yourself")
            a.expect("[webber -> you] psst yourself")
            # Tab completes commands.
            box = d.find_element(By.ID, "message")
            box.send_keys(Keys.ESCAPE)
            box.send_keys("/jo")
            box.send_keys(Keys.TAB)
            assert box.get_attribute("value") == "/join ", box.get_attribute("value")
            box.send_keys("#lobby" + Keys.ENTER)
            wait_for(lambda: "#lobby" in d.find_element(By.ID, "where").text, what="back in #lobby")
            a.expect("< webber left for #lobby")
        finally:
            d.quit()


def case_reconnect():
    """chatd restarts: the page reconnects with its nick and room, keeping the draft."""
    port, web_port = free_port(), free_port()
    c = Chatd(CHATD, port=port, web_port=web_port)
    d = browser()
    try:
        d.get(c.url + "?nick=webber&room=back")
        wait_for(lambda: "#back" in d.find_element(By.ID, "where").text, what="in #back")
        c.stop()
        wait_for(lambda: "reconnecting" in d.find_element(By.ID, "status").text, what="offline")
        d.find_element(By.ID, "message").send_keys("half a thought")
        c = Chatd(CHATD, port=port, web_port=web_port)
        a = LineClient(c.port, "alice")
        a.send("/join #back")
        wait_for(lambda: d.find_element(By.ID, "status").text == "online", timeout=40, what="online again")
        a.expect("> You are now in #back")
        wait_for(lambda: "webber" in d.find_element(By.ID, "members").text, what="nick restored")
        assert d.find_element(By.ID, "message").get_attribute("value") == "half a thought", "draft kept"
        d.find_element(By.ID, "message").send_keys(Keys.ENTER)
        a.expect("[webber] half a thought")
    finally:
        d.quit()
        c.stop()


def case_accounts():
    """Register, log out, log in from the page's forms (chatd --store); the
    password is never shown, logged, stored or left in a field; over plain
    http from a name that is not loopback the page refuses to send one."""
    secret = "correct horse 42"
    tmp = tempfile.mkdtemp(prefix="chat-accounts-")
    try:
        with Chatd(CHATD, "--store", f"{tmp}/chat.db") as c:
            a = LineClient(c.port, "alice")
            d = browser()
            try:
                d.get(c.url + "?nick=webber")
                wait_for(lambda: "webber (you)" in d.find_element(By.ID, "members").text, what="webber in members")
                assert d.find_element(By.ID, "account-state").text == "Not logged in"
                assert d.find_element(By.ID, "plain-warning").get_attribute("hidden") is not None
                d.find_element(By.CSS_SELECTOR, "#account-forms summary").click()
                pw = d.find_element(By.ID, "register-password")
                assert pw.get_attribute("type") == "password"
                pw.send_keys(secret)
                d.find_element(By.ID, "register-password2").send_keys(secret + Keys.ENTER)
                wait_for(lambda: d.find_element(By.ID, "account-state").text == "Logged in as webber",
                         what="registered and logged in")
                assert "> Nickname webber is registered to you: next time, /login webber PASSWORD" in log_text(d)
                a.send("/nick webber")
                a.expect("! nickname webber is registered: /login webber PASSWORD")

                d.find_element(By.ID, "logout").click()
                wait_for(lambda: d.find_element(By.ID, "account-state").text == "Not logged in", what="logged out")
                wait_for(lambda: "> You are logged out" in log_text(d), what="logout line")
                # A wrong password: the reason under the form, the field emptied.
                d.find_element(By.CSS_SELECTOR, "#account-forms summary").click()
                name = d.find_element(By.ID, "login-name")
                name.clear()
                name.send_keys("webber")
                d.find_element(By.ID, "login-password").send_keys("not the password" + Keys.ENTER)
                wait_for(lambda: d.find_element(By.ID, "account-note").text == "login failed", what="login failed")
                assert d.find_element(By.ID, "login-password").get_attribute("value") == ""
                d.find_element(By.ID, "login-password").send_keys(secret + Keys.ENTER)
                wait_for(lambda: d.find_element(By.ID, "account-state").text == "Logged in as webber",
                         what="logged in again")
                a.expect("> 127.0.0.1:")  # the room sees the address name become webber again
                wait_for(lambda: "webber (you)" in d.find_element(By.ID, "members").text, what="webber is us")
                type_line(d, "back under my own name")
                a.expect("[webber] back under my own name")
                # /login NAME typed in the box opens the form instead of sending.
                type_line(d, "/logout")
                wait_for(lambda: d.find_element(By.ID, "account-state").text == "Not logged in", what="logged out 2")
                type_line(d, "/login webber")
                wait_for(lambda: d.switch_to.active_element.get_attribute("id") == "login-password",
                         what="the password field focused")
                # Nowhere in the page, its storage or its fields.
                for where in (d.page_source, log_text(d),
                              d.execute_script("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage)"),
                              " ".join(e.get_attribute("value") or "" for e in d.find_elements(By.TAG_NAME, "input"))):
                    assert secret not in where and "not the password" not in where, where[-500:]
            finally:
                d.quit()
            # Plain http under a name that is not loopback (mapped to
            # 127.0.0.1 by Chromium alone: the socket stays on loopback).
            d = browser(extra=("--host-resolver-rules=MAP chat.test 127.0.0.1",))
            try:
                d.get(f"http://chat.test:{c.web_port}/?nick=faraway")
                wait_for(lambda: d.find_element(By.ID, "status").text == "online", what="online as chat.test")
                d.find_element(By.CSS_SELECTOR, "#account-forms summary").click()
                warning = d.find_element(By.ID, "plain-warning")
                assert warning.is_displayed() and "plain http" in warning.text, warning.text
                assert not d.find_element(By.ID, "login-password").is_enabled()
                type_line(d, "/login webber " + secret)
                assert d.find_element(By.ID, "message").get_attribute("value") == "", "box emptied"
                type_line(d, "still here")
                a.expect("[faraway] still here")  # a login sent (chatd sees loopback) would have made it [webber]
                assert "webber" not in d.find_element(By.ID, "account-state").text
            finally:
                d.quit()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def case_wss():
    """--tls-cert: the page over https:// and its WebSocket over wss://,
    the test CA trusted in a temporary NSS database (no certificate errors
    ignored)."""
    tmp = tempfile.mkdtemp(prefix="chat-wss-")
    try:
        ossl = lambda *a: subprocess.run(["openssl", *a], check=True, capture_output=True)  # noqa: E731
        ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=chat test CA",
             "-keyout", f"{tmp}/ca.key", "-out", f"{tmp}/ca.pem",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign")
        ossl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", f"{tmp}/key.pem",
             "-out", f"{tmp}/req.csr")
        with open(f"{tmp}/ext.cnf", "w") as f:
            f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
        ossl("x509", "-req", "-in", f"{tmp}/req.csr", "-CA", f"{tmp}/ca.pem", "-CAkey", f"{tmp}/ca.key",
             "-CAcreateserial", "-days", "2", "-out", f"{tmp}/cert.pem", "-extfile", f"{tmp}/ext.cnf")
        nss = f"{tmp}/home/.pki/nssdb"
        os.makedirs(nss)
        subprocess.run(["certutil", "-N", "-d", "sql:" + nss, "--empty-password"], check=True)
        subprocess.run(["certutil", "-A", "-d", "sql:" + nss, "-n", "chat test CA", "-t", "C,,", "-i",
                        f"{tmp}/ca.pem"], check=True)
        with Chatd(CHATD, "--tls-cert", f"{tmp}/cert.pem", "--tls-key", f"{tmp}/key.pem", "--tls-port", "0") as c:
            assert c.url.startswith("https://"), c.url
            a = LineClient(c.port, "alice")
            d = browser(home=f"{tmp}/home")
            try:
                d.get(c.url.replace("localhost", "127.0.0.1") + "?nick=secure")
                wait_for(lambda: d.find_element(By.ID, "status").text == "online", what="online over wss")
                type_line(d, "over wss")
                a.expect("[secure] over wss")
                assert d.execute_script("return location.protocol") == "https:"
            finally:
                d.quit()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    case = sys.argv[2]
    start = time.time()
    globals()["case_" + case]()
    print(f"browser {case}: passed in {time.time() - start:.1f} s")
