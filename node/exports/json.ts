// json: the recording itself (a byte copy, streamed; format 2 with its prints whole), or with a map name that map's last
// print as one JSON document.
import fs from 'node:fs';
import type { AggregateEvent } from '../../common/contract/index.js';
import type { Sink } from './sink.js';
import { MapDeltaDecoder, MapDeltaError, isMapDelta, type Print } from '../../common/format/map-delta.js';

export async function copyRecording(recPath: string, sink: Sink, format = 1): Promise<void> {
  if (format >= 2) return expandRecording(recPath, sink);
  for await (const chunk of fs.createReadStream(recPath, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) await sink.writeBytes(chunk);
}

const DELTA_HEAD = Buffer.from('{"type":"mapdelta"');
const PRINT_HEAD = /^\{"type":"(map|hist|stats)"/;

/**
 * A format-2 recording as format 1: every line as it is, but each print written as changes
 * (`mapdelta`) rebuilt whole (common/format/map-delta.ts) and the header saying format 1, so
 * a script reading the export needs to know nothing of deltas. A line that does not rebuild
 * (damaged) is copied as it is; a torn last line too.
 */
async function expandRecording(recPath: string, sink: Sink): Promise<void> {
  const dec = new MapDeltaDecoder();
  let first = true;
  const onLine = async (line: Buffer): Promise<void> => {
    if (first) {
      first = false;
      await sink.writeBytes(Buffer.from(line.toString('utf8').replace(/"format":\s*\d+/, '"format":1')));
      return;
    }
    if (line.subarray(0, DELTA_HEAD.length).equals(DELTA_HEAD)) {
      try {
        const d = JSON.parse(line.toString('utf8')) as unknown;
        if (isMapDelta(d)) {
          await sink.writeBytes(Buffer.from(JSON.stringify(dec.apply(d)) + '\n'));
          return;
        }
      } catch (e) {
        if (!(e instanceof MapDeltaError) && !(e instanceof SyntaxError)) throw e;
      }
    } else if (PRINT_HEAD.test(line.toString('latin1', 0, 24))) {
      try {
        dec.full(JSON.parse(line.toString('utf8')) as Print);
      } catch {
        // damaged: copied as it is below
      }
    }
    await sink.writeBytes(line);
  };
  let pieces: Buffer[] = [];
  for await (const chunk of fs.createReadStream(recPath, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      const part = chunk.subarray(start, nl + 1);
      await onLine(pieces.length ? Buffer.concat([...pieces, part]) : part);
      pieces = [];
      start = nl + 1;
    }
    if (start < chunk.length) pieces.push(chunk.subarray(start));
  }
  if (pieces.length) await sink.writeBytes(Buffer.concat(pieces)); // a torn last line, as it is
}

export async function writeMapJson(ev: AggregateEvent, sink: Sink): Promise<void> {
  sink.push(JSON.stringify(ev) + '\n');
  await sink.flush();
}
