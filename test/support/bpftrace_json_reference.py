#!/usr/bin/env python3
"""An independent reading of bpftrace's `-f json` output, for the conformance tests.

Written apart from kscope's TypeScript decoder (node/engine/decode-stdout.ts) on
purpose: Python's json keeps integers exact (arbitrary precision) and, with
object_pairs_hook, every repeated key. It applies what bpftrace means, not how kscope
does it:
  - \\uffffffXX escapes are bytes; the bytes are UTF-8 (invalid bytes shown as \\xNN);
  - bpftrace 0.23 escapes map keys twice;
  - integers: a number when |n| <= 2**53 - 1, else decimal text (0.27 prints big ones as text);
  - a key printed twice in a stack map (a key spans lines) is the same stack: summed;
    elsewhere repeats stay separate entries;
  - join() lines end with a newline; printf, time, cat and syscall lines are text;
  - 0.17's hist bucket (-2147483648, 0) after [1G, 2G) is [2G, 4G) (its text output says so).
Usage: bpftrace_json_reference.py VERSION < stdout  → one JSON record a line on stdout:
  {"kind": "text", "text": ...} | {"kind": "value", "value": ...} |
  {"kind": "map"|"hist"|"stats", "name": ..., "entries": [[key, value], ...]}
Lines that are not JSON are text (with their newline); snapshot fence lines are dropped.
"""
import json
import re
import sys

SAFE = 2**53 - 1
ESC = re.compile(r'\uffff(?:ff)([0-9a-fA-F]{2})')


def text(s):
    if '\uffff' not in s:
        return s
    out, pos, buf = [], 0, bytearray()
    for m in ESC.finditer(s):
        if m.start() != pos:
            out.append(utf8(buf)); buf = bytearray()
            out.append(s[pos:m.start()])
        buf.append(int(m.group(1), 16))
        pos = m.end()
    out.append(utf8(buf))
    out.append(s[pos:])
    return ''.join(out)


def utf8(b):
    res, i = [], 0
    while i < len(b):
        for n in (4, 3, 2, 1):
            try:
                res.append(bytes(b[i:i + n]).decode('utf-8'))
                i += n
                break
            except UnicodeDecodeError:
                continue
        else:
            res.append('\\x%02x' % b[i])
            i += 1
    return ''.join(res)


def intval(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v if -SAFE <= v <= SAFE else str(v)
    if isinstance(v, str) and re.fullmatch(r'-?\d+', v) and abs(int(v)) > SAFE:
        return v
    return v


def plain(v):
    """A parsed value with objects as dicts (first of repeated keys), strings decoded."""
    if isinstance(v, list) and v and all(isinstance(p, tuple) for p in v):
        d = {}
        for k, x in v:
            d.setdefault(text(k), plain(x))
        return d
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, str):
        return intval(text(v))
    return intval(v)


def pairs(v):
    return v if isinstance(v, list) and all(isinstance(p, tuple) for p in v) else None


def buckets(v):
    out = []
    for b in v:
        d = dict(b)
        x = {}
        if 'min' in d:
            x['min'] = intval(d['min'])
        if 'max' in d:
            x['max'] = intval(d['max'])
        x['count'] = intval(d['count'])
        if x.get('min') == -2147483648 and x.get('max') == 0 and (not out or out[-1].get('max') == 2147483647):
            x['min'], x['max'] = 2147483648, 4294967295
        out.append(x)
    return out


def stats(v):
    p = pairs(v)
    if p is not None and sorted(k for k, _ in p) == ['average', 'count', 'total']:
        d = dict(p)
        return {'count': intval(d['count']), 'average': intval(d['average']), 'total': intval(d['total'])}
    return intval(v)


def add(a, b):
    return intval((int(a) if isinstance(a, str) else a) + (int(b) if isinstance(b, str) else b))


def merge(kind, entries):
    """Sum repeated keys of a stack map; keep repeats elsewhere."""
    if not any(k is not None and '\n' in k for k, _ in entries):
        return entries
    out, at = [], {}
    for k, v in entries:
        if k in at:
            i = at[k]
            pk, pv = out[i]
            if kind == 'map' and isinstance(pv, (int, str)) and isinstance(v, (int, str)) and not isinstance(pv, bool):
                out[i] = (pk, add(pv, v)); continue
            if kind == 'hist' and [(b.get('min'), b.get('max')) for b in pv] == [(b.get('min'), b.get('max')) for b in v]:
                out[i] = (pk, [dict(x, count=x['count'] + y['count']) for x, y in zip(pv, v)]); continue
            if kind == 'stats' and isinstance(pv, dict) and isinstance(v, dict):
                c, t = add(pv['count'], v['count']), add(pv['total'], v['total'])
                ci, ti = int(c), int(t)
                avg = 0 if ci == 0 else (abs(ti) // abs(ci)) * (1 if (ti >= 0) == (ci >= 0) else -1)
                out[i] = (pk, {'count': c, 'average': intval(avg), 'total': t}); continue
        at.setdefault(k, len(out))
        out.append((k, v))
    return out


def main():
    version = sys.argv[1] if len(sys.argv) > 1 else ''
    twice = re.match(r'0\.23\.', version) is not None
    key = (lambda k: text(json.loads('"' + k + '"'))) if twice else text
    data = sys.stdin.buffer.read().decode('utf-8', 'surrogateescape')
    emit = lambda o: print(json.dumps(o, ensure_ascii=False))
    for line in data.split('\n'):
        if line.endswith('\r'):
            line = line[:-1]
        if not line.strip():
            continue
        try:
            o = json.loads(line, object_pairs_hook=lambda p: list(p) if p else [])
        except ValueError:
            emit({'kind': 'text', 'text': line + '\n'}); continue
        rec = dict(o) if pairs(o) is not None else None
        if rec is None or not isinstance(rec.get('type'), str):
            emit({'kind': 'text', 'text': line + '\n'}); continue
        t, d = rec['type'], rec.get('data')
        if t in ('printf', 'time', 'cat', 'syscall', 'join'):
            s = text(d) + ('\n' if t == 'join' else '')
            if s.startswith('__kscope_snap_'):
                continue
            emit({'kind': 'text', 'text': s})
        elif t == 'value':
            emit({'kind': 'value', 'value': plain(d)})
        elif t in ('map', 'hist', 'stats', 'tseries'):
            for name, v in pairs(d) or []:
                kind = 'map' if t == 'tseries' else t
                ps = pairs(v)
                if t == 'hist':
                    es = [(None, buckets(v))] if ps is None else [(key(k), buckets(b)) for k, b in ps]
                elif t == 'stats':
                    es = [(None, stats(v))] if ps is None or sorted(k for k, _ in ps) == ['average', 'count', 'total'] else [(key(k), stats(x)) for k, x in ps]
                else:
                    es = [(None, plain(v))] if ps is None else [(key(k), plain(x)) for k, x in ps]
                emit({'kind': kind, 'name': text(name), 'entries': [list(e) for e in merge(kind, es)]})


if __name__ == '__main__':
    main()
