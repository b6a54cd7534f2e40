#!/usr/bin/python3
"""The HTML report in a real browser: headless Chromium (Debian's `chromium`).

Runs `lockedges run all`, opens DIR/index.html in headless Chromium, keeps a
screenshot and a printed PDF as artifacts, and fails on any console message
(the page has no script, so any message is an error), on a section missing
from a scenario, or on anything that would fetch from the network.

    browser_test.py --lockedges build/lockedges --artifacts build/browser
    browser_test.py --page DIR/index.html --scenarios a,b --artifacts DIR2

The second form checks a page already written (it is how the check is shown
to fail on a broken page). Standard library only, so it runs with Debian's
python3 and nothing else.
"""
import argparse
import html.parser
import os
import shutil
import subprocess
import sys
import tempfile

SECTIONS = ("lesson", "matrix", "findings", "cost", "profile", "interleaving")
CHROMIUM = ("chromium", "chromium-browser")


class Dom(html.parser.HTMLParser):
    """The rendered DOM: each id's element with the ids and tags inside it."""

    def __init__(self):
        super().__init__()
        self.stack = []  # open elements: (tag, id)
        self.inside = {}  # id -> {"ids": set, "tags": set}
        self.fetching = []  # attributes that would load something

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "srcset", "data"):
            if attrs.get(name):
                self.fetching.append(f"<{tag} {name}={attrs[name]!r}>")
        if tag == "link" or (tag in ("a", "use", "image") and (attrs.get("href") or "").startswith(("http", "//"))):
            self.fetching.append(f"<{tag} href={attrs.get('href')!r}>")
        for _, open_id in self.stack:
            if open_id is not None:
                self.inside[open_id]["tags"].add(tag)
                if attrs.get("id"):
                    self.inside[open_id]["ids"].add(attrs["id"])
        element_id = attrs.get("id")
        if element_id is not None:
            self.inside.setdefault(element_id, {"ids": set(), "tags": set()})
        if tag not in ("meta", "br", "img", "input", "link", "hr", "wbr", "col", "source"):
            self.stack.append((tag, element_id))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return


def find_chromium():
    for name in CHROMIUM:
        path = shutil.which(name)
        if path:
            return path
    sys.exit("FAIL: no chromium on PATH: install Debian's chromium (make deps)")


def chromium(browser, profile, args, timeout=180):
    """Runs headless Chromium with a throwaway profile; returns (stdout, stderr)."""
    command = [browser, "--headless", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
               f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args]
    if os.geteuid() == 0:
        command.insert(1, "--no-sandbox")  # Chromium's sandbox refuses to run as root
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    return done.stdout, done.stderr


def scenario_names(lockedges):
    listing = subprocess.run([lockedges, "list"], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in listing.splitlines()
            if line and not line[0].isspace() and not line.startswith("scenario")]


def check(page, scenarios, artifacts):
    """Every failure found in the rendered page, as sentences."""
    browser = find_chromium()
    url = "file://" + os.path.abspath(page)
    failures = []
    with tempfile.TemporaryDirectory(prefix="lockedges-chromium-") as profile:
        dom, log = chromium(browser, profile, ["--dump-dom", url])
        screenshot = os.path.join(artifacts, "index.png")
        chromium(browser, profile, ["--window-size=1280,3200", f"--screenshot={screenshot}", url])
        pdf = os.path.join(artifacts, "index.pdf")
        chromium(browser, profile, ["--no-pdf-header-footer", f"--print-to-pdf={pdf}", url])
    with open(os.path.join(artifacts, "index.dom.html"), "w") as out:
        out.write(dom)
    with open(os.path.join(artifacts, "chromium.log"), "w") as out:
        out.write(log)

    for line in log.splitlines():
        if ":CONSOLE" in line:
            failures.append("console message: " + line.split("]", 1)[-1].strip())
    if "<main" not in dom:
        failures.append("the page rendered no <main> element")
    parsed = Dom()
    parsed.feed(dom)
    failures += ["would fetch: " + f for f in parsed.fetching]
    if "summary" not in parsed.inside:
        failures.append("no summary section")
    for name in scenarios:
        section = parsed.inside.get(name)
        if section is None:
            failures.append(f"{name}: no section with id {name!r}")
            continue
        for part in SECTIONS:
            if f"{name}-{part}" not in section["ids"]:
                failures.append(f"{name}: no {name}-{part} section inside it")
            elif not parsed.inside[f"{name}-{part}"]["tags"] - {"h3", "p", "span", "code", "i"}:
                failures.append(f"{name}-{part}: only a heading, no content")
        if "svg" not in parsed.inside.get(f"{name}-interleaving", {"tags": set()})["tags"]:
            failures.append(f"{name}: the interleaving has no sequence diagram")
    for path, least in ((screenshot, 20_000), (pdf, 10_000)):
        if not os.path.exists(path) or os.path.getsize(path) < least:
            failures.append(f"{path}: missing or nearly empty (a blank page?)")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lockedges", help="the lockedges binary: run every scenario and check its page")
    parser.add_argument("--page", help="check this index.html instead of running lockedges")
    parser.add_argument("--scenarios", help="with --page: the scenario names, comma-separated")
    parser.add_argument("--artifacts", required=True, help="where the screenshot, PDF, DOM and log go")
    args = parser.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)

    if args.page:
        page, scenarios = args.page, [s for s in (args.scenarios or "").split(",") if s]
    elif args.lockedges:
        scenarios = scenario_names(args.lockedges)
        out = os.path.join(args.artifacts, "report")
        shutil.rmtree(out, ignore_errors=True)
        # One forced run each and a short profile: every section has content.
        run = subprocess.run([args.lockedges, "run", "all", "--runs", "1", "--stress-seconds", "0.1",
                              "--profile-seconds", "0.1", "--out", out, "-q"],
                             capture_output=True, text=True, timeout=600)
        print(f"lockedges run all: exit {run.returncode}")
        page = os.path.join(out, "index.html")
        if not os.path.exists(page):
            sys.exit(f"FAIL: lockedges wrote no {page}:\n{run.stderr}")
    else:
        parser.error("give --lockedges or --page")
    if not scenarios:
        sys.exit("FAIL: no scenarios to look for")

    failures = check(page, scenarios, args.artifacts)
    print(f"checked {page} in Chromium: {len(scenarios)} scenarios, {len(SECTIONS)} sections each")
    print(f"screenshot: {os.path.join(args.artifacts, 'index.png')}")
    for failure in failures:
        print("FAIL:", failure)
    if failures:
        sys.exit(1)
    print("ok: every scenario's sections rendered, no console message")


if __name__ == "__main__":
    main()
