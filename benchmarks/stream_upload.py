"""Stream a large multipart upload of SIZE bytes to URL/api/cases (no file on disk); prints the HTTP status on
stdout and the bytes sent on stderr. Used by benchmarks/bench_web.py and tests/web/test_load.py.

Usage: python benchmarks/stream_upload.py URL SIZE"""

import sys
from collections.abc import Iterator

import httpx

url, size = sys.argv[1], int(sys.argv[2])
block = b"not a vcf record\t" * (1024 * 1024 // 17)


def body() -> Iterator[bytes]:
    yield (b'--B\r\nContent-Disposition: form-data; name="vcf"; filename="genome.vcf"\r\n'
           b"Content-Type: application/octet-stream\r\n\r\n")
    sent = 0
    while sent < size:
        sent += len(block)
        yield block
    yield b"\r\n--B--\r\n"
    print(sent, file=sys.stderr)


r = httpx.post(url + "/api/cases", content=body(), headers={"content-type": "multipart/form-data; boundary=B"},
               timeout=300)
print(r.status_code)
