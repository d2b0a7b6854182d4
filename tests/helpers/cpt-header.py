#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Rewrite the header of a checkpoint image in place, with a valid CRC.

  cpt-header.py FILE --extend N    N zero bytes of header extension (a
                                   newer minor version's fields): hdr_len
                                   grows by N, a reader must accept it
  cpt-header.py FILE --caps BITS   OR the hex BITS into cpu_caps

For the lab tests of the kernel's reader (tests/lab/cr/59-bad-images.sh).
The layout is struct cpt_image_header of include/uapi/linux/cpt_image.h.
"""
import struct
import sys

HDR = 88            # sizeof(struct cpt_image_header), version 1.0
OFF_LEN = 12        # hdr_len
OFF_CAPS = 32       # cpu_caps
OFF_CRC = 84        # crc


def crc32c(data):
    crc = 0xffffffff
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82f63b78 if crc & 1 else crc >> 1
    return crc ^ 0xffffffff


def main():
    path, opt, arg = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(path, "rb") as f:
        img = bytearray(f.read())
    (hdr_len,) = struct.unpack_from("<I", img, OFF_LEN)
    head, rest = img[:hdr_len], img[hdr_len:]
    if opt == "--extend":
        head += bytes(int(arg))
        struct.pack_into("<I", head, OFF_LEN, len(head))
    elif opt == "--caps":
        (caps,) = struct.unpack_from("<Q", head, OFF_CAPS)
        struct.pack_into("<Q", head, OFF_CAPS, caps | int(arg, 16))
    else:
        sys.exit("unknown option " + opt)
    struct.pack_into("<I", head, OFF_CRC, 0)
    struct.pack_into("<I", head, OFF_CRC, crc32c(bytes(head)))
    with open(path, "wb") as f:
        f.write(head + rest)


if __name__ == "__main__":
    main()
