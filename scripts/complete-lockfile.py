#!/usr/bin/env python3
"""Completes package-lock.json with @biomejs/cli-* entries for other platforms.

This workplace's npm registry serves only biome's Linux binaries, so `npm install` leaves the other
platforms' optional packages out of the lock, and `npm ci` then refuses the lock as out of sync.
A lock written against the full registry lists every platform; npm skips those that do not match
the machine. Run after `npm install` whenever `npm ci` says `Missing: @biomejs/cli-…`.
"""
import json
import sys

PLATFORMS = {
    "win32-x64": ("win32", "x64", None), "win32-arm64": ("win32", "arm64", None),
    "darwin-x64": ("darwin", "x64", None), "darwin-arm64": ("darwin", "arm64", None),
    "linux-x64": ("linux", "x64", "glibc"), "linux-arm64": ("linux", "arm64", "glibc"),
    "linux-x64-musl": ("linux", "x64", "musl"), "linux-arm64-musl": ("linux", "arm64", "musl"),
    "android-x64": ("android", "x64", None), "android-arm64": ("android", "arm64", None),
}

path = sys.argv[1] if len(sys.argv) > 1 else "package-lock.json"
lock = json.load(open(path))
packages = lock["packages"]
version = packages["node_modules/@biomejs/biome"]["version"]
added = 0
for name, (os_name, cpu, libc) in PLATFORMS.items():
    key = f"node_modules/@biomejs/cli-{name}"
    if key in packages:
        continue
    entry = {"version": version, "cpu": [cpu], "dev": True, "license": "MIT OR Apache-2.0", "optional": True, "os": [os_name]}
    if libc:
        entry["libc"] = [libc]
    entry["engines"] = {"node": ">=14.21.3"}
    packages[key] = entry
    added += 1
lock["packages"] = dict(sorted(packages.items(), key=lambda item: (item[0] != "", item[0])))
with open(path, "w") as out:
    json.dump(lock, out, indent=2)
    out.write("\n")
print(f"added {added} platform entries for @biomejs/cli {version}")
