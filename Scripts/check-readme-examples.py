#!/usr/bin/env python3
"""Runs the examples of README.md and compares their output with what the README shows.

    python3 Scripts/check-readme-examples.py [--keep]

Build first (`swift build -c release`). Every ```console block is a sequence of `$ command`
lines, each followed by the output it shows; a ```sh block followed directly by a ```text block
is one command and its output. The commands run with bash in a scratch folder that holds the
repository's Data/ and Models/ and the release build (as `.build/release/criba`), one block after
another, so a file an earlier example writes is there for a later one. A `cat FILE` whose file
does not exist is the README showing a file for the reader to create: the script creates it
with the text shown. Set-up blocks (apt-get, swift build, swift test) are not run. Timings
(`in 2.35 s`) are compared as `in <time> s`. The README shows terminal sessions, where a long
run's progress line is rewritten in place and erased at the end; the script's standard error is
a pipe, where progress would be printed as plain lines, so it turns progress off
(CRIBA_PROGRESS_AFTER). Exits 1 when an output differs.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SETUP = re.compile(r"^(apt-get|sudo|swift (build|test)|python3 -m venv)")


def blocks(text):
    """(language, body) of every fenced code block, in order."""
    out = []
    for m in re.finditer(r"^```(\w*)\n(.*?)^```\s*$", text, re.S | re.M):
        out.append((m.group(1), m.group(2), m.start(), m.end()))
    return out


def examples(text):
    """(line number, command, expected output) in README order."""
    found = []
    bs = blocks(text)
    for k, (lang, body, start, end) in enumerate(bs):
        line = text.count("\n", 0, start) + 2
        if lang == "console":
            cmd, out = None, []
            for i, l in enumerate(body.splitlines()):
                if l.startswith("$ "):
                    if cmd is not None:
                        found.append(cmd + (out,))
                    cmd, out = (line + i, l[2:]), []
                else:
                    out.append(l)
            if cmd is not None:
                found.append(cmd + (out,))
        elif lang == "sh" and k + 1 < len(bs) and bs[k + 1][0] == "text" and text[end:bs[k + 1][2]].strip() == "":
            found.append((line, body.strip(), bs[k + 1][1].splitlines()))
    return found


def normalise(lines):
    return [re.sub(r"\bin [0-9.]+ s\b", "in <time> s", l.rstrip()) for l in lines]


def main():
    keep = "--keep" in sys.argv
    binary = os.path.join(ROOT, ".build/release/criba")
    if not os.access(binary, os.X_OK):
        sys.exit("build first: swift build -c release")
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    work = tempfile.mkdtemp(prefix="criba-readme-")
    try:
        for d in ("Data", "Models"):
            shutil.copytree(os.path.join(ROOT, d), os.path.join(work, d))
        os.makedirs(os.path.join(work, ".build/release"))
        os.symlink(binary, os.path.join(work, ".build/release/criba"))
        failed = ran = 0
        for line, command, expected in examples(text):
            if SETUP.match(command):
                continue
            m = re.fullmatch(r"cat (\S+)", command)
            if m and not os.path.exists(os.path.join(work, m.group(1))):
                with open(os.path.join(work, m.group(1)), "w", encoding="utf-8") as f:
                    f.write("\n".join(expected) + "\n")
            r = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=work, capture_output=True, text=True,
                               env=dict(os.environ, COLUMNS="80", CRIBA_MODEL="", CRIBA_PROGRESS_AFTER="1e9"))
            ran += 1
            # A command whose output the README shows is checked against stdout and stderr.
            got = normalise((r.stdout + r.stderr).splitlines())
            want = normalise(expected)
            if r.returncode != 0 or got != want:
                failed += 1
                print(f"FAIL README.md:{line}: {command}  (exit {r.returncode})")
                for w, g in zip(want + [""] * len(got), got + [""] * len(want)):
                    if w != g:
                        print(f"   README: {w!r}\n   got:    {g!r}")
                        break
            else:
                print(f"ok   README.md:{line}: {command[:70]}")
        print(f"{ran - failed} of {ran} README examples give the output shown")
        return 1 if failed else 0
    finally:
        if keep:
            print("scratch folder kept:", work)
        else:
            shutil.rmtree(work)


if __name__ == "__main__":
    sys.exit(main())
