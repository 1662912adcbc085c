#!/usr/bin/env bash
# Checks that every target's `dependencies` in Package.swift are exactly the modules its Swift files import
# (system modules aside; an executable a test target runs counts without an import). Prints each difference and
# exits 1 when there is one. Run from the package root: Scripts/check-imports.sh (also part of `make test`).
set -euo pipefail
cd "$(dirname "$0")/.."
"${SWIFT:-swift}" package dump-package | python3 -c '
import json, os, re, sys

SYSTEM = {"Foundation", "FoundationEssentials", "Glibc", "Darwin", "Dispatch", "XCTest", "Testing", "Synchronization"}
IMPORT = re.compile(r"^(?:@testable\s+|@_implementationOnly\s+|(?:public|package|internal)\s+)*import\s+(?:(?:struct|class|enum|func|var|let|typealias|protocol)\s+)?([A-Za-z_][A-Za-z0-9_]*)", re.M)

package = json.load(sys.stdin)
targets = {t["name"]: t for t in package["targets"]}
executables = {name for name, t in targets.items() if t["type"] == "executable"}
problems = 0
for name, target in sorted(targets.items()):
    folder = target.get("path") or os.path.join("Tests" if target["type"] == "test" else "Sources", name)
    imported = set()
    for root, _, files in os.walk(folder):
        for file in files:
            if file.endswith(".swift"):
                with open(os.path.join(root, file), encoding="utf-8") as text:
                    imported.update(IMPORT.findall(text.read()))
    imported -= SYSTEM
    declared = set()
    for dependency in target.get("dependencies", []):
        kind, value = next(iter(dependency.items()))
        declared.add(value[0])
    declared_imports = declared - (executables if target["type"] == "test" else set())
    if not any(f.endswith(".swift") for _, _, fs in os.walk(folder) for f in fs):
        continue  # C targets: nothing to compare
    for module in sorted(imported - declared):
        print(f"{name}: imports {module}, which Package.swift does not list"); problems += 1
    for module in sorted(declared_imports - imported):
        print(f"{name}: lists {module} in Package.swift, but no file imports it"); problems += 1
if problems:
    print(f"check-imports: {problems} difference(s) between Package.swift and the imports")
    sys.exit(1)
print(f"check-imports: dependencies equal the imports in all {len(targets)} targets")
'
