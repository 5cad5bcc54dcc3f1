"""Runs Keras's ops correctness and dtype tests against keras_like; prints pass counts.

Usage (Keras and JAX installed for reference only; see README.md):
    python tools/keras_conformance/run.py [--classes REGEX] [--keep DIR] [-- pytest args]

A test that kills the interpreter is counted as "crashed" and the run resumes after it.
"""

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = ("numpy", "nn", "math", "core", "linalg")
DEFAULT_CLASSES = r"(CorrectnessTest|DtypeTest)$"
OUTCOMES = ("passed", "failed", "missing", "crashed", "skipped")


def _keras_ops_dir():
    code = "import keras.src.ops as m, os; print(os.path.dirname(m.__file__))"
    env = dict(os.environ, KERAS_BACKEND="numpy")
    return subprocess.check_output([sys.executable, "-c", code], env=env, text=True).strip()


def _class_names(path, pattern):
    with open(path, encoding="utf-8") as f:
        names = re.findall(r"^class (\w+)\(", f.read(), flags=re.M)
    return [n for n in names if re.search(pattern, n)]


def _run(work, selected, extra, log, src):
    env = dict(os.environ, KERAS_BACKEND="numpy", KERAS_LIKE_SRC=src,
               KERAS_CONFORMANCE_LOG=log)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--tb=no",
           "--no-header", "-o", "addopts=", *selected, *extra]
    while True:
        done = subprocess.run(cmd, cwd=work, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, check=False)
        if done.returncode >= 0 and done.returncode != 3:  # 3: internal error
            return
        running = log + ".running"
        if not os.path.exists(running):
            return
        with open(running, encoding="utf-8") as f:
            crashed = f.read().strip()
        os.remove(running)
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"{crashed}\tcrashed\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--classes", default=DEFAULT_CLASSES, help="regex of test classes")
    parser.add_argument("--keep", help="copy the outcome log (one test per line) here")
    parser.add_argument("--src", default=os.path.join(HERE, "..", "..", "src"),
                        help="the keras_like source folder to test (default: this checkout's)")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="keras_conformance_")
    source = _keras_ops_dir()
    selected = []
    for name in FILES:
        test_file = f"{name}_test.py"
        shutil.copy(os.path.join(source, test_file), os.path.join(work, test_file))
        selected += [f"{test_file}::{c}" for c in _class_names(
            os.path.join(work, test_file), args.classes)]
    shutil.copy(os.path.join(HERE, "conftest.py"), os.path.join(work, "conftest.py"))
    log = os.path.join(work, "outcomes.tsv")
    _run(work, selected, args.pytest_args, log, os.path.abspath(args.src))
    counts = collections.defaultdict(collections.Counter)
    with open(log, encoding="utf-8") as f:
        for line in f:
            nodeid, outcome = line.rstrip("\n").split("\t")
            counts[nodeid.split("::")[1]][outcome] += 1
    total = collections.Counter()
    print(f"{'class':40s}" + "".join(f"{o:>9s}" for o in OUTCOMES))
    for cls in sorted(counts):
        total.update(counts[cls])
        print(f"{cls:40s}" + "".join(f"{counts[cls][o]:9d}" for o in OUTCOMES))
    print(f"{'total':40s}" + "".join(f"{total[o]:9d}" for o in OUTCOMES))
    if args.keep:
        shutil.copy(log, args.keep)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
