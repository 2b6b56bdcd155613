// json: the recording itself (a byte copy, streamed), or with a map name that map's last
// print as one JSON document.
import fs from 'node:fs';
import type { AggregateEvent } from '../../common/contract/index.js';
import type { Sink } from './sink.js';

export async function copyRecording(recPath: string, sink: Sink): Promise<void> {
  for await (const chunk of fs.createReadStream(recPath, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) await sink.writeBytes(chunk);
}

export async function writeMapJson(ev: AggregateEvent, sink: Sink): Promise<void> {
  sink.push(JSON.stringify(ev) + '\n');
  await sink.flush();
}
