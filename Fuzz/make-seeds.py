#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora from ../shared into a build directory (never into the project):
audit.log samples (cut into small chunks of whole lines), EQL queries of the QA suite and the rule corpus, and the
Linux detection-rules files. Exception files have no shared samples; Fuzz/seeds/exceptions holds our own.
Usage: make-seeds.py SHARED_DIR OUT_DIR   (OUT_DIR/<target>/ gets one file per seed; prints the counts)"""
import hashlib, os, sys, tomllib

MAX_SEED_BYTES = 4096  # libFuzzer's default max_len: larger seeds would be truncated anyway


def write(out, target, data):
    folder = os.path.join(out, target)
    os.makedirs(folder, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def audit_seeds(shared, out):
    count = 0
    for root, _, files in os.walk(os.path.join(shared, "audit-samples")):
        for file in sorted(files):
            with open(os.path.join(root, file), "rb") as f:
                lines = [l for l in f.read().splitlines(keepends=True) if b"msg=audit(" in l]
            chunk = b""
            for line in lines:  # whole lines, up to MAX_SEED_BYTES a chunk, so related records stay together
                if chunk and len(chunk) + len(line) > MAX_SEED_BYTES:
                    write(out, "audit-log", chunk); count += 1; chunk = b""
                chunk += line[:MAX_SEED_BYTES]
            if chunk:
                write(out, "audit-log", chunk); count += 1
    return count


def queries_in(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "query" and isinstance(item, str):
                yield item
            else:
                yield from queries_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from queries_in(item)


def eql_and_rule_seeds(shared, out):
    queries, rules = set(), 0
    for folder in ("eql-suite", "detection-rules/linux-eql"):
        for root, _, files in os.walk(os.path.join(shared, folder)):
            for file in sorted(files):
                if not file.endswith(".toml"):
                    continue
                path = os.path.join(root, file)
                with open(path, "rb") as f:
                    data = f.read()
                try:
                    queries.update(queries_in(tomllib.loads(data.decode())))
                except (tomllib.TOMLDecodeError, UnicodeDecodeError):
                    pass  # some QA files use extensions Python's TOML rejects; the rest still seed
                if folder.startswith("detection-rules") and len(data) <= 4 * MAX_SEED_BYTES:
                    write(out, "rule-toml", data); rules += 1
    for query in queries:
        write(out, "eql", query.encode()[:MAX_SEED_BYTES])
    return len(queries), rules


def main():
    shared, out = sys.argv[1], sys.argv[2]
    if not os.path.isdir(shared):
        print(f"make-seeds: {shared} is absent; fuzzing starts from Fuzz/seeds only")
        return
    audit = audit_seeds(shared, out)
    queries, rules = eql_and_rule_seeds(shared, out)
    print(f"make-seeds: {audit} audit-log chunks, {queries} EQL queries, {rules} rule files from {shared}")


main()
