"""Fetch SpotBugs into the image where Maven Central is reachable; do nothing, and say so, where it is not.

Run once at image build time (see Dockerfile). SpotBugs is not a Debian package, so an image built without a
registry (as `ato runners build` does here) has no SpotBugs and the harness uses Debian's FindBugs instead.
The download is pinned by version and SHA-256; anything unexpected leaves the image without SpotBugs.
Always exits 0: a missing SpotBugs is a fallback, never a failed build.
"""

import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

CENTRAL = "https://repo.maven.apache.org/maven2/com/github/spotbugs/spotbugs"


def main(version: str, sha256: str, dest: str) -> None:
    url = f"{CENTRAL}/{version}/spotbugs-{version}.tgz"
    try:
        with urllib.request.urlopen(url, timeout=60) as answer:
            data = answer.read(64 * 1024 * 1024)
    except Exception as err:  # noqa: BLE001 - any failure means: no SpotBugs here
        print(f"SpotBugs {version} not fetched ({type(err).__name__}: {err}); the harness uses FindBugs")
        return
    if hashlib.sha256(data).hexdigest() != sha256:
        print(f"SpotBugs {version}: checksum mismatch; not installed, the harness uses FindBugs")
        return
    target = Path(dest)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        archive.extractall(target.parent, filter="data")
    (target.parent / f"spotbugs-{version}").rename(target)
    print(f"SpotBugs {version} installed in {target}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
