#!/usr/bin/env python3
"""Adds every symbol that RS0016 reports as undeclared to the project's PublicAPI.Unshipped.txt.

Usage: python3 eng/update-public-api.py src/QuantumLM.Quantum [more projects...]
Builds each project, reads the RS0016 diagnostics and appends the symbols (sorted, de-duplicated). Review the diff:
every line is a public API promise. RS0017 (declared but missing) lines are listed so they can be removed by hand.
"""
import re, subprocess, sys, pathlib

pat = re.compile(r"error RS0016: Symbol '(.+?)' is not part of the declared public API")
gone = re.compile(r"error RS0017: Symbol '(.+?)' is part of the declared API, but is either not public or could not be found")
for proj in sys.argv[1:]:
    d = pathlib.Path(proj)
    out = subprocess.run(["dotnet", "build", str(d), "-c", "Release", "--no-incremental", "-p:TreatWarningsAsErrors=true"],
                         capture_output=True, text=True).stdout
    new = sorted(set(pat.findall(out)))
    stale = sorted(set(gone.findall(out)))
    f = d / "PublicAPI.Unshipped.txt"
    lines = f.read_text().splitlines() if f.exists() else ["#nullable enable"]
    body = [l for l in lines[1:] if l.strip() and l not in stale]
    merged = sorted(set(body) | set(new))
    f.write_text("\n".join([lines[0]] + merged) + "\n")
    print(f"{d}: +{len(new)} symbols, -{len(stale)} stale")
