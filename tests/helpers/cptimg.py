#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Read, change and write checkpoint images (include/uapi/linux/cpt_image.h)
with valid CRCs, for tests that need a well-formed image with one thing
changed, so that what is tested is the rule behind the CRCs.

  cptimg.py FILE --set TYPE:N:OFF=HEX   write bytes HEX at byte OFF of the
                                        payload of the N-th TYPE record
  cptimg.py FILE --list                 one line per record

TYPE is a record name (FILE, MM, TASK, ...).  The header's CRC, every
record's CRC and the END record are recomputed.
"""
import struct
import sys

TYPES = ["", "VE", "UTS", "FILE", "FILES", "FD", "FS", "MM", "VMA",
         "SIGHAND", "TASK", "CREDS", "REGS", "XSAVE", "SIGPENDING", "SIGNAL",
         "POSIX_TIMER", "PAGES", "END"]
END = TYPES.index("END")
HDR_CRC = 84


def crc32c(data, crc=0xffffffff):
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82f63b78 if crc & 1 else crc >> 1
    return crc


def parse(img):
    """(header bytes, [[type, index, payload bytearray], ...])"""
    (hdr_len,) = struct.unpack_from("<I", img, 12)
    off, recs = hdr_len, []
    while off < len(img):
        rtype, rlen, index, _ = struct.unpack_from("<IIII", img, off)
        payload = bytearray(img[off + 16:off + 16 + rlen])
        recs.append([rtype, index, payload])
        off += 16 + ((rlen + 7) & ~7)
    return bytearray(img[:hdr_len]), recs


def build(head, recs):
    struct.pack_into("<I", head, HDR_CRC, 0)
    struct.pack_into("<I", head, HDR_CRC, crc32c(bytes(head)) ^ 0xffffffff)
    out, crcs = bytearray(head), bytearray()
    for rtype, index, payload in recs:
        if rtype == END:
            payload = bytearray(struct.pack(
                "<QII", len(crcs) // 4, crc32c(bytes(crcs)) ^ 0xffffffff, 0))
        rh = struct.pack("<IIII", rtype, len(payload), index, 0)
        crc = crc32c(bytes(payload), crc32c(rh)) ^ 0xffffffff
        out += struct.pack("<IIII", rtype, len(payload), index, crc) + payload
        out += bytes(-len(payload) % 8)
        if rtype != END:
            crcs += struct.pack("<I", crc)
    return out


def nth(recs, name, n):
    rtype = TYPES.index(name)
    found = [r for r in recs if r[0] == rtype]
    return found[n]


def main():
    path, op = sys.argv[1], sys.argv[2]
    with open(path, "rb") as f:
        head, recs = parse(f.read())
    if op == "--list":
        for r in recs:
            print(TYPES[r[0]] if r[0] < len(TYPES) else r[0], r[1], len(r[2]))
        return
    if op != "--set":
        sys.exit("unknown operation " + op)
    where, data = sys.argv[3].split("=")
    name, n, off = where.split(":")
    rec = nth(recs, name, int(n))
    b = bytes.fromhex(data)
    rec[2][int(off):int(off) + len(b)] = b
    with open(path, "wb") as f:
        f.write(build(head, recs))


if __name__ == "__main__":
    main()
