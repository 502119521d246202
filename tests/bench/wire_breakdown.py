#!/usr/bin/env python3
"""Takes apart the last HTTP exchange a counting relay dumped.

    DSPT_BENCH_RELAY_DUMP=/tmp/wire.dump tests/bench/sync_bench.sh BUILD --sites 2 \\
        --rounds 1 --files 0 --throughput-sites 1 --throughput-answers 1 \\
        --incremental-runs 1 --upload-bytes 1
    tests/bench/wire_breakdown.py /tmp/wire.dump [N]

The single changed answer's sync is the last one through the relay (sync_bench.cpp,
phase 4), so the last N exchanges (default 1) are that sync's requests. Prints each
request and response line by line with its bytes on the wire (CRLF included), and the
body's length as sent (compressed when it was).
"""
import sys


def read_dump(path):
    """Each direction of each connection as one byte string, and for each the
    (stream offset, record number) at which each of its reads began."""
    streams = {}
    starts = {}
    with open(path, 'rb') as f:
        record = 0
        while True:
            line = f.readline()
            if not line:
                break
            direction, connection, n = line.split()
            data = f.read(int(n))
            key = (direction.decode(), int(connection))
            stream = streams.setdefault(key, bytearray())
            starts.setdefault(key, []).append((len(stream), record))
            stream.extend(data)
            record += 1
    return streams, starts


def record_of(starts, offset):
    """The record number of the read that held byte `offset` of a stream."""
    found = 0
    for start, record in starts:
        if start > offset:
            break
        found = record
    return found


def messages(data):
    """Splits one direction of a connection into (header lines, body) messages."""
    out = []
    pos = 0
    while pos < len(data):
        end = data.find(b'\r\n\r\n', pos)
        if end < 0:
            break
        head = data[pos:end + 4]
        lines = head.split(b'\r\n')[:-2]
        length = 0
        chunked = False
        for line in lines[1:]:
            name, _, value = line.partition(b':')
            if name.strip().lower() == b'content-length':
                length = int(value.strip())
            if name.strip().lower() == b'transfer-encoding' and b'chunked' in value.lower():
                chunked = True
        body_start = end + 4
        if chunked:
            p = body_start
            while True:
                eol = data.find(b'\r\n', p)
                size = int(data[p:eol].split(b';')[0], 16)
                p = eol + 2 + size + 2
                if size == 0:
                    break
            body_end = p
        else:
            body_end = body_start + length
        out.append((lines, bytes(data[body_start:body_end]), pos))
        pos = body_end
    return out


def show(title, message):
    lines, body, _ = message
    total = 0
    print(f'{title}')
    for line in lines:
        n = len(line) + 2
        total += n
        print(f'  {n:5d}  {line.decode(errors="replace")}')
    print(f'  {2:5d}  (blank line)')
    print(f'  {len(body):5d}  body')
    total += 2 + len(body)
    print(f'  {total:5d}  total')
    return total


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    streams, starts = read_dump(sys.argv[1])
    # Exchanges in the order their requests began, over every connection.
    exchanges = []
    for connection in sorted({c for _, c in streams}):
        ups = messages(streams.get(('up', connection), b''))
        downs = messages(streams.get(('down', connection), b''))
        for i, up in enumerate(ups):
            began = record_of(starts[('up', connection)], up[2])
            exchanges.append((began, up, downs[i] if i < len(downs) else None))
    exchanges.sort(key=lambda e: e[0])
    up_sum = down_sum = 0
    for _, up, down in exchanges[-count:]:
        up_sum += show('request', up)
        if down:
            down_sum += show('response', down)
    print(f'up {up_sum} B, down {down_sum} B, total {up_sum + down_sum} B')
    return 0


if __name__ == '__main__':
    sys.exit(main())
